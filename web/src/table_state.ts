// Paging, sort, search and filter state of a list page <-> the query string of the hash
// route (#/computers?q=lil&sort=serial&order=desc&offset=50), and the API query.

export interface TableState {
  q: string;
  sort: string;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
  filters: Record<string, string>;
}

export interface TableDefaults {
  sort?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  /** Filter names read from / written to the query string. */
  filters?: string[];
}

const RESERVED = new Set(['q', 'sort', 'order', 'offset', 'limit']);

export function defaultState(d: TableDefaults = {}): TableState {
  return { q: '', sort: d.sort || '', order: d.order || 'asc', offset: 0, limit: d.limit || 50, filters: {} };
}

function nonNegInt(s: string | null, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (s === null || !/^\d+$/.test(s)) return fallback;
  return Math.min(max, parseInt(s, 10));
}

export function parseState(search: string | URLSearchParams, d: TableDefaults = {}): TableState {
  const p = typeof search === 'string' ? new URLSearchParams(search.startsWith('?') ? search.slice(1) : search) : search;
  const s = defaultState(d);
  s.q = p.get('q') || '';
  s.sort = p.get('sort') || s.sort;
  const o = p.get('order');
  if (o === 'asc' || o === 'desc') s.order = o;
  s.limit = Math.max(1, nonNegInt(p.get('limit'), s.limit, 1000));
  s.offset = nonNegInt(p.get('offset'), 0);
  for (const f of d.filters || []) {
    const v = p.get(f);
    if (v) s.filters[f] = v;
  }
  return s;
}

/** Query string (no '?') with only what differs from the defaults, in a stable order. */
export function toSearch(s: TableState, d: TableDefaults = {}): string {
  const def = defaultState(d);
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.sort && (s.sort !== def.sort || s.order !== def.order)) { p.set('sort', s.sort); p.set('order', s.order); }
  if (s.offset) p.set('offset', String(s.offset));
  if (s.limit !== def.limit) p.set('limit', String(s.limit));
  for (const k of Object.keys(s.filters).sort()) {
    if (!RESERVED.has(k) && s.filters[k]) p.set(k, s.filters[k]);
  }
  return p.toString();
}

/** The list route's query parameters. */
export function toApiQuery(s: TableState): Record<string, string | number> {
  const q: Record<string, string | number> = { offset: s.offset, limit: s.limit };
  if (s.q) q.q = s.q;
  if (s.sort) { q.sort = s.sort; q.order = s.order; }
  for (const [k, v] of Object.entries(s.filters)) if (v) q[k] = v;
  return q;
}

/** Clicking a column header: same column flips the order, another starts ascending. */
export function toggleSort(s: TableState, field: string): TableState {
  if (s.sort === field) return { ...s, order: s.order === 'asc' ? 'desc' : 'asc', offset: 0 };
  return { ...s, sort: field, order: 'asc', offset: 0 };
}

export function withSearch(s: TableState, q: string): TableState {
  return { ...s, q, offset: 0 };
}

export function withFilter(s: TableState, name: string, value: string): TableState {
  const filters = { ...s.filters };
  if (value) filters[name] = value; else delete filters[name];
  return { ...s, filters, offset: 0 };
}

export function pageCount(total: number, limit: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, limit)));
}

export function currentPage(s: TableState): number {
  return Math.floor(s.offset / s.limit) + 1;
}

/** Go to page n (1-based), clamped to the pages there are. */
export function goToPage(s: TableState, n: number, total: number): TableState {
  const last = pageCount(total, s.limit);
  const page = Math.min(last, Math.max(1, Math.floor(n)));
  return { ...s, offset: (page - 1) * s.limit };
}

/** "51–100 of 300" bounds. */
export function range(s: TableState, total: number, shown: number): { from: number; to: number } {
  if (!total || !shown) return { from: 0, to: 0 };
  return { from: s.offset + 1, to: s.offset + shown };
}
