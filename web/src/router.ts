// Hash routing (#/computers?q=x): works whatever path index.html is served at.

export interface Route { path: string; parts: string[]; query: URLSearchParams }

export function parseHash(hash: string): Route {
  let h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!h.startsWith('/')) h = '/' + h;
  const qi = h.indexOf('?');
  const path = qi >= 0 ? h.slice(0, qi) : h;
  const query = new URLSearchParams(qi >= 0 ? h.slice(qi + 1) : '');
  const parts = path.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  return { path: '/' + parts.join('/'), parts, query };
}

export function href(path: string, query?: string | Record<string, string>): string {
  let q = '';
  if (typeof query === 'string') q = query;
  else if (query) q = new URLSearchParams(Object.entries(query).filter(([, v]) => v)).toString();
  return '#' + path + (q ? '?' + q : '');
}

export function navigate(path: string, query?: string | Record<string, string>, replace = false): void {
  const h = href(path, query);
  if (replace) history.replaceState(null, '', h);
  else location.hash = h;
  if (replace) window.dispatchEvent(new HashChangeEvent('hashchange'));
}
