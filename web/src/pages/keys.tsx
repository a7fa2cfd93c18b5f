import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { t } from '../i18n';
import { AsyncBlock, Empty, errorText, invalidText, notify, PageHeader, SelectField, TextField, useAsync, useConfirm } from '../ui';
import { intInRange } from '../validate';
import { SecretOnce } from './secrets';
import { CredTable } from './users';

export function EndpointKeysPage() {
  const keys = useAsync<{ items: any[] }>((s) => api.get('/api/v1/admin/endpoint-keys', undefined, s), []);
  const access = useAsync<any>((s) => api.get('/api/v1/admin/access', undefined, s), []);
  const [confirmEl, ask] = useConfirm();
  const [k, setK] = useState({ kind: 'endpoint-key', name: '', expires_days: '' });
  const [err, setErr] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    const bad = intInRange(k.expires_days, 1, 36500, true);
    if (bad) { setErr(invalidText(bad)); return; }
    try {
      const r = await api.post<{ secret: string }>('/api/v1/admin/endpoint-keys', { kind: k.kind, name: k.name || undefined, expires_days: k.expires_days ? Number(k.expires_days) : undefined });
      setSecret(r.secret); setErr(null); keys.reload(); access.reload();
    } catch (e2) { setErr(errorText(e2)); }
  };
  const revoke = async (c: any) => {
    if (!(await ask(t('keys.revoke_confirm', { id: c.id }), t('tokens.revoke')))) return;
    try { await api.del('/api/v1/admin/endpoint-keys/' + seg(c.id)); keys.reload(); access.reload(); } catch (e) { notify(errorText(e), 'error'); }
  };
  return (
    <div>
      {confirmEl}
      <PageHeader title={t('nav.keys')}>{t('keys.intro')}</PageHeader>
      {access.data && (
        <div class={'alert ' + (access.data.machine_routes_keyed ? 'alert-ok' : 'alert-warn')} role="status">
          {access.data.machine_routes_keyed ? t('keys.keyed') : t('keys.unkeyed')}
          {(access.data.warnings || []).length > 0 && <ul>{access.data.warnings.map((w: string, i: number) => <li key={i}>{w}</li>)}</ul>}
        </div>
      )}
      {secret && <SecretOnce secret={secret} onClose={() => setSecret(null)} />}
      <section class="panel">
        <AsyncBlock a={keys}>{(d) => d.items.length ? <CredTable items={d.items} onRevoke={revoke} /> : <Empty>{t('keys.none')}</Empty>}</AsyncBlock>
      </section>
      <section class="panel" aria-labelledby="h-newkey">
        <h2 id="h-newkey">{t('keys.create')}</h2>
        <form class="inline-form" onSubmit={create} noValidate>
          <SelectField label={t('keys.kind')} value={k.kind} onChange={(v) => setK({ ...k, kind: v })} options={[{ value: 'endpoint-key', label: t('keys.kind_bundle') }, { value: 'variables-key', label: t('keys.kind_variables') }]} />
          <TextField label={t('keys.name')} value={k.name} onInput={(v) => setK({ ...k, name: v })} placeholder="bundle-2026-12" />
          <TextField label={t('tokens.expires_days')} value={k.expires_days} onInput={(v) => setK({ ...k, expires_days: v })} inputMode="numeric" help={t('keys.expires_help')} />
          <button type="submit" class="btn btn-primary">{t('keys.create_submit')}</button>
        </form>
        {err && <div class="alert alert-error" role="alert">{err}</div>}
      </section>
    </div>
  );
}
