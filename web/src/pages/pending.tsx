import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg } from '../api';
import { live } from '../events';
import { formatDateTime } from '../format';
import { t, tk } from '../i18n';
import { atLeast } from '../roles';
import { AsyncBlock, Empty, fieldError, FormError, notify, PageHeader, SelectField, TextField, useAsync, useConfirm, useSession } from '../ui';
import { Invalid, netbiosName, required } from '../validate';

interface Pending { serial: string; model: string; manufacturer: string; first_seen: string; last_seen: string; source: string; deployment_id?: string; suggested_name: string; client_address: string }

export function PendingPage() {
  const session = useSession();
  const op = atLeast(session.role, 'operator');
  const a = useAsync<{ items: Pending[] }>((s) => api.get('/api/v1/admin/pending', undefined, s), []);
  const types = useAsync<{ items: { name: string }[] }>((s) => api.get('/api/v1/admin/types', { limit: 1000, sort: 'name' }, s), []);
  const locales = useAsync<{ items: { country: string; language: string; keyboard: string; timezone: string }[] }>((s) => api.get('/api/v1/admin/locales', { limit: 1000, sort: 'country' }, s), []);
  const [open, setOpen] = useState<string | null>(null);
  const [confirmEl, ask] = useConfirm();
  useEffect(() => live().on('pending', () => a.reload()), []);
  const dismiss = async (p: Pending) => {
    if (!(await ask(t('pending.dismiss_confirm', { serial: p.serial }), t('pending.dismiss')))) return;
    try { await api.del('/api/v1/admin/pending/' + seg(p.serial)); a.reload(); } catch (e: any) { notify(e.message, 'error'); }
  };
  return (
    <div>
      {confirmEl}
      <PageHeader title={t('nav.pending')}>{t('pending.intro')}</PageHeader>
      <AsyncBlock a={a} what={t('nav.pending')}>
        {(d) => d.items.length ? (
          <table class="table">
            <caption class="visually-hidden">{t('nav.pending')}</caption>
            <thead><tr><th scope="col">{t('dep.serial')}</th><th scope="col">{t('pending.device')}</th><th scope="col">{t('pending.suggested')}</th><th scope="col">{t('pending.seen')}</th><th scope="col">{t('dep.client')}</th><th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th></tr></thead>
            <tbody>
              {d.items.map((p) => [
                <tr key={p.serial}>
                  <th scope="row" class="mono">{p.serial}</th>
                  <td>{p.manufacturer} {p.model}<div class="muted small">{tk('pending.source', p.source)}{p.deployment_id && <> · <a href={'#/deployments/' + encodeURIComponent(p.deployment_id)}>{t('pending.deployment')}</a></>}</div></td>
                  <td class="mono">{p.suggested_name}</td>
                  <td>{formatDateTime(p.last_seen)}<div class="muted small">{t('pending.first_seen', { when: formatDateTime(p.first_seen) })}</div></td>
                  <td class="mono small">{p.client_address}</td>
                  <td>{op && <div class="row-actions">
                    <button type="button" class="btn btn-small btn-primary" aria-expanded={open === p.serial} onClick={() => setOpen(open === p.serial ? null : p.serial)}>{t('pending.confirm')}<span class="visually-hidden"> {p.serial}</span></button>
                    <button type="button" class="btn btn-small" onClick={() => dismiss(p)}>{t('pending.dismiss')}<span class="visually-hidden"> {p.serial}</span></button>
                  </div>}</td>
                </tr>,
                open === p.serial && (
                  <tr key={p.serial + '-c'} class="edit-row"><td colSpan={6}>
                    <ConfirmForm p={p} types={types.data?.items.map((x) => x.name) || []} locales={locales.data?.items || []}
                      onDone={() => { setOpen(null); a.reload(); }} onCancel={() => setOpen(null)} />
                  </td></tr>
                ),
              ])}
            </tbody>
          </table>
        ) : <Empty>{t('pending.none')}</Empty>}
      </AsyncBlock>
    </div>
  );
}

function ConfirmForm({ p, types, locales, onDone, onCancel }: { p: Pending; types: string[]; locales: { country: string; language: string; keyboard: string; timezone: string }[]; onDone: () => void; onCancel: () => void }) {
  const [v, setV] = useState({ computer_name: p.suggested_name || '', type: '', country: '', language: '', keyboard: '', timezone: '' });
  const [errs, setErrs] = useState<Record<string, Invalid | null>>({});
  const [error, setError] = useState<any>(null);
  const set = (k: string) => (x: string) => setV({ ...v, [k]: x });
  const submit = async (e: Event) => {
    e.preventDefault();
    const ce = { computer_name: netbiosName(v.computer_name), type: required(v.type), country: required(v.country) };
    setErrs(ce);
    if (Object.values(ce).some(Boolean)) return;
    const body: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) if (x.trim()) body[k] = x.trim();
    try {
      await api.post('/api/v1/admin/pending/' + seg(p.serial) + '/confirm', body);
      notify(t('pending.confirmed', { serial: p.serial, name: v.computer_name }));
      onDone();
    } catch (e2) { setError(e2); }
  };
  const loc = locales.find((l) => l.country.toLowerCase() === v.country.trim().toLowerCase());
  const fe = (k: string) => errs[k] || fieldError(error, k);
  return (
    <form class="record-form" onSubmit={submit} noValidate aria-label={t('pending.confirm_title', { serial: p.serial })}>
      <h2>{t('pending.confirm_title', { serial: p.serial })}</h2>
      <div class="form-grid">
        <TextField label={t('computer.name')} value={v.computer_name} onInput={set('computer_name')} required mono error={fe('computer_name')} help={t('computer.name_help')} />
        <SelectField label={t('computer.type')} value={v.type} onChange={set('type')} required error={fe('type')}
          options={[{ value: '', label: t('pending.choose_type') }, ...types.map((x) => ({ value: x, label: x }))]} />
        {locales.length
          ? <SelectField label={t('computer.country')} value={v.country} onChange={set('country')} required error={fe('country')}
            options={[{ value: '', label: t('pending.choose_country') }, ...locales.map((l) => ({ value: l.country, label: l.country }))]} />
          : <TextField label={t('computer.country')} value={v.country} onInput={set('country')} required error={fe('country')} placeholder="FR" />}
        <TextField label={t('computer.language')} value={v.language} onInput={set('language')} placeholder={loc?.language || ''} help={loc ? t('pending.from_locale') : undefined} error={fe('language')} />
        <TextField label={t('computer.keyboard')} value={v.keyboard} onInput={set('keyboard')} placeholder={loc?.keyboard || ''} error={fe('keyboard')} />
        <TextField label={t('computer.timezone')} value={v.timezone} onInput={set('timezone')} placeholder={loc?.timezone || ''} error={fe('timezone')} />
      </div>
      <FormError error={error} shownFields={['computer_name', 'type', 'country', 'language', 'keyboard', 'timezone']} />
      {error instanceof ApiError && error.status === 409 && <p>{t('pending.exists')} <a href={'#/computers?q=' + encodeURIComponent(p.serial)}>{t('nav.computers')}</a></p>}
      <div class="form-actions">
        <button type="submit" class="btn btn-primary">{t('pending.confirm_submit')}</button>
        <button type="button" class="btn" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
