// Client-side checks that mirror the store's write rules; the server still decides.
// Each returns null (fine) or an i18n key with its params.

export interface Invalid { key: string; params?: Record<string, string | number> }
export type Check = Invalid | null;

export function required(v: unknown): Check {
  if (v === null || v === undefined) return { key: 'validate.required' };
  if (typeof v === 'string' && !v.trim()) return { key: 'validate.required' };
  if (Array.isArray(v) && !v.length) return { key: 'validate.required' };
  return null;
}

/** NetBIOS computer name: 1-15 of A-Z a-z 0-9 -, not all digits, no leading/trailing '-'. */
export function netbiosName(v: string): Check {
  const s = v || '';
  if (!s) return { key: 'validate.required' };
  if (s.length > 15) return { key: 'validate.netbios_length', params: { n: s.length } };
  const bad = [...s].find((c) => !/[A-Za-z0-9-]/.test(c));
  if (bad) return { key: 'validate.netbios_char', params: { c: bad } };
  if (/^\d+$/.test(s)) return { key: 'validate.netbios_digits' };
  if (s.startsWith('-') || s.endsWith('-')) return { key: 'validate.netbios_hyphen' };
  return null;
}

export function intInRange(v: string | number | null | undefined, min: number, max: number, allowEmpty = false): Check {
  const s = v === null || v === undefined ? '' : String(v).trim();
  if (!s) return allowEmpty ? null : { key: 'validate.required' };
  if (!/^-?\d+$/.test(s)) return { key: 'validate.integer' };
  const n = Number(s);
  if (n < min || n > max) return { key: 'validate.range', params: { min, max } };
  return null;
}

/** "integer 1..2147483647" (the settings list's `allowed`) -> {min, max}. */
export function parseAllowedRange(allowed: string | null | undefined): { min: number; max: number } | null {
  const m = /integer\s+(-?\d+)\s*\.\.\s*(-?\d+)/.exec(allowed || '');
  return m ? { min: Number(m[1]), max: Number(m[2]) } : null;
}

/** "one of 0, 1, 2" / "0|1|2" style lists of choices -> values, else null. */
export function parseAllowedChoices(allowed: string | null | undefined): string[] | null {
  const s = allowed || '';
  const m = /one of\s+(.+)$/i.exec(s);
  const list = m ? m[1] : /^[\w-]+(\s*[|,]\s*[\w-]+)+$/.test(s) ? s : null;
  if (!list) return null;
  return list.split(/\s*[|,]\s*|\s+or\s+/).map((x) => x.trim()).filter(Boolean);
}

/** A password of at least 8 characters (the server's rule). */
export function password(v: string): Check {
  if (!v) return { key: 'validate.required' };
  if (v.length < 8) return { key: 'validate.password_length' };
  return null;
}

/** "0;3010" or "0, 3010" -> [0, 3010]; null when a part is not an integer. */
export function parseIntList(s: string): number[] | null {
  const parts = (s || '').split(/[;,\s]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^-?\d+$/.test(p)) return null;
    out.push(Number(p));
  }
  return out;
}

/** "FR;BE" / "FR, BE" / lines -> ["FR","BE"]. */
export function parseList(s: string): string[] {
  return (s || '').split(/[;,\n]+/).map((x) => x.trim()).filter(Boolean);
}

/** Lines -> regexes (a regex may contain ';' or ','). */
export function parseLines(s: string): string[] {
  return (s || '').split(/\n/).map((x) => x.trim()).filter(Boolean);
}

/** An IPv4/IPv6 CIDR such as 10.0.0.0/8 or ::1/128. */
export function cidr(s: string): Check {
  const v = (s || '').trim();
  if (!v) return { key: 'validate.required' };
  const m4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(\/(\d{1,2}))?$/.exec(v);
  if (m4) {
    if ([1, 2, 3, 4].some((i) => Number(m4[i]) > 255) || (m4[6] && Number(m4[6]) > 32)) return { key: 'validate.cidr' };
    return null;
  }
  if (/^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(v) && v.includes(':')) return null;
  return { key: 'validate.cidr' };
}
