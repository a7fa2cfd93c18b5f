// Live events from GET /api/v1/admin/events (text/event-stream). The browser's EventSource
// reconnects by itself and sends Last-Event-ID; when the stream fails for good (e.g. the
// route answers 404, or a restart), we open a new one after a growing delay.
import { url } from './base';

export type LiveState = 'connecting' | 'open' | 'retrying' | 'unavailable';
export type Handler = (data: any, ev: { type: string; id: string }) => void;

interface ESLike {
  readyState: number;
  onopen: ((e: any) => void) | null;
  onerror: ((e: any) => void) | null;
  addEventListener(type: string, fn: (e: any) => void): void;
  close(): void;
}
type ESFactory = (url: string) => ESLike;

export const EVENT_TYPES = ['deployment', 'pending', 'data'] as const;

export class LiveEvents {
  private handlers = new Map<string, Set<Handler>>();
  private stateListeners = new Set<(s: LiveState) => void>();
  private es: ESLike | null = null;
  private timer: any = null;
  private failures = 0;
  private stopped = true;
  state: LiveState = 'connecting';
  lastEventId = '';

  constructor(
    private path: string = '/api/v1/admin/events',
    private factory: ESFactory = (u) => new EventSource(u, { withCredentials: true }) as unknown as ESLike,
    private schedule: (fn: () => void, ms: number) => any = (fn, ms) => setTimeout(fn, ms),
    private cancel: (h: any) => void = (h) => clearTimeout(h),
  ) {}

  on(type: string, fn: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) { set = new Set(); this.handlers.set(type, set); }
    set.add(fn);
    return () => { set!.delete(fn); };
  }

  onState(fn: (s: LiveState) => void): () => void {
    this.stateListeners.add(fn);
    fn(this.state);
    return () => { this.stateListeners.delete(fn); };
  }

  private setState(s: LiveState) {
    if (this.state === s) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  /** Delay before the next try after n failures in a row: 1 s, 2 s, 4 s ... 60 s. */
  static backoff(n: number): number {
    return Math.min(60_000, 1000 * Math.pow(2, Math.max(0, n - 1)));
  }

  dispatch(type: string, raw: string, id: string) {
    if (id) this.lastEventId = id;
    let data: any = raw;
    try { data = JSON.parse(raw); } catch { /* text data */ }
    // The contract sends the deployment row with `kind`; the server sends {kind, deployment: row}.
    // Handlers get the flat row either way.
    if (type === 'deployment' && data && typeof data === 'object' && data.deployment && typeof data.deployment === 'object' && data.id === undefined) {
      data = { ...data.deployment, kind: data.kind };
    }
    const set = this.handlers.get(type);
    if (set) for (const fn of [...set]) {
      try { fn(data, { type, id }); } catch (e) { console.error('live event handler', e); }
    }
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  private open() {
    if (this.stopped) return;
    this.setState(this.failures ? 'retrying' : 'connecting');
    let es: ESLike;
    try { es = this.factory(url(this.path)); } catch { this.retry(); return; }
    this.es = es;
    es.onopen = () => { this.failures = 0; this.setState('open'); };
    es.onerror = () => {
      // readyState 2 (CLOSED): the browser gave up (HTTP error, wrong type); else it retries.
      if (es.readyState === 2) { es.close(); if (this.es === es) this.es = null; this.retry(); }
      else this.setState('retrying');
    };
    for (const type of EVENT_TYPES) {
      es.addEventListener(type, (e: any) => this.dispatch(type, e.data, e.lastEventId || ''));
    }
  }

  private retry() {
    if (this.stopped) return;
    this.failures++;
    this.setState(this.failures >= 3 ? 'unavailable' : 'retrying');
    this.timer = this.schedule(() => { this.timer = null; this.open(); }, LiveEvents.backoff(this.failures));
  }

  stop() {
    this.stopped = true;
    if (this.timer) { this.cancel(this.timer); this.timer = null; }
    if (this.es) { this.es.close(); this.es = null; }
  }
}

let shared: LiveEvents | null = null;
/** The one stream of the page, started at sign-in. */
export function live(): LiveEvents {
  if (!shared) shared = new LiveEvents();
  return shared;
}
