// Message catalogues (i18n/en.json, i18n/fr.json). Language: the remembered choice, else
// navigator.language (fr* -> French), else English. t(key, {name}) fills {name}.
import en from './i18n/en.json';
import fr from './i18n/fr.json';

export type Lang = 'en' | 'fr';
export const LANGS: Lang[] = ['en', 'fr'];
export const catalogues: Record<Lang, Record<string, string>> = { en, fr };
const STORAGE_KEY = 'provisiond.lang';

function storage(): Storage | null {
  try { return typeof localStorage !== 'undefined' ? localStorage : null; } catch { return null; }
}

export function detectLang(stored: string | null, navigatorLanguages: readonly string[] | string | undefined): Lang {
  if (stored === 'en' || stored === 'fr') return stored;
  const list = Array.isArray(navigatorLanguages) ? navigatorLanguages : navigatorLanguages ? [navigatorLanguages as string] : [];
  for (const l of list) {
    const p = String(l).toLowerCase().slice(0, 2);
    if (p === 'fr') return 'fr';
    if (p === 'en') return 'en';
  }
  return 'en';
}

let current: Lang = detectLang(
  storage()?.getItem(STORAGE_KEY) ?? null,
  typeof navigator !== 'undefined' ? (navigator.languages && navigator.languages.length ? navigator.languages : navigator.language) : undefined,
);
const listeners = new Set<(l: Lang) => void>();

export function lang(): Lang { return current; }
/** BCP 47 tag for Intl formatting. */
export function locale(): string { return current === 'fr' ? 'fr-FR' : 'en-GB'; }

export function setLang(l: Lang): void {
  if (l !== 'en' && l !== 'fr') return;
  current = l;
  storage()?.setItem(STORAGE_KEY, l);
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export type Params = Record<string, string | number | null | undefined>;

export function interpolate(s: string, params?: Params): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
}

/** The message for key in the current language (English, then the key itself, when missing). */
export function t(key: string, params?: Params): string {
  const s = catalogues[current][key] ?? catalogues.en[key] ?? key;
  return interpolate(s, params);
}

/** t() for keys built at run time from a known family (state.*, role.*): `tk('state', s)`. */
export function tk(prefix: string, value: string | null | undefined, params?: Params): string {
  if (value == null || value === '') return '';
  const key = `${prefix}.${value}`;
  return catalogues[current][key] !== undefined || catalogues.en[key] !== undefined ? t(key, params) : String(value);
}
