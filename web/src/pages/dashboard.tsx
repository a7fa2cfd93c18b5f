import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { live } from '../events';
import { formatDateTime, formatDuration, formatNumber, localDay } from '../format';
import { t, tk } from '../i18n';
import { AsyncBlock, Empty, ErrorBox, Loading, PageHeader, Progress, StateBadge, useAsync } from '../ui';
import { PerDayChart } from './chart';

interface Deployment { id: string; serial: string; computer_name: string; model: string; type: string; phase: string; step: number | null; step_count: number | null; percent: number | null; state: string; started: string; last_heartbeat: string; finished: string | null; duration_ms: number | null; final_message: string; tls: boolean }
interface Stats {
  today: { running: number; success: number; error: number; stale: number };
  per_day: { day: string; success: number; error: number; stale: number }[];
  phase_durations: { model: string; phase: string; seconds: number }[];
  top_failing_steps: { phase: string; step: string | number; count: number }[];
  latest_failures: Deployment[];
  running: Deployment[];
}

function depLink(d: Deployment) {
  return <a href={'#/deployments/' + encodeURIComponent(d.id)}>{d.computer_name || d.serial || d.id}</a>;
}

function stepText(d: { phase?: string | null; step?: number | null; step_count?: number | null }) {
  const parts = [];
  if (d.phase) parts.push(d.phase);
  if (d.step != null && d.step_count) parts.push(t('dep.step_of', { step: d.step, count: d.step_count }));
  return parts.join(' · ');
}

export function RunningTable({ items }: { items: Deployment[] }) {
  if (!items.length) return <Empty>{t('dash.no_running')}</Empty>;
  return (
    <table class="table">
      <caption class="visually-hidden">{t('dash.running')}</caption>
      <thead><tr>
        <th scope="col">{t('dep.computer')}</th><th scope="col">{t('dep.model')}</th><th scope="col">{t('dep.phase_step')}</th>
        <th scope="col" class="w-progress">{t('dep.progress')}</th><th scope="col">{t('dep.started')}</th><th scope="col">{t('dep.state')}</th>
      </tr></thead>
      <tbody>
        {items.map((d) => (
          <tr key={d.id}>
            <td>{depLink(d)}<div class="muted small mono">{d.serial}</div></td>
            <td>{d.model}</td>
            <td>{stepText(d)}</td>
            <td><Progress percent={d.percent} label={t('dep.progress_of', { name: d.computer_name || d.serial })} /></td>
            <td>{formatDateTime(d.started)}</td>
            <td><StateBadge state={d.state} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const PHASE_COLORS = 8;

function PhaseDurations({ rows }: { rows: Stats['phase_durations'] }) {
  if (!rows.length) return <Empty>{t('dash.no_data')}</Empty>;
  const phases: string[] = [];
  const models = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (!phases.includes(r.phase)) phases.push(r.phase);
    if (!models.has(r.model)) models.set(r.model, new Map());
    models.get(r.model)!.set(r.phase, r.seconds);
  }
  const totals = [...models.entries()].map(([m, ph]) => [m, [...ph.values()].reduce((a, b) => a + b, 0)] as const);
  const max = Math.max(0, ...totals.map(([, v]) => v)) || 1;
  return (
    <div>
      <ul class="legend" aria-label={t('dash.phases')}>
        {phases.map((p, i) => <li key={p}><span class={'swatch ph' + (i % PHASE_COLORS)} aria-hidden="true" />{p}</li>)}
      </ul>
      <table class="table compact bars">
        <caption class="visually-hidden">{t('dash.phase_durations')}</caption>
        <thead><tr><th scope="col">{t('dep.model')}</th><th scope="col">{t('dash.duration_by_phase')}</th><th scope="col" class="num">{t('dash.total')}</th></tr></thead>
        <tbody>
          {totals.map(([m, total]) => (
            <tr key={m}>
              <th scope="row">{m || t('common.unknown')}</th>
              <td>
                <div class="stackbar" style={{ width: (100 * total) / max + '%' }}>
                  {phases.map((p, i) => {
                    const s = models.get(m)!.get(p);
                    if (!s) return null;
                    return <span key={p} class={'seg ph' + (i % PHASE_COLORS)} style={{ width: (100 * s) / total + '%' }} title={`${p}: ${formatDuration(s * 1000)}`} />;
                  })}
                </div>
                <span class="visually-hidden">{phases.filter((p) => models.get(m)!.get(p)).map((p) => `${p} ${formatDuration(models.get(m)!.get(p)! * 1000)}`).join(', ')}</span>
              </td>
              <td class="num">{formatDuration(total * 1000)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TopSteps({ rows }: { rows: Stats['top_failing_steps'] }) {
  if (!rows.length) return <Empty>{t('dash.no_failures')}</Empty>;
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <table class="table compact bars">
      <caption class="visually-hidden">{t('dash.top_failing')}</caption>
      <thead><tr><th scope="col">{t('dep.phase_step')}</th><th scope="col">{t('dash.failures')}</th></tr></thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            <th scope="row">{r.phase}{r.step !== '' && r.step != null ? ` · ${t('dep.step')} ${r.step}` : ''}</th>
            <td><div class="hbar-wrap"><div class="hbar" style={{ width: (100 * r.count) / max + '%' }} /><span class="hbar-n">{formatNumber(r.count)}</span></div></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DashboardPage() {
  const stats = useAsync<Stats>((s) => api.get('/api/v1/admin/stats', { days: 30 }, s), []);
  // Running deployments also come from the list route, so the dashboard is useful before /stats exists.
  const running = useAsync<{ items: Deployment[] }>((s) => api.get('/api/v1/admin/deployments', { status: 'running', limit: 100 }, s), []);
  const status = useAsync<any>((s) => api.get('/api/v1/admin/status', undefined, s), []);
  const [runningItems, setRunningItems] = useState<Deployment[] | null>(null);
  useEffect(() => { if (running.data) setRunningItems(running.data.items); }, [running.data]);
  const reloadTimer = useRef<any>(null);
  useEffect(() => {
    const off1 = live().on('deployment', (d: Deployment & { kind?: string }) => {
      setRunningItems((cur) => {
        const list = (cur || []).filter((x) => x.id !== d.id);
        if (d.state === 'running' || d.state === 'stale') return [d, ...list];
        return list;
      });
      if (d.kind !== 'progress') {
        clearTimeout(reloadTimer.current);
        reloadTimer.current = setTimeout(() => stats.reload(), 1500);
      }
    });
    const off2 = live().on('data', () => status.reload());
    return () => { off1(); off2(); clearTimeout(reloadTimer.current); };
  }, []);

  const today = stats.data?.today;
  const st = status.data;
  return (
    <div>
      <PageHeader title={t('nav.dashboard')} />
      {st && st.store && !st.store.ok && (
        <div class="alert alert-error" role="alert">
          <strong>{t('dash.store_errors')}</strong>
          <ul>{(st.store.errors || []).map((e: any, i: number) => <li key={i}><code>{e.file}{e.line ? ':' + e.line : ''}{e.column ? ':' + e.column : ''}</code> {e.message}</li>)}</ul>
        </div>
      )}
      {st && st.store && st.store.warnings && st.store.warnings.length > 0 && (
        <details class="alert alert-warn">
          <summary>{t('dash.store_warnings', { n: st.store.warnings.length })}</summary>
          <ul>{st.store.warnings.slice(0, 30).map((e: any, i: number) => <li key={i}><code>{e.file}{e.line ? ':' + e.line : ''}</code> {e.message}</li>)}</ul>
        </details>
      )}
      <section class="cards" aria-label={t('dash.today')}>
        {(['running', 'success', 'error', 'stale'] as const).map((k) => (
          <a key={k} class={'card stat stat-' + k} href={'#/deployments?status=' + k + (k === 'running' || k === 'stale' ? '' : '&from=' + localDay())}>
            <span class="stat-n">{today ? formatNumber(today[k]) : k === 'running' && runningItems ? formatNumber(runningItems.filter((d) => d.state === 'running').length) : '–'}</span>
            <span class="stat-label">{t('dash.today_' + k)}</span>
          </a>
        ))}
      </section>
      <section class="panel" aria-labelledby="h-running">
        <h2 id="h-running">{t('dash.running')}</h2>
        {running.error ? <ErrorBox error={running.error} onRetry={running.reload} /> : runningItems == null ? <Loading /> : <RunningTable items={runningItems} />}
      </section>
      {stats.error && <ErrorBox error={stats.error} onRetry={stats.reload} what={t('dash.stats')} />}
      {stats.loading && !stats.data && !stats.error && <Loading />}
      {stats.data && (
        <>
          <section class="panel" aria-labelledby="h-fail">
            <h2 id="h-fail">{t('dash.latest_failures')}</h2>
            {stats.data.latest_failures.length ? (
              <table class="table">
                <caption class="visually-hidden">{t('dash.latest_failures')}</caption>
                <thead><tr><th scope="col">{t('dep.computer')}</th><th scope="col">{t('dep.model')}</th><th scope="col">{t('dep.phase_step')}</th><th scope="col">{t('dep.last_message')}</th><th scope="col">{t('dep.when')}</th></tr></thead>
                <tbody>
                  {stats.data.latest_failures.map((d) => (
                    <tr key={d.id}>
                      <td>{depLink(d)} <StateBadge state={d.state} /></td>
                      <td>{d.model}</td><td>{stepText(d)}</td>
                      <td class="message">{d.final_message}</td>
                      <td>{formatDateTime(d.finished || d.last_heartbeat)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <Empty>{t('dash.no_failures')}</Empty>}
          </section>
          <div class="grid-2">
            <section class="panel" aria-labelledby="h-perday">
              <h2 id="h-perday">{t('dash.per_day')}</h2>
              {stats.data.per_day.length ? <PerDayChart rows={stats.data.per_day} width={560} /> : <Empty>{t('dash.no_data')}</Empty>}
              <details><summary>{t('dash.as_table')}</summary>
                <table class="table compact">
                  <caption class="visually-hidden">{t('dash.per_day')}</caption>
                  <thead><tr><th scope="col">{t('chart.day')}</th><th scope="col" class="num">{tk('state', 'success')}</th><th scope="col" class="num">{tk('state', 'error')}</th><th scope="col" class="num">{tk('state', 'stale')}</th></tr></thead>
                  <tbody>{stats.data.per_day.map((r) => <tr key={r.day}><th scope="row">{r.day}</th><td class="num">{r.success}</td><td class="num">{r.error}</td><td class="num">{r.stale}</td></tr>)}</tbody>
                </table>
              </details>
            </section>
            <section class="panel" aria-labelledby="h-top">
              <h2 id="h-top">{t('dash.top_failing')}</h2>
              <TopSteps rows={stats.data.top_failing_steps} />
            </section>
          </div>
          <section class="panel" aria-labelledby="h-phase">
            <h2 id="h-phase">{t('dash.phase_durations')}</h2>
            <PhaseDurations rows={stats.data.phase_durations} />
          </section>
        </>
      )}
    </div>
  );
}
// Re-exported for the deployments page.
export { stepText };
export type { Deployment };
