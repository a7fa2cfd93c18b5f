// Where an app or driver package comes from, as the endpoint will see it, and the
// %VAR% spans the endpoint expands (the same rules as core::ClassifySource and
// core::ExpandVariables on the server).

export type SourceKind = 'https' | 'http' | 'unc' | 'local' | 'hub' | 'none';
export const SOURCE_KINDS: SourceKind[] = ['https', 'http', 'unc', 'local', 'hub', 'none'];

export function classifySource(raw: string | null | undefined): SourceKind {
  const s = (raw || '').trim();
  if (!s) return 'none';
  const l = s.toLowerCase();
  if (l.startsWith('https://')) return 'https';
  if (l.startsWith('http://')) return 'http';
  if (s.startsWith('\\\\') || s.startsWith('//')) return 'unc';
  if (l.startsWith('[baseurl]') || s.startsWith('/')) return 'hub';
  return 'local';
}

/** The server's name for a kind ("service-relative" is the content hub). */
export function normaliseKind(k: string | null | undefined): SourceKind {
  if (k === 'service-relative' || k === 'hub') return 'hub';
  if (k === 'https' || k === 'http' || k === 'unc' || k === 'local' || k === 'none') return k;
  return 'local';
}

export interface Span { text: string; variable: string | null; start: number; end: number }

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Splits text into plain runs and %NAME% variables ("50%" and "%%" stay text). */
export function variableSpans(text: string): Span[] {
  const out: Span[] = [];
  let i = 0;
  let plainStart = 0;
  const pushPlain = (end: number) => {
    if (end > plainStart) out.push({ text: text.slice(plainStart, end), variable: null, start: plainStart, end });
  };
  while (i < text.length) {
    const pct = text.indexOf('%', i);
    if (pct < 0) break;
    const close = text.indexOf('%', pct + 1);
    const name = close < 0 ? '' : text.slice(pct + 1, close);
    if (!name || !NAME.test(name)) { i = pct + 1; continue; }
    pushPlain(pct);
    out.push({ text: text.slice(pct, close + 1), variable: name, start: pct, end: close + 1 });
    i = close + 1;
    plainStart = i;
  }
  pushPlain(text.length);
  return out;
}

/** The distinct variable names in text, in first-seen order (case-insensitive). */
export function variablesIn(text: string): string[] {
  const seen = new Map<string, string>();
  for (const s of variableSpans(text)) if (s.variable && !seen.has(s.variable.toLowerCase())) seen.set(s.variable.toLowerCase(), s.variable);
  return [...seen.values()];
}
