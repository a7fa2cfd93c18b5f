import { api } from '../api';
import { formatDate } from '../format';
import { t } from '../i18n';
import { AsyncBlock, Empty, PageHeader, useAsync, Yes } from '../ui';

function Expiry({ days, warning }: { days: number; warning?: string | null }) {
  return <span class={'badge ' + (days < 0 ? 'badge-error' : days < 30 || warning ? 'badge-stale' : 'badge-success')}>{days < 0 ? t('tls.expired') : t('tls.days_left', { n: days })}</span>;
}

export function TlsPage() {
  const a = useAsync<any>((s) => api.get('/api/v1/admin/tls', undefined, s), []);
  return (
    <div>
      <PageHeader title={t('nav.tls')}>{t('tls.intro')}</PageHeader>
      <AsyncBlock a={a}>
        {(d) => (
          <>
            {(d.warnings || []).length > 0 && <div class="alert alert-warn" role="status"><strong>{t('tls.warnings')}</strong><ul>{d.warnings.map((w: string, i: number) => <li key={i}>{w}</li>)}</ul></div>}
            <section class="panel"><h2>{t('tls.listeners')}</h2>
              <table class="table">
                <caption class="visually-hidden">{t('tls.listeners')}</caption>
                <thead><tr><th scope="col">{t('tls.address')}</th><th scope="col">{t('tls.mode')}</th><th scope="col">TLS</th><th scope="col">{t('tls.plaintext')}</th></tr></thead>
                <tbody>{(d.listeners || []).map((l: any, i: number) => (
                  <tr key={i}><th scope="row" class="mono">{l.bind}:{l.port}</th><td>{l.mode} — {t('tls.mode_' + l.mode)}</td><td><Yes v={l.tls} /></td><td><Yes v={l.plaintext} /></td></tr>
                ))}</tbody>
              </table>
              <p>{t('tls.require')}: <Yes v={d.require_incoming_encryption} /></p>
            </section>
            <section class="panel"><h2>{t('tls.policy')}</h2>
              {d.tls && d.tls.loaded ? (
                <dl class="props">
                  <dt>{t('tls.versions')}</dt><dd>{(d.tls.versions || []).join(', ')}</dd>
                  <dt>{t('tls.suites12')}</dt><dd><ol class="mono small">{(d.tls.tls12_suites || []).map((s: string) => <li key={s} class={(d.tls.tls12_usable_suites || []).includes(s) ? '' : 'dim'}>{s}</li>)}</ol></dd>
                  <dt>{t('tls.suites13')}</dt><dd class="mono small">{(d.tls.tls13_suites || []).join(', ')}</dd>
                  <dt>{t('tls.groups')}</dt><dd class="mono small">{d.tls.groups}</dd>
                  <dt>{t('tls.resumption')}</dt><dd><Yes v={d.tls.session_resumption} /></dd>
                </dl>
              ) : <Empty>{t('tls.not_loaded')}</Empty>}
            </section>
            <section class="panel"><h2>{t('tls.certificates')}</h2>
              {(d.certificates || []).length ? (
                <table class="table">
                  <caption class="visually-hidden">{t('tls.certificates')}</caption>
                  <thead><tr><th scope="col">{t('tls.subject')}</th><th scope="col">{t('tls.issuer')}</th><th scope="col">{t('tls.sans')}</th><th scope="col">{t('tls.key')}</th><th scope="col">{t('tls.expires')}</th></tr></thead>
                  <tbody>{d.certificates.map((c: any, i: number) => (
                    <tr key={i}><th scope="row">{c.subject}<div class="mono small muted" title={c.sha256}>{c.cert_path}</div></th><td>{c.issuer}</td><td class="small">{(c.sans || []).join(', ')}</td><td>{c.key_type}</td><td>{formatDate(c.not_after)} <Expiry days={c.days_to_expiry} warning={c.warning} />{c.warning && <div class="small">{c.warning}</div>}</td></tr>
                  ))}</tbody>
                </table>
              ) : <Empty>{t('tls.no_certs')}</Empty>}
            </section>
            <section class="panel"><h2>{t('tls.root')}</h2>
              {d.root && d.root.error ? <div class="alert alert-warn">{d.root.error}</div> : d.root && (d.root.roots || []).length ? (
                <>
                  <p class="small">{t('tls.root_file', { file: d.root.file || '' })}{d.root.grace_until && ' · ' + t('tls.grace', { when: formatDate(d.root.grace_until) })}</p>
                  <table class="table compact">
                    <caption class="visually-hidden">{t('tls.root')}</caption>
                    <thead><tr><th scope="col">{t('tls.subject')}</th><th scope="col">SHA-256</th><th scope="col">{t('tls.expires')}</th></tr></thead>
                    <tbody>{d.root.roots.map((r: any, i: number) => <tr key={i}><th scope="row">{r.subject}</th><td class="mono small hash">{r.sha256}</td><td>{formatDate(r.not_after)} <Expiry days={r.days_to_expiry} warning={r.warning} /></td></tr>)}</tbody>
                  </table>
                </>
              ) : <Empty>{t('tls.no_root')}</Empty>}
            </section>
          </>
        )}
      </AsyncBlock>
    </div>
  );
}
