import { useState } from 'preact/hooks';
import { api, seg } from '../api';
import { t, tk } from '../i18n';
import { atLeast } from '../roles';
import { AsyncBlock, Empty, errorText, invalidText, notify, PageHeader, useAsync, useConfirm, useSession } from '../ui';
import { intInRange, parseAllowedChoices, parseAllowedRange } from '../validate';

interface Setting { key: string; value: string; source: string; default: string | null; type: string; allowed: string; description: string; endpoint: boolean }

export const TLS_KEYS = ['ReportingTLSMode', 'OptionalTLSMinAttemptCount', 'OptionalTLSBackoffIntervalSeconds', 'OptionalTLSMaxBackoffSeconds'];

export function checkSetting(s: Pick<Setting, 'type' | 'allowed'>, v: string) {
  if (v.trim() === '') return null;
  const r = parseAllowedRange(s.allowed);
  if (r) return intInRange(v, r.min, r.max);
  const c = parseAllowedChoices(s.allowed);
  if (c && !c.includes(v.trim())) return { key: 'validate.one_of', params: { list: c.join(', ') } };
  return null;
}

function SettingRow({ s, canWrite, onChange }: { s: Setting; canWrite: boolean; onChange: () => void }) {
  const [v, setV] = useState(s.value ?? '');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = 'set-' + s.key.replace(/[^\w-]/g, '_');
  const choices = parseAllowedChoices(s.allowed);
  const save = async () => {
    const bad = checkSetting(s, v);
    if (bad) { setErr(invalidText(bad)); return; }
    setBusy(true);
    try { await api.put('/api/v1/admin/settings/' + seg(s.key), { value: v }); setErr(null); notify(t('settings.saved', { key: s.key })); onChange(); }
    catch (e) { setErr(errorText(e)); }
    finally { setBusy(false); }
  };
  const reset = async () => {
    setBusy(true);
    try { await api.del('/api/v1/admin/settings/' + seg(s.key)); setErr(null); notify(t('settings.reset_done', { key: s.key })); onChange(); }
    catch (e) { setErr(errorText(e)); }
    finally { setBusy(false); }
  };
  return (
    <tr class={err ? 'invalid' : ''}>
      <th scope="row"><label for={id} class="mono">{s.key}</label>{s.endpoint && <span class="badge badge-src" title={t('settings.endpoint_help')}>{t('settings.endpoint')}</span>}
        <div class="muted small" id={id + '-d'}>{s.description}</div></th>
      <td>
        {choices && canWrite ? (
          <select id={id} value={v} onChange={(e) => setV((e.target as HTMLSelectElement).value)} aria-describedby={id + '-d ' + id + '-a'}>
            <option value="">{t('settings.blank')}</option>
            {choices.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        ) : (
          <input id={id} type="text" value={v} disabled={!canWrite} aria-invalid={err ? true : undefined} aria-describedby={id + '-d ' + id + '-a' + (err ? ' ' + id + '-e' : '')}
            inputMode={s.type === 'integer' ? 'numeric' : undefined} class="mono"
            onInput={(e) => { setV((e.target as HTMLInputElement).value); setErr(null); }}
            onKeyDown={(e) => { if (e.key === 'Enter') save(); }} />
        )}
        <div class="muted small" id={id + '-a'}>{t('settings.allowed', { allowed: s.allowed || s.type })}{s.default != null && s.default !== '' ? ' · ' + t('settings.default', { value: s.default }) : ''}</div>
        {err && <div class="field-error" id={id + '-e'}>{err}</div>}
      </td>
      <td><span class={'badge badge-src'}>{tk('settings.source', s.source)}</span></td>
      <td>{canWrite && <div class="row-actions">
        <button type="button" class="btn btn-small btn-primary" disabled={busy || v === (s.value ?? '')} onClick={save}>{t('form.save')}<span class="visually-hidden"> {s.key}</span></button>
        <button type="button" class="btn btn-small" disabled={busy || s.source === 'default'} onClick={reset}>{t('settings.reset')}<span class="visually-hidden"> {s.key}</span></button>
      </div>}</td>
    </tr>
  );
}

function SettingsTable({ items, canWrite, onChange, caption }: { items: Setting[]; canWrite: boolean; onChange: () => void; caption: string }) {
  if (!items.length) return <Empty>{t('settings.none')}</Empty>;
  return (
    <table class="table settings">
      <caption class="visually-hidden">{caption}</caption>
      <thead><tr><th scope="col">{t('settings.key')}</th><th scope="col">{t('settings.value')}</th><th scope="col">{t('settings.source_col')}</th><th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th></tr></thead>
      <tbody>{items.map((s) => <SettingRow key={s.key + ':' + s.value + ':' + s.source} s={s} canWrite={canWrite} onChange={onChange} />)}</tbody>
    </table>
  );
}

export function SettingsPage() {
  const session = useSession();
  const admin = atLeast(session.role, 'admin');
  const a = useAsync<{ settings: Setting[]; warnings: string[] }>((s) => api.get('/api/v1/admin/settings', undefined, s), []);
  const [newKey, setNewKey] = useState('x-');
  const [newVal, setNewVal] = useState('');
  const [addErr, setAddErr] = useState<string | null>(null);
  const [confirmEl] = useConfirm();
  const add = async (e: Event) => {
    e.preventDefault();
    if (!newKey.trim() || newKey.trim() === 'x-') { setAddErr(t('validate.required')); return; }
    try { await api.put('/api/v1/admin/settings/' + seg(newKey.trim()), { value: newVal }); setAddErr(null); setNewKey('x-'); setNewVal(''); a.reload(); }
    catch (e2) { setAddErr(errorText(e2)); }
  };
  return (
    <div>
      {confirmEl}
      <PageHeader title={t('nav.settings')}>{t('settings.intro')}</PageHeader>
      <AsyncBlock a={a}>
        {(d) => {
          const tls = d.settings.filter((s) => TLS_KEYS.includes(s.key));
          const other = d.settings.filter((s) => !TLS_KEYS.includes(s.key));
          return (
            <>
              {d.warnings && d.warnings.length > 0 && (
                <div class="alert alert-warn" role="status"><strong>{t('settings.warnings')}</strong><ul>{d.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul></div>
              )}
              <section class="panel" aria-labelledby="h-gen"><h2 id="h-gen">{t('settings.general')}</h2>
                <SettingsTable items={other} canWrite={admin} onChange={a.reload} caption={t('settings.general')} /></section>
              <section class="panel" aria-labelledby="h-tlsset"><h2 id="h-tlsset">{t('settings.tls')}</h2>
                <p class="muted">{t('settings.tls_help')}</p>
                <SettingsTable items={tls} canWrite={admin} onChange={a.reload} caption={t('settings.tls')} /></section>
              {admin && (
                <section class="panel" aria-labelledby="h-add"><h2 id="h-add">{t('settings.add')}</h2>
                  <p class="muted">{t('settings.add_help')}</p>
                  <form class="inline-form" onSubmit={add} noValidate>
                    <label>{t('settings.key')}<input type="text" class="mono" value={newKey} onInput={(e) => setNewKey((e.target as HTMLInputElement).value)} /></label>
                    <label>{t('settings.value')}<input type="text" value={newVal} onInput={(e) => setNewVal((e.target as HTMLInputElement).value)} /></label>
                    <button type="submit" class="btn btn-primary">{t('settings.add_submit')}</button>
                  </form>
                  {addErr && <div class="alert alert-error" role="alert">{addErr}</div>}
                </section>
              )}
            </>
          );
        }}
      </AsyncBlock>
    </div>
  );
}
