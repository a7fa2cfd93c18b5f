// Deployment timeline: events grouped by consecutive phase, with each group's duration
// (until the next group starts, or the end / last heartbeat for the last one).

export interface DeploymentEvent {
  event_id?: string; at: string; phase?: string | null; step?: number | null; step_count?: number | null;
  percent?: number | null; level?: string | null; message?: string | null; status?: string | null;
}

export interface PhaseGroup {
  phase: string;
  start: string;
  end: string | null;
  duration_ms: number | null;
  events: DeploymentEvent[];
  errors: number;
  warnings: number;
}

export function groupByPhase(events: DeploymentEvent[], endAt?: string | null): PhaseGroup[] {
  const sorted = [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const groups: PhaseGroup[] = [];
  let last: string | null = null;
  for (const e of sorted) {
    const phase: string = e.phase || last || '';
    const g = groups[groups.length - 1];
    if (g && g.phase === phase) g.events.push(e);
    else groups.push({ phase, start: e.at, end: null, duration_ms: null, events: [e], errors: 0, warnings: 0 });
    last = phase;
  }
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    g.errors = g.events.filter((e) => e.level === 'error').length;
    g.warnings = g.events.filter((e) => e.level === 'warning' || e.level === 'warn').length;
    const end = i + 1 < groups.length ? groups[i + 1].start : (endAt || g.events[g.events.length - 1].at);
    g.end = end;
    const ms = Date.parse(end) - Date.parse(g.start);
    g.duration_ms = isFinite(ms) && ms >= 0 ? ms : null;
  }
  return groups;
}
