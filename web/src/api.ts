// Fetch wrapper for the admin API: base prefix, cookie credentials, CSRF header on
// every non-GET, JSON bodies, RFC 9457 problem details as ApiError, 401 -> sign-in.
import { url } from './base';

export interface ImportErrorItem { file?: string; line?: number; column?: number; message: string }

export class ApiError extends Error {
  status: number;
  title: string;
  detail: string;
  field: string | null;
  current: any;
  referrers: any[] | null;
  problem: any;
  constructor(status: number, problem: any, fallback?: string) {
    const p = problem && typeof problem === 'object' ? problem : {};
    const detail = typeof p.detail === 'string' && p.detail ? p.detail
      : typeof p.error === 'string' ? p.error
      : fallback || `HTTP ${status}`;
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.title = typeof p.title === 'string' ? p.title : '';
    this.detail = detail;
    this.field = typeof p.field === 'string' && p.field ? p.field : null;
    this.current = p.current !== undefined ? p.current : null;
    this.referrers = Array.isArray(p.referrers) ? p.referrers : null;
    this.problem = p;
  }
  /** The route does not exist on this server (yet). */
  get notFound(): boolean { return this.status === 404; }
  get conflict(): boolean { return this.status === 409; }
  get network(): boolean { return this.status === 0; }
}

type FetchFn = (input: string, init?: any) => Promise<any>;

interface Config {
  fetch: FetchFn | null;
  csrf: string;
  onUnauthorized: (() => void) | null;
}
const config: Config = { fetch: null, csrf: '', onUnauthorized: null };

export function setFetch(f: FetchFn | null): void { config.fetch = f; }
export function setCsrf(token: string): void { config.csrf = token || ''; }
export function csrfToken(): string { return config.csrf; }
export function setUnauthorizedHandler(fn: (() => void) | null): void { config.onUnauthorized = fn; }

export type Query = Record<string, string | number | boolean | null | undefined | Array<string | number>>;

/** "?a=1&b=x" from an object; empty, null and undefined values are left out. */
export function buildQuery(q?: Query): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    const vals = Array.isArray(v) ? v : [v];
    for (const one of vals) {
      const s = typeof one === 'boolean' ? (one ? '1' : '0') : String(one);
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
    }
  }
  return parts.length ? '?' + parts.join('&') : '';
}

/** Path segment encoding for keys (a serial with a slash stays one segment). */
export function seg(s: string | number): string {
  return encodeURIComponent(String(s));
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Answer text instead of JSON. */
  text?: boolean;
  /** Do not send the user to the sign-in page on 401 (the sign-in call itself). */
  noAuthRedirect?: boolean;
}

/** Parses a failed response into an ApiError (problem JSON, legacy {error}, or text). */
export async function problemFrom(res: { status: number; statusText?: string; headers: any; text: () => Promise<string> }): Promise<ApiError> {
  let text = '';
  try { text = await res.text(); } catch { /* empty body */ }
  let body: any = null;
  if (text) {
    try { body = JSON.parse(text); } catch { body = null; }
  }
  const fallback = body ? undefined : (text.trim().slice(0, 300) || res.statusText || `HTTP ${res.status}`);
  return new ApiError(res.status, body, fallback);
}

export async function request<T = any>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = (opts.method || 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...(opts.headers || {}) };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  } else if (method !== 'GET' && method !== 'HEAD') {
    // Admin routes take JSON only; an empty object keeps the content type honest.
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && config.csrf) headers['X-CSRF-Token'] = config.csrf;
  const f = config.fetch || (globalThis.fetch as unknown as FetchFn);
  let res: any;
  try {
    res = await f(url(path) + buildQuery(opts.query), {
      method, headers, body, credentials: 'same-origin', signal: opts.signal,
    });
  } catch (e: any) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null, e && e.message ? e.message : 'network error');
  }
  if (res.status === 401 && !opts.noAuthRedirect && config.onUnauthorized) config.onUnauthorized();
  if (!res.ok) throw await problemFrom(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (opts.text) return text as unknown as T;
  if (!text) return undefined as T;
  try { return JSON.parse(text) as T; } catch { return text as unknown as T; }
}

export const api = {
  get: <T = any>(path: string, query?: Query, signal?: AbortSignal) => request<T>(path, { query, signal }),
  post: <T = any>(path: string, body?: unknown, query?: Query) => request<T>(path, { method: 'POST', body: body ?? {}, query }),
  put: <T = any>(path: string, body?: unknown, query?: Query) => request<T>(path, { method: 'PUT', body: body ?? {}, query }),
  del: <T = any>(path: string, query?: Query) => request<T>(path, { method: 'DELETE', query }),
};

export interface UploadOptions {
  overwrite?: boolean;
  onProgress?: (loaded: number, total: number) => void;
  xhrFactory?: () => XMLHttpRequest;
}
export interface UploadHandle { promise: Promise<{ status: number; body: any }>; abort: () => void }

/** PUT a file to the content hub with upload progress (fetch has no upload progress). */
export function uploadFile(path: string, file: Blob, opts: UploadOptions = {}): UploadHandle {
  const xhr = opts.xhrFactory ? opts.xhrFactory() : new XMLHttpRequest();
  const promise = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const q = opts.overwrite === false ? '?overwrite=0' : '';
    xhr.open('PUT', url('/api/v1/admin/files/' + path.split('/').map(seg).join('/')) + q);
    xhr.withCredentials = true;
    if (config.csrf) xhr.setRequestHeader('X-CSRF-Token', config.csrf);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e: ProgressEvent) => {
      if (opts.onProgress) opts.onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    };
    xhr.onload = () => {
      let body: any = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { body = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve({ status: xhr.status, body });
      else {
        if (xhr.status === 401 && config.onUnauthorized) config.onUnauthorized();
        reject(new ApiError(xhr.status, body, xhr.statusText || `HTTP ${xhr.status}`));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, null, 'network error'));
    xhr.onabort = () => reject(new ApiError(0, null, 'aborted'));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
