import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { formatDateTime } from '../format';
import { t } from '../i18n';
import { ROLES } from '../roles';
import { AsyncBlock, Empty, errorText, invalidText, notify, PageHeader, SelectField, TextField, useAsync, useConfirm, useSession } from '../ui';
import { intInRange, Invalid, password, required } from '../validate';
import { SecretOnce } from './secrets';

interface User { username: string; role: string; disabled: boolean; password_set: boolean; version: number }
interface Cred { id: string; kind: string; subject: string; role: string | null; created: string; expires: string | null; last_used: string | null; note: string | null }

const roleOptions = () => ROLES.map((r) => ({ value: r, label: t('role.' + r) }));

export function UsersPage() {
  const session = useSession();
  const users = useAsync<{ users: User[] }>((s) => api.get('/api/v1/admin/users', undefined, s), []);
  const tokens = useAsync<{ items: Cred[] }>((s) => api.get('/api/v1/admin/tokens', undefined, s), []);
  const [confirmEl, ask] = useConfirm();
  const [nu, setNu] = useState({ username: '', password: '', role: 'viewer' });
  const [nuErr, setNuErr] = useState<Record<string, Invalid | string | null>>({});
  const [pw, setPw] = useState<{ user: string; value: string; error?: string } | null>(null);
  const [tok, setTok] = useState({ role: 'viewer', expires_days: '90', note: '' });
  const [tokErr, setTokErr] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const change = async (u: User, body: Record<string, any>, msg: string) => {
    if (u.username === session.username && !(await ask(t('users.self_warning'), t('common.continue'), false))) return;
    try { await api.put('/api/v1/admin/users/' + seg(u.username), body); notify(msg); users.reload(); }
    catch (e) { notify(errorText(e), 'error'); }
  };
  const create = async (e: Event) => {
    e.preventDefault();
    const errs = { username: required(nu.username), password: password(nu.password) };
    setNuErr(errs);
    if (errs.username || errs.password) return;
    try { await api.post('/api/v1/admin/users', nu); setNu({ username: '', password: '', role: 'viewer' }); notify(t('users.created')); users.reload(); }
    catch (e2: any) { setNuErr(e2.field ? { [e2.field]: e2.detail } : { form: errorText(e2) }); }
  };
  const setPassword = async (e: Event) => {
    e.preventDefault();
    if (!pw) return;
    const bad = password(pw.value);
    if (bad) { setPw({ ...pw, error: invalidText(bad) }); return; }
    const u = users.data!.users.find((x) => x.username === pw.user)!;
    await change(u, { password: pw.value }, t('users.password_set', { name: u.username }));
    setPw(null);
  };
  const delUser = async (u: User) => {
    if (!(await ask(t('users.delete_confirm', { name: u.username }), t('common.delete')))) return;
    try { await api.del('/api/v1/admin/users/' + seg(u.username)); users.reload(); } catch (e) { notify(errorText(e), 'error'); }
  };
  const createToken = async (e: Event) => {
    e.preventDefault();
    const bad = intInRange(tok.expires_days, 1, 3650, true);
    if (bad) { setTokErr(invalidText(bad)); return; }
    try {
      const r = await api.post<{ secret: string }>('/api/v1/admin/tokens', { role: tok.role, note: tok.note || undefined, expires_days: tok.expires_days ? Number(tok.expires_days) : undefined });
      setSecret(r.secret); setTokErr(null); tokens.reload();
    } catch (e2) { setTokErr(errorText(e2)); }
  };
  const revoke = async (c: Cred) => {
    if (!(await ask(t('tokens.revoke_confirm', { id: c.id }), t('tokens.revoke')))) return;
    try { await api.del('/api/v1/admin/tokens/' + seg(c.id)); tokens.reload(); } catch (e) { notify(errorText(e), 'error'); }
  };
  return (
    <div>
      {confirmEl}
      <PageHeader title={t('nav.users')}>{t('users.intro')}</PageHeader>
      <section class="panel" aria-labelledby="h-users">
        <h2 id="h-users">{t('users.title')}</h2>
        <AsyncBlock a={users}>
          {(d) => d.users.length ? (
            <table class="table">
              <caption class="visually-hidden">{t('users.title')}</caption>
              <thead><tr><th scope="col">{t('users.name')}</th><th scope="col">{t('users.role')}</th><th scope="col">{t('users.status')}</th><th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th></tr></thead>
              <tbody>{d.users.map((u) => (
                <tr key={u.username}>
                  <th scope="row">{u.username}{u.username === session.username && <span class="muted"> ({t('users.you')})</span>}</th>
                  <td><label class="visually-hidden" for={'role-' + u.username}>{t('users.role_of', { name: u.username })}</label>
                    <select id={'role-' + u.username} value={u.role} onChange={(e) => change(u, { role: (e.target as HTMLSelectElement).value }, t('users.role_set', { name: u.username }))}>
                      {roleOptions().map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
                    </select></td>
                  <td>{u.disabled ? <span class="badge badge-error">{t('users.disabled')}</span> : !u.password_set ? <span class="badge badge-stale">{t('users.no_password')}</span> : <span class="badge badge-success">{t('users.active')}</span>}</td>
                  <td><div class="row-actions">
                    <button type="button" class="btn btn-small" onClick={() => setPw({ user: u.username, value: '' })}>{t('users.set_password')}<span class="visually-hidden"> {u.username}</span></button>
                    <button type="button" class="btn btn-small" onClick={() => change(u, { disabled: !u.disabled }, t(u.disabled ? 'users.enabled_msg' : 'users.disabled_msg', { name: u.username }))}>{u.disabled ? t('users.enable') : t('users.disable')}<span class="visually-hidden"> {u.username}</span></button>
                    <button type="button" class="btn btn-small btn-danger-outline" disabled={u.username === session.username} onClick={() => delUser(u)}>{t('common.delete')}<span class="visually-hidden"> {u.username}</span></button>
                  </div>
                  {pw && pw.user === u.username && (
                    <form class="inline-form" onSubmit={setPassword} noValidate>
                      <TextField label={t('users.new_password', { name: u.username })} type="password" value={pw.value} onInput={(v) => setPw({ ...pw, value: v, error: undefined })} error={pw.error} autoComplete="new-password" />
                      <button type="submit" class="btn btn-primary btn-small">{t('form.save')}</button>
                      <button type="button" class="btn btn-small" onClick={() => setPw(null)}>{t('common.cancel')}</button>
                    </form>
                  )}</td>
                </tr>
              ))}</tbody>
            </table>
          ) : <Empty>{t('users.none')}</Empty>}
        </AsyncBlock>
        <h3>{t('users.add')}</h3>
        <form class="inline-form" onSubmit={create} noValidate>
          <TextField label={t('users.name')} value={nu.username} onInput={(v) => setNu({ ...nu, username: v })} error={nuErr.username} autoComplete="off" />
          <TextField label={t('auth.password')} type="password" value={nu.password} onInput={(v) => setNu({ ...nu, password: v })} error={nuErr.password} help={t('auth.password_rule')} autoComplete="new-password" />
          <SelectField label={t('users.role')} value={nu.role} onChange={(v) => setNu({ ...nu, role: v })} options={roleOptions()} error={nuErr.role} />
          <button type="submit" class="btn btn-primary">{t('users.add_submit')}</button>
        </form>
        {nuErr.form && <div class="alert alert-error" role="alert">{nuErr.form as string}</div>}
      </section>
      <section class="panel" aria-labelledby="h-tokens">
        <h2 id="h-tokens">{t('tokens.title')}</h2>
        <p class="muted">{t('tokens.intro')}</p>
        {secret && <SecretOnce secret={secret} onClose={() => setSecret(null)} />}
        <AsyncBlock a={tokens}>
          {(d) => d.items.length ? <CredTable items={d.items} onRevoke={revoke} showRole /> : <Empty>{t('tokens.none')}</Empty>}
        </AsyncBlock>
        <h3>{t('tokens.create')}</h3>
        <form class="inline-form" onSubmit={createToken} noValidate>
          <SelectField label={t('users.role')} value={tok.role} onChange={(v) => setTok({ ...tok, role: v })} options={roleOptions()} />
          <TextField label={t('tokens.expires_days')} value={tok.expires_days} onInput={(v) => setTok({ ...tok, expires_days: v })} inputMode="numeric" help={t('tokens.expires_help')} />
          <TextField label={t('tokens.note')} value={tok.note} onInput={(v) => setTok({ ...tok, note: v })} />
          <button type="submit" class="btn btn-primary">{t('tokens.create_submit')}</button>
        </form>
        {tokErr && <div class="alert alert-error" role="alert">{tokErr}</div>}
      </section>
    </div>
  );
}

export function CredTable({ items, onRevoke, showRole }: { items: Cred[]; onRevoke: (c: Cred) => void; showRole?: boolean }) {
  return (
    <table class="table">
      <caption class="visually-hidden">{t('tokens.title')}</caption>
      <thead><tr><th scope="col">{t('tokens.id')}</th><th scope="col">{showRole ? t('users.role') : t('keys.kind')}</th><th scope="col">{t('tokens.subject')}</th><th scope="col">{t('tokens.created')}</th><th scope="col">{t('tokens.expires')}</th><th scope="col">{t('tokens.last_used')}</th><th scope="col">{t('tokens.note')}</th><th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th></tr></thead>
      <tbody>{items.map((c) => (
        <tr key={c.id}>
          <th scope="row" class="mono">{c.id}</th>
          <td>{showRole ? t('role.' + (c.role || 'viewer')) : t('keys.kind_' + (c.kind === 'variables-key' ? 'variables' : 'bundle'))}</td>
          <td>{c.subject}</td><td>{formatDateTime(c.created)}</td>
          <td>{c.expires ? formatDateTime(c.expires) : t('tokens.never')}</td>
          <td>{c.last_used ? formatDateTime(c.last_used) : t('tokens.never_used')}</td>
          <td>{c.note}</td>
          <td><button type="button" class="btn btn-small btn-danger-outline" onClick={() => onRevoke(c)}>{t('tokens.revoke')}<span class="visually-hidden"> {c.id}</span></button></td>
        </tr>
      ))}</tbody>
    </table>
  );
}
