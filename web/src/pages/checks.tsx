// Live checks used by the application and driver forms.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatBytes } from '../format';
import { t } from '../i18n';
import { classifySource, variablesIn } from '../source';
import { errorText, KindBadge, SourceText } from '../ui';

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

interface SourceResult { kind: string; checkable: boolean; ok: boolean; detail: string; size?: number; sha256?: string; status?: number; redirects?: string[]; variables?: string[] }

/** Kind of the source as typed, %VAR% highlighted, and a "check source" button. */
export function SourceInfo({ url }: { url: string }) {
  const [res, setRes] = useState<SourceResult | null>(null);
  const [err, setErr] = useState<any>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { setRes(null); setErr(null); }, [url]);
  if (!url || !url.trim()) return <div class="check small muted">{t('source.none_help')}</div>;
  const kind = classifySource(url);
  const vars = variablesIn(url);
  const check = async () => {
    setBusy(true); setErr(null);
    try { setRes(await api.post<SourceResult>('/api/v1/admin/source-check', { url: url.trim() })); }
    catch (e) { setErr(e); setRes(null); }
    finally { setBusy(false); }
  };
  return (
    <div class="source-info small">
      <div><KindBadge kind={kind} /> <SourceText url={url} /></div>
      <div class="muted">{t('source.kind_help.' + kind)}</div>
      {vars.length > 0 && <div class="muted">{t('source.vars', { vars: vars.map((v) => `%${v}%`).join(', ') })}</div>}
      <button type="button" class="btn btn-small" onClick={check} disabled={busy}>{busy ? t('check.checking') : t('source.check')}</button>
      <div aria-live="polite">
        {err && <div class="check check-bad">{err.status === 404 ? t('check.source_unavailable') : errorText(err)}</div>}
        {res && (
          <div class={'check ' + (!res.checkable ? 'check-unknown' : res.ok ? 'check-ok' : 'check-bad')}>
            <strong>{!res.checkable ? t('source.not_checkable') : res.ok ? t('source.ok') : t('source.failed')}</strong> {res.detail}
            {res.status != null && <div>{t('source.http_status', { status: res.status })}</div>}
            {res.size != null && <div>{t('source.size', { size: formatBytes(res.size) })}</div>}
            {res.sha256 && <div class="mono">SHA-256 {res.sha256}</div>}
            {res.redirects && res.redirects.length > 0 && <div>{t('source.redirects')}: <ul>{res.redirects.map((r) => <li key={r}><code>{r}</code></li>)}</ul></div>}
            {res.variables && res.variables.length > 0 && <div>{t('source.vars', { vars: res.variables.join(', ') })}</div>}
          </div>
        )}
      </div>
    </div>
  );
}
