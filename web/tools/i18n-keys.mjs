// Lists the i18n keys the sources use: t('literal') calls, plus any string literal that
// looks like a key of a namespace the catalogue has (keys passed around: nav titles,
// validate.* results, ternaries inside t()). Used by the unit test and by
// `node tools/i18n-keys.mjs --missing` while writing pages.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const srcDir = join(here, '..', 'src');

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export function loadCatalogue(lang) {
  return JSON.parse(readFileSync(join(srcDir, 'i18n', `${lang}.json`), 'utf8'));
}

/** { calls: Map<key, file[]>, literals: Map<key, file[]> } */
export function scanKeys(namespaces) {
  const calls = new Map();
  const literals = new Map();
  const add = (m, k, f) => { if (!m.has(k)) m.set(k, []); m.get(k).push(f); };
  for (const file of walk(srcDir)) {
    if (file.endsWith('i18n_families.ts')) continue;
    const text = readFileSync(file, 'utf8');
    const rel = file.slice(srcDir.length + 1);
    for (const m of text.matchAll(/\bt\(\s*(['"])([^'"]+)\1/g)) add(calls, m[2], rel);
    for (const m of text.matchAll(/(['"])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\1/g)) {
      const ns = m[2].split('.')[0];
      if (/\.(csv|json|js|css|zip|txt|html)$/.test(m[2])) continue; // file names, not keys
      if (namespaces.has(ns)) add(literals, m[2], rel);
    }
  }
  return { calls, literals };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const en = loadCatalogue('en');
  const ns = new Set([...Object.keys(en).map((k) => k.split('.')[0]), ...(process.argv.includes('--all-ns') ? ['nav','common','error','dep','dash','chart','computer','app','driver','type','bundle','preview','pending','locale','settings','net','files','users','tokens','keys','audit','account','tls','docs','auth','lang','role','state','level','live','source','check','import','crud','form','conflict','pager','validate','secret'] : [])]);
  const { calls, literals } = scanKeys(ns);
  const all = new Set([...calls.keys(), ...literals.keys()]);
  const list = [...all].sort();
  if (process.argv.includes('--missing')) for (const k of list) { if (!(k in en)) console.log(k); }
  else for (const k of list) console.log(k);
}
