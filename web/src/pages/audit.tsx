import { api, buildQuery } from '../api';
import { url } from '../base';
import { formatDateTime } from '../format';
import { t } from '../i18n';
import { navigate, Route } from '../router';
import { parseState, TableDefaults, TableState, toApiQuery, toSearch, withFilter, withSearch } from '../table_state';
import { AsyncBlock, Empty, PageHeader, Pager, SearchBox, useAsync } from '../ui';

const DEFAULTS: TableDefaults = { limit: 50, filters: ['actor', 'action', 'from', 'to'] };

export function AuditPage({ route }: { route: Route }) {
  const state = parseState(route.query, DEFAULTS);
  const set = (s: TableState) => navigate('/audit', toSearch(s, DEFAULTS));
  const a = useAsync<{ total: number; items: any[] }>((s) => api.get('/api/v1/admin/audit', toApiQuery(state), s), [toSearch(state, DEFAULTS)]);
  const f = state.filters;
  const filter = (name: string) => (e: Event) => set(withFilter(state, name, (e.target as HTMLInputElement).value));
  const { offset, limit, ...csvQuery } = toApiQuery(state);
  return (
    <div>
      <PageHeader title={t('nav.audit')} actions={<a class="btn" href={url('/api/v1/admin/audit') + buildQuery({ ...csvQuery, format: 'csv' })} download="audit.csv">{t('audit.export')}</a>}>{t('audit.intro')}</PageHeader>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <SearchBox value={state.q} onSearch={(q) => set(withSearch(state, q))} label={t('audit.search')} />
        <label>{t('audit.actor')}<input type="text" value={f.actor || ''} onChange={filter('actor')} size={10} /></label>
        <label>{t('audit.action')}<input type="text" value={f.action || ''} onChange={filter('action')} size={12} placeholder="login" /></label>
        <label>{t('common.from')}<input type="date" value={f.from || ''} onChange={filter('from')} /></label>
        <label>{t('common.to')}<input type="date" value={f.to || ''} onChange={filter('to')} /></label>
      </form>
      <AsyncBlock a={a}>
        {(d) => d.items.length ? (
          <>
            <table class="table">
              <caption class="visually-hidden">{t('nav.audit')}</caption>
              <thead><tr><th scope="col">{t('audit.when')}</th><th scope="col">{t('audit.actor')}</th><th scope="col">{t('audit.action')}</th><th scope="col">{t('audit.target')}</th><th scope="col">{t('audit.outcome')}</th><th scope="col">{t('audit.change')}</th></tr></thead>
              <tbody>{d.items.map((x, i) => (
                <tr key={i} class={x.outcome && x.outcome !== 'ok' ? 'attention' : ''}>
                  <td class="nowrap">{formatDateTime(x.at)}</td>
                  <th scope="row">{x.actor}{x.role && <span class="muted small"> ({t('role.' + x.role)})</span>}<div class="muted small mono">{x.address}</div></th>
                  <td class="mono small">{x.action}</td>
                  <td class="mono small">{x.target}</td>
                  <td><span class={'badge ' + (x.outcome === 'ok' ? 'badge-success' : 'badge-error')}>{x.outcome}</span></td>
                  <td>{(x.before || x.after) && <details><summary>{t('audit.show')}</summary>
                    <dl class="props small"><dt>{t('audit.before')}</dt><dd class="mono pre">{x.before ?? '–'}</dd><dt>{t('audit.after')}</dt><dd class="mono pre">{x.after ?? '–'}</dd></dl>
                  </details>}</td>
                </tr>
              ))}</tbody>
            </table>
            <Pager state={state} total={d.total} shown={d.items.length} onChange={set} />
          </>
        ) : <Empty>{t('audit.none')}</Empty>}
      </AsyncBlock>
    </div>
  );
}
