// Live checks used by the application and driver forms.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatBytes } from '../format';
import { t } from '../i18n';
import { classifySource, variablesIn } from '../source';
import { atLeast } from '../roles';
import { errorText, KindBadge, SourceText, useSession } from '../ui';

interface RegexResult { valid: boolean; error?: string; matches: string[]; known: number }

/** Checks a regex as it is typed (debounced) with /regex-check and lists what it matches. */
export function RegexCheck({ regex, field }: { regex: string; field: 'model' | 'os' }) {
  const [res, setRes] = useState<RegexResult | null>(null);
  const [err, setErr] = useState<any>(null);
  useEffect(() => {
    const r = (regex || '').trim();
    setErr(null);
    if (!r) { setRes(null); return; }
    const ctl = new AbortController();
    const h = setTimeout(() => {
      api.get<RegexResult>('/api/v1/admin/regex-check', { regex: r, field }, ctl.signal).then(setRes, (e) => { if (e?.name !== 'AbortError') { setErr(e); setRes(null); } });
    }, 300);
    return () => { clearTimeout(h); ctl.abort(); };
  }, [regex, field]);
  if (!regex || !regex.trim()) return null;
  if (err) return <div class="check check-unknown small" aria-live="polite">{err.status === 404 ? t('check.regex_unavailable') : errorText(err)}</div>;
  if (!res) return <div class="check small muted" aria-live="polite">{t('check.checking')}</div>;
  if (!res.valid) return <div class="check check-bad small" aria-live="polite" role="alert">{t('check.regex_invalid', { error: res.error || '' })}</div>;
  return (
    <div class="check check-ok small" aria-live="polite">
      {res.matches.length
        ? <>{t(field === 'model' ? 'check.matches_models' : 'check.matches_os', { n: res.matches.length, known: res.known })}{' '}
          <span class="match-list">{res.matches.slice(0, 12).map((m) => <code key={m}>{m}</code>)}{res.matches.length > 12 && ' …'}</span></>
        : t(field === 'model' ? 'check.matches_no_model' : 'check.matches_no_os', { known: res.known })}
    </div>
  );
}

/** Several regexes, one a line. */
export function RegexLinesCheck({ text, field }: { text: string; field: 'model' | 'os' }) {
  const lines = (text || '').split('\n').map((x) => x.trim()).filter(Boolean).slice(0, 6);
  return <>{lines.map((l, i) => <div key={i}><code class="small">{l}</code><RegexCheck regex={l} field={field} /></div>)}</>;
}

interface SourceHub { path: string; type: 'file' | 'folder'; size: number; mtime: string; sha256?: string | null; sha256_pending?: boolean; entries?: string[]; entry_count?: number }
interface SourceHop { url: string; status: number; location: string }
interface SourceHttp { method: string; final_url: string; status: number; reason: string; content_type: string | null; content_length: number | null; tls_version: string | null; elapsed_ms: number; redirects: SourceHop[] }
/** POST /api/v1/admin/source-check, as the server answers it. */
export interface SourceResult { kind: string; resolved: string; unknown_variables: string[]; checkable: boolean; ok: boolean; message: string; warnings: string[]; hub: SourceHub | null; http: SourceHttp | null }

/** The verdict line's key: reachable, not reachable, or checkable only on the endpoint. */
export function sourceVerdictKey(r: SourceResult): string {
  return !r.checkable ? 'source.not_checkable' : r.ok ? 'source.ok' : 'source.failed';
}

function SourceResultView({ res }: { res: SourceResult }) {
  const h = res.http;
  return (
    <div class={'check ' + (!res.checkable ? 'check-unknown' : res.ok ? 'check-ok' : 'check-bad')}>
      <strong>{t(sourceVerdictKey(res))}</strong> {!res.hub && <span>{res.message}</span>}
      {res.hub && <div>{t(res.hub.type === 'folder' ? 'source.hub_folder' : 'source.hub_file', { path: res.hub.path })}
        {' · '}{t('source.size', { size: formatBytes(res.hub.size) })}
        {res.hub.type === 'file' && (res.hub.sha256 ? <div class="mono">SHA-256 {res.hub.sha256}</div> : <div class="muted">{t('source.sha_pending')}</div>)}
        {res.hub.entries && res.hub.entries.length > 0 && <div class="match-list">{res.hub.entries.slice(0, 12).map((e) => <code key={e}>{e}</code>)}{(res.hub.entry_count || 0) > 12 && ' …'}</div>}
      </div>}
      {h && <div>
        {h.status > 0 && <div>{t('source.http_status', { status: h.status })} ({h.method}{h.tls_version ? ', ' + h.tls_version : ''}, {h.elapsed_ms} ms)
          {h.content_length != null && <> · {t('source.size', { size: formatBytes(h.content_length) })}</>}</div>}
        {h.redirects.length > 0 && <div>{t('source.redirects')}:<ol class="redirects">{h.redirects.map((r, i) => <li key={i}><code>{r.status}</code> <code>{r.url}</code> → <code>{r.location}</code></li>)}</ol></div>}
      </div>}
      {res.unknown_variables.length > 0 && <div>{t('source.vars', { vars: res.unknown_variables.map((v) => `%${v}%`).join(', ') })}</div>}
      {res.warnings.map((w) => <div key={w} class="muted">{w}</div>)}
    </div>
  );
}

/** Kind of the source as typed, %VAR% highlighted, and a "check source" button (operators and admins: the server makes the request). */
export function SourceInfo({ url }: { url: string }) {
  const session = useSession();
  const [res, setRes] = useState<SourceResult | null>(null);
  const [err, setErr] = useState<any>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { setRes(null); setErr(null); }, [url]);
  if (!url || !url.trim()) return <div class="check small muted">{t('source.none_help')}</div>;
  const kind = classifySource(url);
  const vars = variablesIn(url);
  const check = async () => {
    setBusy(true); setErr(null);
    try { setRes(await api.post<SourceResult>('/api/v1/admin/source-check', { source: url.trim() })); }
    catch (e) { setErr(e); setRes(null); }
    finally { setBusy(false); }
  };
  return (
    <div class="source-info small">
      <div><KindBadge kind={kind} /> <SourceText url={url} /></div>
      <div class="muted">{t('source.kind_help.' + kind)}</div>
      {vars.length > 0 && <div class="muted">{t('source.vars', { vars: vars.map((v) => `%${v}%`).join(', ') })}</div>}
      {atLeast(session.role, 'operator') &&
        <button type="button" class="btn btn-small" onClick={check} disabled={busy}>{busy ? t('check.checking') : t('source.check')}</button>}
      <div aria-live="polite">
        {err && <div class="check check-bad">{errorText(err)}</div>}
        {res && <SourceResultView res={res} />}
      </div>
    </div>
  );
}
