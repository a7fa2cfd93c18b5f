// Shared page parts: async loading, error/empty/loading states, fields, sortable
// headers, pager, dialogs, badges, conflict view, notices.
import { ComponentChildren, createContext, JSX } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { t, tk } from './i18n';
import { formatPercent } from './format';
import { currentPage, goToPage, pageCount, range, TableState, toggleSort } from './table_state';
import { variableSpans, SourceKind } from './source';
import { Invalid } from './validate';

export interface Session { username: string; role: string; via?: string; csrf_token?: string }
export const SessionContext = createContext<Session | null>(null);
export function useSession(): Session { return useContext(SessionContext)!; }

// ---- async data -----------------------------------------------------------------------

export interface Async<T> {
  data: T | null;
  error: any;
  loading: boolean;
  reload: () => void;
  setData: (d: T | null) => void;
}

export function useAsync<T>(fn: (signal: AbortSignal) => Promise<T>, deps: any[]): Async<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<any>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    fn(ctl.signal).then(
      (d) => { if (!ctl.signal.aborted) { setData(d); setLoading(false); } },
      (e) => { if (!ctl.signal.aborted && e?.name !== 'AbortError') { setError(e); setLoading(false); } },
    );
    return () => ctl.abort();
    // eslint-disable-next-line
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data, error, loading, reload, setData };
}

// ---- states ---------------------------------------------------------------------------

export function Loading({ label }: { label?: string }) {
  return <p class="state loading" role="status"><span class="spinner" aria-hidden="true" />{label || t('common.loading')}</p>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export function errorText(e: any): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network', { detail: e.detail });
    if (e.status === 403) return t('error.forbidden', { detail: e.detail });
    return e.detail;
  }
  return e && e.message ? e.message : String(e);
}

export function ErrorBox({ error, onRetry, what }: { error: any; onRetry?: () => void; what?: string }) {
  if (!error) return null;
  const nf = error instanceof ApiError && error.status === 404;
  return (
    <div class={'alert ' + (nf ? 'alert-warn' : 'alert-error')} role="alert">
      <strong>{nf ? t('error.not_available_title') : t('error.title')}</strong>
      <p>{nf ? t('error.not_available', { what: what || '' }) : errorText(error)}</p>
      {nf && <p class="muted small">{errorText(error)}</p>}
      {onRetry && <button type="button" class="btn" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

/** A page's main block: loading, error or its content. */
export function AsyncBlock<T>({ a, what, children }: { a: Async<T>; what?: string; children: (d: T) => ComponentChildren }) {
  if (a.error) return <ErrorBox error={a.error} onRetry={a.reload} what={what} />;
  if (a.loading && a.data == null) return <Loading />;
  if (a.data == null) return null;
  return <>{children(a.data)}</>;
}

export function PageHeader({ title, actions, children }: { title: string; actions?: ComponentChildren; children?: ComponentChildren }) {
  useEffect(() => { document.title = `${title} · provisiond`; }, [title]);
  return (
    <header class="page-header">
      <div>
        <h1 id="page-title" tabIndex={-1}>{title}</h1>
        {children && <div class="page-intro">{children}</div>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </header>
  );
}

// ---- notices --------------------------------------------------------------------------

type Notice = { id: number; text: string; kind: 'ok' | 'error' | 'info' };
let noticeId = 0;
const noticeListeners = new Set<(n: Notice[]) => void>();
let notices: Notice[] = [];
export function notify(text: string, kind: Notice['kind'] = 'ok') {
  const n = { id: ++noticeId, text, kind };
  notices = [...notices, n];
  noticeListeners.forEach((f) => f(notices));
  setTimeout(() => { notices = notices.filter((x) => x.id !== n.id); noticeListeners.forEach((f) => f(notices)); }, kind === 'error' ? 10000 : 5000);
}
export function Notices() {
  const [list, setList] = useState<Notice[]>(notices);
  useEffect(() => { noticeListeners.add(setList); return () => { noticeListeners.delete(setList); }; }, []);
  return (
    <div class="notices" aria-live="polite" role="status">
      {list.map((n) => <div key={n.id} class={'notice notice-' + n.kind}>{n.text}</div>)}
    </div>
  );
}

// ---- form fields ----------------------------------------------------------------------

let fieldSeq = 0;
export function useId(prefix = 'f'): string {
  const r = useRef<string>('');
  if (!r.current) r.current = `${prefix}-${++fieldSeq}`;
  return r.current;
}

export function invalidText(i: Invalid | string | null | undefined): string {
  if (!i) return '';
  if (typeof i === 'string') return i;
  return t(i.key, i.params);
}

export interface FieldProps {
  label: string;
  error?: Invalid | string | null;
  help?: ComponentChildren;
  required?: boolean;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ComponentChildren;
  class?: string;
}
export function Field({ label, error, help, required: req, children, class: cls }: FieldProps) {
  const id = useId();
  const err = invalidText(error);
  const ids = [help ? id + '-help' : '', err ? id + '-err' : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={'field' + (err ? ' field-invalid' : '') + (cls ? ' ' + cls : '')}>
      <label for={id}>{label}{req && <span class="req" aria-hidden="true"> *</span>}</label>
      {children(id, ids, !!err)}
      {help && <div class="help" id={id + '-help'}>{help}</div>}
      {err && <div class="field-error" id={id + '-err'}>{err}</div>}
    </div>
  );
}

export function TextField(p: { label: string; value: string; onInput: (v: string) => void; error?: Invalid | string | null; help?: ComponentChildren; required?: boolean; type?: string; placeholder?: string; disabled?: boolean; autoComplete?: string; mono?: boolean; inputMode?: string; list?: string; class?: string; maxLength?: number }) {
  return (
    <Field label={p.label} error={p.error} help={p.help} required={p.required} class={p.class}>
      {(id, d, inv) => (
        <input id={id} type={(p.type || 'text') as any} value={p.value} placeholder={p.placeholder} disabled={p.disabled}
          class={p.mono ? 'mono' : undefined} autoComplete={p.autoComplete} inputMode={p.inputMode as any} list={p.list}
          aria-describedby={d} aria-invalid={inv || undefined} required={p.required} maxLength={p.maxLength}
          onInput={(e) => p.onInput((e.target as HTMLInputElement).value)} />
      )}
    </Field>
  );
}

export function TextArea(p: { label: string; value: string; onInput: (v: string) => void; error?: Invalid | string | null; help?: ComponentChildren; rows?: number; mono?: boolean; disabled?: boolean }) {
  return (
    <Field label={p.label} error={p.error} help={p.help}>
      {(id, d, inv) => (
        <textarea id={id} rows={p.rows || 3} value={p.value} class={p.mono ? 'mono' : undefined} disabled={p.disabled}
          aria-describedby={d} aria-invalid={inv || undefined}
          onInput={(e) => p.onInput((e.target as HTMLTextAreaElement).value)} />
      )}
    </Field>
  );
}

export function SelectField(p: { label: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[]; error?: Invalid | string | null; help?: ComponentChildren; required?: boolean; disabled?: boolean }) {
  return (
    <Field label={p.label} error={p.error} help={p.help} required={p.required}>
      {(id, d, inv) => (
        <select id={id} value={p.value} disabled={p.disabled} aria-describedby={d} aria-invalid={inv || undefined}
          onChange={(e) => p.onChange((e.target as HTMLSelectElement).value)}>
          {p.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      )}
    </Field>
  );
}

export function CheckField(p: { label: string; checked: boolean; onChange: (v: boolean) => void; help?: ComponentChildren; disabled?: boolean; error?: Invalid | string | null }) {
  const id = useId('c');
  const err = invalidText(p.error);
  return (
    <div class={'field field-check' + (err ? ' field-invalid' : '')}>
      <input type="checkbox" id={id} checked={p.checked} disabled={p.disabled}
        aria-describedby={p.help || err ? id + '-help' : undefined}
        onChange={(e) => p.onChange((e.target as HTMLInputElement).checked)} />
      <label for={id}>{p.label}</label>
      {(p.help || err) && <div class="help" id={id + '-help'}>{p.help}{err && <div class="field-error">{err}</div>}</div>}
    </div>
  );
}

// ---- tables ---------------------------------------------------------------------------

export function SortTh({ field, label, state, onChange, class: cls }: { field: string; label: string; state: TableState; onChange: (s: TableState) => void; class?: string }) {
  const active = state.sort === field;
  const sort = active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={sort as any} class={cls}>
      <button type="button" class="sort-btn" onClick={() => onChange(toggleSort(state, field))}>
        {label}<span class="sort-ind" aria-hidden="true">{active ? (state.order === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}

export function Pager({ state, total, shown, onChange }: { state: TableState; total: number; shown: number; onChange: (s: TableState) => void }) {
  const pages = pageCount(total, state.limit);
  const page = currentPage(state);
  const r = range(state, total, shown);
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      <span class="muted">{total ? t('pager.range', { from: r.from, to: r.to, total }) : t('pager.none')}</span>
      <button type="button" class="btn btn-small" disabled={page <= 1} onClick={() => onChange(goToPage(state, 1, total))}>{t('pager.first')}</button>
      <button type="button" class="btn btn-small" disabled={page <= 1} onClick={() => onChange(goToPage(state, page - 1, total))}>{t('pager.prev')}</button>
      <span>{t('pager.page', { page, pages })}</span>
      <button type="button" class="btn btn-small" disabled={page >= pages} onClick={() => onChange(goToPage(state, page + 1, total))}>{t('pager.next')}</button>
      <button type="button" class="btn btn-small" disabled={page >= pages} onClick={() => onChange(goToPage(state, pages, total))}>{t('pager.last')}</button>
    </nav>
  );
}

export function SearchBox({ value, onSearch, label }: { value: string; onSearch: (q: string) => void; label: string }) {
  const [v, setV] = useState(value);
  useEffect(() => setV(value), [value]);
  const timer = useRef<any>(null);
  const id = useId('s');
  return (
    <form class="search" role="search" onSubmit={(e) => { e.preventDefault(); clearTimeout(timer.current); onSearch(v); }}>
      <label for={id} class="visually-hidden">{label}</label>
      <input id={id} type="search" placeholder={label} value={v}
        onInput={(e) => { const nv = (e.target as HTMLInputElement).value; setV(nv); clearTimeout(timer.current); timer.current = setTimeout(() => onSearch(nv), 350); }} />
    </form>
  );
}

// ---- badges, progress, source ---------------------------------------------------------

export function StateBadge({ state }: { state: string }) {
  return <span class={'badge badge-' + state}>{tk('state', state)}</span>;
}

export function Progress({ percent, label }: { percent: number | null | undefined; label?: string }) {
  const p = Math.max(0, Math.min(100, percent ?? 0));
  return (
    <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p} aria-label={label || t('common.progress')}>
      <div class="progress-bar" style={{ width: p + '%' }} />
      <span class="progress-text">{formatPercent(p)}</span>
    </div>
  );
}

export function SourceText({ url }: { url: string }) {
  return (
    <code class="source-text">
      {variableSpans(url || '').map((s, i) => s.variable ? <mark key={i} class="var" title={t('source.variable', { name: s.variable })}>{s.text}</mark> : <span key={i}>{s.text}</span>)}
    </code>
  );
}

export function KindBadge({ kind }: { kind: SourceKind | string }) {
  return <span class={'badge badge-kind badge-kind-' + kind}>{tk('source.kind', kind)}</span>;
}

export function Yes({ v }: { v: boolean | null | undefined }) {
  return <span class={v ? 'yes' : 'no'}>{v ? t('common.yes') : t('common.no')}</span>;
}

// ---- dialogs --------------------------------------------------------------------------

export function Dialog({ open, title, onClose, children, actions }: { open: boolean; title: string; onClose: () => void; children: ComponentChildren; actions?: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId('dlg');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={id} onClose={onClose} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <h2 id={id}>{title}</h2>
      <div class="dialog-body">{children}</div>
      {actions && <div class="dialog-actions">{actions}</div>}
    </dialog>
  );
}

/** [dialog element, ask(text, confirmLabel) => Promise<boolean>] */
export function useConfirm(): [JSX.Element, (text: ComponentChildren, confirmLabel?: string, danger?: boolean) => Promise<boolean>] {
  const [st, setSt] = useState<{ text: ComponentChildren; label: string; danger: boolean; resolve: (b: boolean) => void } | null>(null);
  const ask = useCallback((text: ComponentChildren, label?: string, danger = true) => new Promise<boolean>((resolve) => setSt({ text, label: label || t('common.confirm'), danger, resolve })), []);
  const done = (b: boolean) => { st?.resolve(b); setSt(null); };
  const el = (
    <Dialog open={!!st} title={t('common.are_you_sure')} onClose={() => done(false)}
      actions={<>
        <button type="button" class="btn" onClick={() => done(false)}>{t('common.cancel')}</button>
        <button type="button" class={'btn ' + (st?.danger ? 'btn-danger' : 'btn-primary')} onClick={() => done(true)}>{st?.label}</button>
      </>}>
      <div>{st?.text}</div>
    </Dialog>
  );
  return [el, ask];
}

// ---- conflicts and server errors ------------------------------------------------------

function show(v: any): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('; ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** 409: someone else saved first. Shows theirs beside what the user typed (kept). */
export function ConflictView({ mine, current, fields, onKeepMine, onTakeTheirs, changed }: {
  mine: Record<string, any>; current: Record<string, any> | null; fields: { key: string; label: string }[]; changed?: string[];
  onKeepMine: () => void; onTakeTheirs: () => void;
}) {
  return (
    <div class="alert alert-warn conflict" role="alert">
      <strong>{t('conflict.title')}</strong>
      <p>{t('conflict.text')}</p>
      {current ? (
        <table class="table compact">
          <caption class="visually-hidden">{t('conflict.title')}</caption>
          <thead><tr><th scope="col">{t('conflict.field')}</th><th scope="col">{t('conflict.theirs')}</th><th scope="col">{t('conflict.mine')}</th></tr></thead>
          <tbody>
            {fields.map((f) => {
              const a = show(current[f.key]); const b = show(mine[f.key]);
              const mineChanged = !changed || changed.includes(f.key);
              return <tr key={f.key} class={a !== b ? 'diff' : ''}><th scope="row">{f.label}</th><td>{a}</td><td>{b}{mineChanged && changed && <span class="badge badge-src">{t('conflict.you_changed')}</span>}</td></tr>;
            })}
          </tbody>
        </table>
      ) : <p>{t('conflict.no_current')}</p>}
      <div class="row-actions">
        <button type="button" class="btn btn-primary" onClick={onKeepMine}>{t('conflict.keep_mine')}</button>
        <button type="button" class="btn" onClick={onTakeTheirs}>{t('conflict.take_theirs')}</button>
      </div>
    </div>
  );
}

export function Referrers({ error }: { error: any }) {
  if (!(error instanceof ApiError) || !error.referrers || !error.referrers.length) return null;
  return (
    <div class="referrers">
      <p>{t('error.referrers')}</p>
      <ul>{error.referrers.slice(0, 50).map((r, i) => <li key={i}>{typeof r === 'object' ? (r.name || r.serial || r.key || JSON.stringify(r)) : String(r)}</li>)}</ul>
      {error.referrers.length > 50 && <p class="muted">{t('common.and_more', { n: error.referrers.length - 50 })}</p>}
    </div>
  );
}

/** A server error that names no field of the form (or a field the form does not show). */
export function FormError({ error, shownFields }: { error: any; shownFields?: string[] }) {
  if (!error) return null;
  if (error instanceof ApiError && error.status === 409 && error.current) return null;
  if (error instanceof ApiError && error.field && shownFields && shownFields.includes(error.field)) {
    return <div class="alert alert-error" role="alert">{t('form.fix_field')}</div>;
  }
  return <div class="alert alert-error" role="alert"><p>{errorText(error)}</p><Referrers error={error} /></div>;
}

/** The server's message for a field, when the error names it. */
export function fieldError(error: any, field: string): string | null {
  return error instanceof ApiError && error.field === field && error.status !== 409 ? error.detail : null;
}

export function LiveDot({ state }: { state: string }) {
  return <span class={'live live-' + state} title={tk('live', state)}><span class="dot" aria-hidden="true" />{tk('live', state)}</span>;
}
