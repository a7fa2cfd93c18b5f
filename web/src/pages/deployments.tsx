import { useEffect, useRef, useState } from 'preact/hooks';
import { api, seg } from '../api';
import { live } from '../events';
import { formatDateTime, formatDuration, formatTime } from '../format';
import { t, tk } from '../i18n';
import { atLeast } from '../roles';
import { navigate, Route } from '../router';
import { parseState, TableDefaults, TableState, toApiQuery, toSearch, withFilter, withSearch } from '../table_state';
import { groupByPhase, DeploymentEvent } from '../timeline';
import { AsyncBlock, Empty, errorText, notify, PageHeader, Pager, Progress, SearchBox, StateBadge, useAsync, useConfirm, useSession, Yes } from '../ui';
import { Deployment, stepText } from './dashboard';

export const DEP_STATES = ['running', 'stale', 'success', 'error'];
const DEFAULTS: TableDefaults = { limit: 50, filters: ['status', 'type', 'model', 'from', 'to', 'tls'] };

export function DeploymentsPage({ route }: { route: Route }) {
  if (route.parts[1]) return <DeploymentDetailPage id={route.parts[1]} />;
  const state = parseState(route.query, DEFAULTS);
  const set = (s: TableState) => navigate('/deployments', toSearch(s, DEFAULTS));
  const list = useAsync<{ total: number; items: Deployment[] }>((sig) => api.get('/api/v1/admin/deployments', toApiQuery(state), sig), [toSearch(state, DEFAULTS)]);
  const types = useAsync<{ items: { name: string }[] }>((sig) => api.get('/api/v1/admin/types', { limit: 1000 }, sig), []);
  const timer = useRef<any>(null);
  useEffect(() => live().on('deployment', () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(list.reload, 1000);
  }), []);
  const f = state.filters;
  const filter = (name: string) => (e: Event) => set(withFilter(state, name, (e.target as HTMLInputElement).value));
  return (
    <div>
      <PageHeader title={t('nav.deployments')} />
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('common.filters')}>
        <SearchBox value={state.q} onSearch={(q) => set(withSearch(state, q))} label={t('dep.search')} />
        <label>{t('dep.state')}
          <select value={f.status || ''} onChange={filter('status')}>
            <option value="">{t('common.all')}</option>
            {DEP_STATES.map((s) => <option key={s} value={s}>{tk('state', s)}</option>)}
          </select>
        </label>
        <label>{t('dep.type')}
          {types.data ? (
            <select value={f.type || ''} onChange={filter('type')}>
              <option value="">{t('common.all')}</option>
              {types.data.items.map((ty) => <option key={ty.name} value={ty.name}>{ty.name}</option>)}
            </select>
          ) : <input type="text" value={f.type || ''} onChange={filter('type')} size={10} />}
        </label>
        <label>{t('dep.model')}<input type="text" value={f.model || ''} onChange={filter('model')} size={14} /></label>
        <label>{t('common.from')}<input type="date" value={f.from || ''} onChange={filter('from')} /></label>
        <label>{t('common.to')}<input type="date" value={f.to || ''} onChange={filter('to')} /></label>
        <label>{t('dep.tls')}
          <select value={f.tls || ''} onChange={filter('tls')}>
            <option value="">{t('common.all')}</option><option value="1">{t('common.yes')}</option><option value="0">{t('common.no')}</option>
          </select>
        </label>
        {(state.q || Object.keys(f).length > 0) && <button type="button" class="btn btn-small" onClick={() => set(parseState('', DEFAULTS))}>{t('common.clear_filters')}</button>}
      </form>
      <AsyncBlock a={list}>
        {(d) => d.items.length ? (
          <>
            <table class="table">
              <caption class="visually-hidden">{t('nav.deployments')}</caption>
              <thead><tr>
                <th scope="col">{t('dep.state')}</th><th scope="col">{t('dep.computer')}</th><th scope="col">{t('dep.model')}</th>
                <th scope="col">{t('dep.type')}</th><th scope="col">{t('dep.phase_step')}</th><th scope="col" class="w-progress">{t('dep.progress')}</th>
                <th scope="col">{t('dep.started')}</th><th scope="col">{t('dep.duration')}</th><th scope="col">{t('dep.tls')}</th><th scope="col">{t('dep.client')}</th>
              </tr></thead>
              <tbody>
                {d.items.map((x) => (
                  <tr key={x.id}>
                    <td><StateBadge state={x.state} /></td>
                    <td><a href={'#/deployments/' + encodeURIComponent(x.id)}>{x.computer_name || x.serial || x.id}</a><div class="muted small mono">{x.serial}</div></td>
                    <td>{x.model}</td><td>{x.type}</td><td>{stepText(x)}</td>
                    <td><Progress percent={x.percent} label={t('dep.progress_of', { name: x.computer_name || x.serial })} /></td>
                    <td>{formatDateTime(x.started)}</td>
                    <td>{formatDuration(x.duration_ms)}</td>
                    <td><Yes v={x.tls} /></td>
                    <td class="mono small">{(x as any).client_address}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager state={state} total={d.total} shown={d.items.length} onChange={set} />
          </>
        ) : <Empty>{state.q || Object.keys(f).length ? t('dep.none_match') : t('dep.none')}</Empty>}
      </AsyncBlock>
    </div>
  );
}

interface Detail { deployment: Deployment & Record<string, any>; events: DeploymentEvent[]; attempts?: (Deployment & Record<string, any>)[] }

export function DeploymentDetailPage({ id }: { id: string }) {
  const session = useSession();
  const a = useAsync<Detail>((sig) => api.get('/api/v1/admin/deployments/' + seg(id), undefined, sig), [id]);
  const [confirmEl, ask] = useConfirm();
  const [err, setErr] = useState<any>(null);
  const timer = useRef<any>(null);
  useEffect(() => live().on('deployment', (d: any) => {
    if (d && d.id === id) { clearTimeout(timer.current); timer.current = setTimeout(a.reload, 300); }
  }), [id]);
  const clear = async () => {
    const d = a.data!.deployment;
    if (!(await ask(t('dep.clear_confirm', { name: d.computer_name || d.serial }), t('dep.clear')))) return;
    try {
      await api.del('/api/v1/admin/deployments/' + seg(id));
      notify(t('dep.cleared'));
      navigate('/deployments');
    } catch (e) { setErr(e); }
  };
  return (
    <div>
      {confirmEl}
      <p class="breadcrumb"><a href="#/deployments">← {t('nav.deployments')}</a></p>
      <AsyncBlock a={a}>
        {(data) => {
          const d = data.deployment;
          const groups = groupByPhase(data.events || [], d.finished || (d.state === 'running' ? new Date().toISOString() : d.last_heartbeat));
          const attempts = (data.attempts || []).filter((x) => x.id !== d.id);
          return (
            <>
              <PageHeader title={t('dep.detail_title', { name: d.computer_name || d.serial || d.id })}
                actions={atLeast(session.role, 'operator') ? <button type="button" class="btn btn-danger" onClick={clear}>{t('dep.clear')}</button> : undefined}>
                <StateBadge state={d.state} /> {d.final_message && <span class="final-message">{d.final_message}</span>}
              </PageHeader>
              {err && <div class="alert alert-error" role="alert">{errorText(err)}</div>}
              {(d.state === 'running' || d.state === 'stale') && <Progress percent={d.percent} label={t('dep.progress')} />}
              <section class="panel">
                <h2>{t('dep.summary')}</h2>
                <dl class="props">
                  <dt>{t('dep.serial')}</dt><dd class="mono">{d.serial}</dd>
                  <dt>{t('dep.model')}</dt><dd>{d.model}</dd>
                  <dt>{t('dep.type')}</dt><dd>{d.type}</dd>
                  <dt>{t('dep.phase_step')}</dt><dd>{stepText(d)}</dd>
                  <dt>{t('dep.started')}</dt><dd>{formatDateTime(d.started)}</dd>
                  <dt>{t('dep.last_heartbeat')}</dt><dd>{formatDateTime(d.last_heartbeat)}</dd>
                  <dt>{t('dep.finished')}</dt><dd>{formatDateTime(d.finished) || '–'}</dd>
                  <dt>{t('dep.duration')}</dt><dd>{formatDuration(d.duration_ms) || '–'}</dd>
                  <dt>{t('dep.client')}</dt><dd class="mono">{d.client_address}</dd>
                  <dt>{t('dep.tls')}</dt><dd><Yes v={d.tls} />{d.tls_version ? ` (${d.tls_version})` : ''}</dd>
                  <dt>{t('dep.source')}</dt><dd>{tk('dep.source', d.source)}</dd>
                  <dt>{t('dep.counts')}</dt><dd>{t('dep.counts_value', { w: d.warning_count ?? 0, e: d.error_count ?? 0 })}</dd>
                </dl>
              </section>
              <section class="panel" aria-labelledby="h-tl">
                <h2 id="h-tl">{t('dep.timeline')}</h2>
                {groups.length ? (
                  <ol class="timeline">
                    {groups.map((g, gi) => (
                      <li key={gi} class={'phase' + (g.errors ? ' phase-error' : g.warnings ? ' phase-warn' : '')}>
                        <h3>{g.phase || t('dep.no_phase')} <span class="muted small">{formatTime(g.start)} · {formatDuration(g.duration_ms)}</span>
                          {g.errors > 0 && <span class="badge badge-error">{t('dep.n_errors', { n: g.errors })}</span>}
                          {g.warnings > 0 && <span class="badge badge-stale">{t('dep.n_warnings', { n: g.warnings })}</span>}
                        </h3>
                        <table class="table compact events">
                          <caption class="visually-hidden">{g.phase}</caption>
                          <thead><tr><th scope="col">{t('dep.time')}</th><th scope="col">{t('dep.level')}</th><th scope="col">{t('dep.step')}</th><th scope="col">{t('dep.message')}</th></tr></thead>
                          <tbody>
                            {g.events.map((e, i) => (
                              <tr key={e.event_id || i} class={'lvl-' + (e.level || 'info')}>
                                <td class="nowrap">{formatTime(e.at)}</td>
                                <td><span class={'lvl lvl-' + (e.level || 'info')}>{tk('level', e.level || 'info')}</span></td>
                                <td class="nowrap">{e.step != null && e.step_count ? `${e.step}/${e.step_count}` : ''}{e.percent != null ? ` (${e.percent} %)` : ''}</td>
                                <td class="message">{e.message}{e.status && <> <StateBadge state={e.status} /></>}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </li>
                    ))}
                  </ol>
                ) : <Empty>{t('dep.no_events')}</Empty>}
              </section>
              <section class="panel" aria-labelledby="h-att">
                <h2 id="h-att">{t('dep.attempts')}</h2>
                {attempts.length ? (
                  <table class="table compact">
                    <caption class="visually-hidden">{t('dep.attempts')}</caption>
                    <thead><tr><th scope="col">{t('dep.started')}</th><th scope="col">{t('dep.state')}</th><th scope="col">{t('dep.phase_step')}</th><th scope="col">{t('dep.last_message')}</th></tr></thead>
                    <tbody>{attempts.map((x) => (
                      <tr key={x.id}><td><a href={'#/deployments/' + encodeURIComponent(x.id)}>{formatDateTime(x.started)}</a></td><td><StateBadge state={x.state} /></td><td>{stepText(x)}</td><td class="message">{x.final_message}</td></tr>
                    ))}</tbody>
                  </table>
                ) : d.previous_id ? <p><a href={'#/deployments/' + encodeURIComponent(d.previous_id)}>{t('dep.previous')}</a></p> : <Empty>{t('dep.no_attempts')}</Empty>}
              </section>
            </>
          );
        }}
      </AsyncBlock>
    </div>
  );
}
