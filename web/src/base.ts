// The service's external prefix, from <meta name="provisiond-base" content="/provision">
// (the server rewrites it when serving index.html; empty at the root).

let override: string | null = null;

/** Normalises a prefix: "" or "/x/y" (leading slash, no trailing slash). */
export function normaliseBase(raw: string | null | undefined): string {
  let b = (raw || '').trim();
  if (!b || b === '/') return '';
  if (!b.startsWith('/')) b = '/' + b;
  while (b.endsWith('/')) b = b.slice(0, -1);
  return b;
}

export function setBase(b: string | null): void {
  override = b == null ? null : normaliseBase(b);
}

export function base(): string {
  if (override != null) return override;
  if (typeof document === 'undefined') return '';
  const m = document.querySelector('meta[name="provisiond-base"]');
  return normaliseBase(m ? m.getAttribute('content') : '');
}

/** An absolute path under the service base: url('/api/v1/x') -> '/provision/api/v1/x'. */
export function url(path: string): string {
  return base() + (path.startsWith('/') ? path : '/' + path);
}
