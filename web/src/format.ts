// Dates in local time, durations, bytes, percentages, in the UI's language.
import { locale } from './i18n';

function toDate(v: string | number | Date | null | undefined): Date | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(typeof v === 'string' && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(v) ? v.replace(' ', 'T') + 'Z' : v);
  return isNaN(d.getTime()) ? null : d;
}

/** "23/11/2026 08:28:05" (fr) / "23 Nov 2026, 08:28:05" (en), local time; '' for none. */
export function formatDateTime(v: string | number | Date | null | undefined, loc: string = locale(), timeZone?: string): string {
  const d = toDate(v);
  if (!d) return '';
  return new Intl.DateTimeFormat(loc, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone,
  }).format(d);
}

export function formatDate(v: string | number | Date | null | undefined, loc: string = locale(), timeZone?: string): string {
  const d = toDate(v);
  if (!d) return '';
  return new Intl.DateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', timeZone }).format(d);
}

export function formatTime(v: string | number | Date | null | undefined, loc: string = locale(), timeZone?: string): string {
  const d = toDate(v);
  if (!d) return '';
  return new Intl.DateTimeFormat(loc, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone }).format(d);
}

/** A day "2026-12-01" (no time zone shift) as a short label "1 Dec". */
export function formatDay(day: string, loc: string = locale()): string {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(loc, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d);
}

/** Local calendar day "YYYY-MM-DD" of a date (for date inputs and the "today" filter). */
export function localDay(d: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** 65_000 ms -> "1 min 05 s"; 3_725_000 -> "1 h 02 min"; 800 -> "0.8 s"; null -> "". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !isFinite(ms)) return '';
  if (ms < 0) ms = 0;
  if (ms < 10_000 && ms % 1000 !== 0) {
    const s = (ms / 1000).toFixed(1);
    return `${locale().startsWith('fr') ? s.replace('.', ',') : s} s`;
  }
  const total = Math.round(ms / 1000);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const p = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${p(m)} min`;
  if (m > 0) return `${m} min ${p(s)} s`;
  return `${s} s`;
}

const UNITS_EN = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const UNITS_FR = ['o', 'Kio', 'Mio', 'Gio', 'Tio'];

/** 1536 -> "1.5 KiB" (en) / "1,5 Kio" (fr). */
export function formatBytes(n: number | null | undefined, loc: string = locale()): string {
  if (n === null || n === undefined || !isFinite(n)) return '';
  const units = loc.startsWith('fr') ? UNITS_FR : UNITS_EN;
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const digits = i === 0 || v >= 100 ? 0 : 1;
  const num = new Intl.NumberFormat(loc, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(n < 0 ? -v : v);
  return `${num} ${units[i]}`;
}

/** 60 -> "60 %" (fr) / "60%" (en). Values are 0..100. */
export function formatPercent(p: number | null | undefined, loc: string = locale()): string {
  if (p === null || p === undefined || !isFinite(p)) return '';
  return new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 0 }).format(p / 100);
}

export function formatNumber(n: number | null | undefined, loc: string = locale()): string {
  if (n === null || n === undefined || !isFinite(n)) return '';
  return new Intl.NumberFormat(loc).format(n);
}
