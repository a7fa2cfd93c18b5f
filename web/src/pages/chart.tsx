// uPlot wrapper: deployments per day by final status, as stacked bars.
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';
import { formatDay } from '../format';
import { t } from '../i18n';

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

export interface DayRow { day: string; success: number; error: number; stale: number }

export function PerDayChart({ rows, width = 640, height = 220 }: { rows: DayRow[]; width?: number; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const x = rows.map((_, i) => i);
    const ok = rows.map((r) => r.success || 0);
    const err = rows.map((r) => (r.success || 0) + (r.error || 0));
    const all = rows.map((r) => (r.success || 0) + (r.error || 0) + (r.stale || 0));
    const raw = [null, rows.map((r) => r.stale || 0), rows.map((r) => r.error || 0), ok];
    const bars = uPlot.paths.bars!({ size: [0.7, 40] });
    const fg = cssVar('--fg-muted', '#666');
    const grid = cssVar('--border', '#ddd');
    const el = ref.current;
    const w = Math.max(320, Math.min(width, el.clientWidth || width));
    const u = new uPlot({
      width: w, height,
      legend: { show: true },
      cursor: { points: { show: false } },
      scales: { x: { time: false, range: [-0.5, rows.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [
        { stroke: fg, grid: { show: false }, ticks: { stroke: grid }, values: (_u, vals) => vals.map((v) => (Number.isInteger(v) && rows[v] ? formatDay(rows[v].day) : '')), space: 50 },
        { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, vals) => vals.map((v) => (Number.isInteger(v) ? String(v) : '')) },
      ],
      series: [
        { label: t('chart.day'), value: (_u, v) => (v == null || !rows[v] ? '' : formatDay(rows[v].day)) },
        { label: t('state.stale'), fill: cssVar('--stale', '#c68a00'), stroke: cssVar('--stale', '#c68a00'), paths: bars, points: { show: false }, value: (_u, _v, _si, idx) => (idx == null ? '' : String(raw[1]![idx])) },
        { label: t('state.error'), fill: cssVar('--error', '#c9190b'), stroke: cssVar('--error', '#c9190b'), paths: bars, points: { show: false }, value: (_u, _v, _si, idx) => (idx == null ? '' : String(raw[2]![idx])) },
        { label: t('state.success'), fill: cssVar('--success', '#3e8635'), stroke: cssVar('--success', '#3e8635'), paths: bars, points: { show: false }, value: (_u, _v, _si, idx) => (idx == null ? '' : String(raw[3]![idx])) },
      ],
    }, [x, all, err, ok], el);
    return () => u.destroy();
  }, [rows, width, height]);
  return <div ref={ref} class="chart" role="img" aria-label={t('dash.per_day_alt')} />;
}
