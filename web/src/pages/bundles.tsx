import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, tk } from '../i18n';
import { atLeast } from '../roles';
import { AsyncBlock, Empty, errorText, ErrorBox, notify, PageHeader, TextField, useAsync, useSession } from '../ui';
import { intInRange } from '../validate';

interface Bundles { default_bundle_id: string; default_bundle_timeout: number | string; rules: any[] }
interface Resolve { bundle_id: string | null; source: string; rule_id?: number; reason: string }

function SettingEditor({ k, label, value, validate, canWrite, onSaved }: { k: string; label: string; value: string; validate?: (v: string) => any; canWrite: boolean; onSaved: () => void }) {
  const [v, setV] = useState(value);
  const [err, setErr] = useState<any>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    const bad = validate ? validate(v) : null;
    if (bad) { setErr(bad); return; }
    try { await api.put('/api/v1/admin/settings/' + k, { value: v }); setErr(null); notify(t('form.saved')); onSaved(); }
    catch (e2: any) { setErr(errorText(e2)); }
  };
  return (
    <form class="inline-form" onSubmit={save} noValidate>
      <TextField label={label} value={v} onInput={setV} error={err} disabled={!canWrite} />
      {canWrite && <button type="submit" class="btn" disabled={v === value}>{t('form.save')}</button>}
    </form>
  );
}

export function BundlesPage() {
  const session = useSession();
  const admin = atLeast(session.role, 'admin');
  const a = useAsync<Bundles>((s) => api.get('/api/v1/admin/bundles', undefined, s), []);
  const [q, setQ] = useState({ model: '', serial: '', os: '' });
  const [res, setRes] = useState<Resolve | null>(null);
  const [resErr, setResErr] = useState<any>(null);
  const resolve = async (e: Event) => {
    e.preventDefault();
    setResErr(null);
    try { setRes(await api.get<Resolve>('/api/v1/admin/bundles/resolve', q)); } catch (e2) { setRes(null); setResErr(e2); }
  };
  return (
    <div>
      <PageHeader title={t('nav.bundles')}>{t('bundle.intro')}</PageHeader>
      <section class="panel" aria-labelledby="h-which">
        <h2 id="h-which">{t('bundle.which')}</h2>
        <form class="inline-form" onSubmit={resolve} noValidate>
          <TextField label={t('dep.model')} value={q.model} onInput={(v) => setQ({ ...q, model: v })} placeholder="Latitude 5420" />
          <TextField label={t('dep.serial')} value={q.serial} onInput={(v) => setQ({ ...q, serial: v })} mono />
          <TextField label={t('preview.os')} value={q.os} onInput={(v) => setQ({ ...q, os: v })} placeholder="Microsoft Windows 11 Enterprise" />
          <button type="submit" class="btn btn-primary">{t('bundle.resolve')}</button>
        </form>
        {resErr && <ErrorBox error={resErr} what={t('bundle.which')} />}
        {res && (
          <div class="result-box" aria-live="polite">
            <p class="big">{res.bundle_id ? t('bundle.gets', { id: res.bundle_id }) : t('bundle.gets_none')}</p>
            <p>{tk('bundle.source', res.source)}{res.rule_id != null && <> · <a href={'#/drivers?q=' + encodeURIComponent(String(res.rule_id))}>{t('bundle.rule', { id: res.rule_id })}</a></>}</p>
            <p class="muted">{res.reason}</p>
          </div>
        )}
      </section>
      <AsyncBlock a={a} what={t('nav.bundles')}>
        {(d) => (
          <>
            <section class="panel" aria-labelledby="h-def">
              <h2 id="h-def">{t('bundle.default')}</h2>
              <div class="grid-2">
                <SettingEditor k="default_bundle_id" label={t('bundle.default_id')} value={String(d.default_bundle_id ?? '')} canWrite={admin} onSaved={a.reload} />
                <SettingEditor k="default_bundle_timeout" label={t('bundle.timeout')} value={String(d.default_bundle_timeout ?? '')} canWrite={admin} onSaved={a.reload}
                  validate={(v) => intInRange(v, 1, 2147483647, true)} />
              </div>
            </section>
            <section class="panel" aria-labelledby="h-rules">
              <h2 id="h-rules">{t('bundle.rules')}</h2>
              <p class="muted">{t('bundle.rules_help')}</p>
              {d.rules.length ? (
                <table class="table">
                  <caption class="visually-hidden">{t('bundle.rules')}</caption>
                  <thead><tr><th scope="col">{t('driver.position')}</th><th scope="col">{t('driver.model_regex')}</th><th scope="col">{t('driver.os_regex')}</th><th scope="col">{t('driver.bundle_id')}</th><th scope="col">{t('app.enabled')}</th></tr></thead>
                  <tbody>{d.rules.map((r) => (
                    <tr key={r.id}><th scope="row"><a href={'#/drivers?q=' + encodeURIComponent(r.model_regex)}>{r.position ?? r.id}</a></th><td class="mono">{r.model_regex}</td><td class="mono">{r.os_regex}</td><td><strong>{r.bundle_id}</strong></td><td>{r.enabled ? t('common.yes') : t('common.no')}</td></tr>
                  ))}</tbody>
                </table>
              ) : <Empty>{t('bundle.no_rules')}</Empty>}
            </section>
          </>
        )}
      </AsyncBlock>
    </div>
  );
}
