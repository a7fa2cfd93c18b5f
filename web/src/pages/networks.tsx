import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatDateTime, formatNumber } from '../format';
import { t, tk } from '../i18n';
import { atLeast } from '../roles';
import { AsyncBlock, Empty, errorText, invalidText, notify, PageHeader, useAsync, useConfirm, useSession } from '../ui';
import { cidr } from '../validate';

interface Net { network: string; kind: string; status: string; first_seen: string; last_seen: string; hits: string | number }

export function NetworksPage() {
  const session = useSession();
  const admin = atLeast(session.role, 'admin');
  const a = useAsync<{ gate: string; networks: Net[] }>((s) => api.get('/api/v1/admin/networks', undefined, s), []);
  const [confirmEl, ask] = useConfirm();
  const [net, setNet] = useState('');
  const [status, setStatus] = useState('Allow');
  const [err, setErr] = useState<string | null>(null);
  const put = async (network: string, st: string) => {
    try { await api.put('/api/v1/admin/networks', { network, status: st }); notify(t('net.set', { network, status: tk('net.status', st) })); a.reload(); }
    catch (e) { notify(errorText(e), 'error'); }
  };
  const del = async (network: string) => {
    if (!(await ask(t('net.delete_confirm', { network }), t('common.delete')))) return;
    try { await api.del('/api/v1/admin/networks', { network }); a.reload(); } catch (e) { notify(errorText(e), 'error'); }
  };
  const add = async (e: Event) => {
    e.preventDefault();
    const bad = cidr(net);
    if (bad) { setErr(invalidText(bad)); return; }
    try { await api.put('/api/v1/admin/networks', { network: net.trim(), status }); setNet(''); setErr(null); a.reload(); }
    catch (e2) { setErr(errorText(e2)); }
  };
  return (
    <div>
      {confirmEl}
      <PageHeader title={t('nav.networks')}>{t('net.intro')}</PageHeader>
      <AsyncBlock a={a}>
        {(d) => {
          const rows = [...d.networks].sort((x, y) => (x.status === y.status ? 0 : x.status === 'Blocked' ? -1 : 1));
          return (
            <>
              <p class={'alert ' + (d.gate === 'on' ? 'alert-ok' : 'alert-warn')}>{d.gate === 'on' ? t('net.gate_on') : t('net.gate_off')}</p>
              <section class="panel">
                {rows.length ? (
                  <table class="table">
                    <caption class="visually-hidden">{t('nav.networks')}</caption>
                    <thead><tr><th scope="col">{t('net.network')}</th><th scope="col">{t('net.status_col')}</th><th scope="col">{t('net.kind')}</th><th scope="col">{t('net.first_seen')}</th><th scope="col">{t('net.last_seen')}</th><th scope="col" class="num">{t('net.hits')}</th><th scope="col"><span class="visually-hidden">{t('common.actions')}</span></th></tr></thead>
                    <tbody>{rows.map((n) => (
                      <tr key={n.network} class={n.status === 'Blocked' ? 'attention' : ''}>
                        <th scope="row" class="mono">{n.network}</th>
                        <td><span class={'badge ' + (n.status === 'Allow' ? 'badge-success' : 'badge-stale')}>{tk('net.status', n.status)}</span></td>
                        <td>{tk('net.kinds', n.kind)}</td>
                        <td>{formatDateTime(n.first_seen)}</td><td>{formatDateTime(n.last_seen)}</td>
                        <td class="num">{formatNumber(Number(n.hits))}</td>
                        <td>{admin && <div class="row-actions">
                          {n.status !== 'Allow'
                            ? <button type="button" class="btn btn-small btn-primary" onClick={() => put(n.network, 'Allow')}>{t('net.approve')}<span class="visually-hidden"> {n.network}</span></button>
                            : <button type="button" class="btn btn-small" onClick={() => put(n.network, 'Blocked')}>{t('net.block')}<span class="visually-hidden"> {n.network}</span></button>}
                          <button type="button" class="btn btn-small btn-danger-outline" onClick={() => del(n.network)}>{t('common.delete')}<span class="visually-hidden"> {n.network}</span></button>
                        </div>}</td>
                      </tr>
                    ))}</tbody>
                  </table>
                ) : <Empty>{t('net.none')}</Empty>}
              </section>
              {admin && (
                <section class="panel" aria-labelledby="h-addnet"><h2 id="h-addnet">{t('net.add')}</h2>
                  <form class="inline-form" onSubmit={add} noValidate>
                    <label>{t('net.network')}<input type="text" class="mono" placeholder="10.20.0.0/16" value={net} aria-invalid={err ? true : undefined} onInput={(e) => { setNet((e.target as HTMLInputElement).value); setErr(null); }} /></label>
                    <label>{t('net.status_col')}<select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}><option value="Allow">{tk('net.status', 'Allow')}</option><option value="Blocked">{tk('net.status', 'Blocked')}</option></select></label>
                    <button type="submit" class="btn btn-primary">{t('net.add_submit')}</button>
                  </form>
                  {err && <div class="field-error" role="alert">{err}</div>}
                </section>
              )}
            </>
          );
        }}
      </AsyncBlock>
    </div>
  );
}
