import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogues, detectLang, interpolate, lang, setLang, t, tk } from '../src/i18n';
import { KEY_FAMILIES, KEY_SUFFIXES } from '../src/i18n_families';

const en = catalogues.en;
const fr = catalogues.fr;

async function scan() {
  const mod = await import(pathToFileURL(join(process.cwd(), 'tools', 'i18n-keys.mjs')).href);
  return mod.scanKeys(new Set(Object.keys(en).map((k) => k.split('.')[0])));
}

test('both catalogues have the same keys', () => {
  const a = Object.keys(en).sort();
  const b = Object.keys(fr).sort();
  assert.deepEqual(a.filter((k) => !(k in fr)), [], 'keys missing in fr.json');
  assert.deepEqual(b.filter((k) => !(k in en)), [], 'keys missing in en.json');
});

test('no message is empty, and both languages use the same {placeholders}', () => {
  for (const k of Object.keys(en)) {
    assert.ok(en[k].trim(), `en ${k} is empty`);
    assert.ok(fr[k].trim(), `fr ${k} is empty`);
    const pe = (en[k].match(/\{\w+\}/g) || []).sort();
    const pf = (fr[k].match(/\{\w+\}/g) || []).sort();
    assert.deepEqual(pf, pe, `placeholders of ${k} differ`);
  }
});

test('every t() key used in src exists in both catalogues', async () => {
  const { calls, literals } = await scan();
  assert.ok(calls.size > 100, 'the scan found the t() calls');
  const prefixes = new Set([...Object.keys(KEY_FAMILIES).map((p) => p + '.'), ...Object.keys(KEY_SUFFIXES)]);
  const missing: string[] = [];
  for (const [k, files] of calls) {
    if (k.endsWith('.') || k.endsWith('_')) {
      if (!prefixes.has(k)) missing.push(`${k} (a prefix with no KEY_FAMILIES entry) in ${files[0]}`);
      continue;
    }
    if (!(k in en) || !(k in fr)) missing.push(`${k} in ${files[0]}`);
  }
  for (const [k, files] of literals) {
    if (k in KEY_FAMILIES || k in KEY_SUFFIXES) continue;
    if (!(k in en) || !(k in fr)) missing.push(`${k} (string literal) in ${files[0]}`);
  }
  assert.deepEqual(missing, []);
});

test('every key family value exists in both catalogues', () => {
  const missing: string[] = [];
  for (const [p, vals] of Object.entries(KEY_FAMILIES)) for (const v of vals) { const k = `${p}.${v}`; if (!(k in en) || !(k in fr)) missing.push(k); }
  for (const [p, vals] of Object.entries(KEY_SUFFIXES)) for (const v of vals) { const k = `${p}${v}`; if (!(k in en) || !(k in fr)) missing.push(k); }
  assert.deepEqual(missing, []);
});

test('French is a real translation: accents, and most messages differ from English', () => {
  const keys = Object.keys(en);
  const same = keys.filter((k) => en[k] === fr[k]);
  assert.ok(same.length / keys.length < 0.15, `${same.length} of ${keys.length} French messages equal the English ones`);
  assert.ok(Object.values(fr).some((s) => /[éèàçêô]/.test(s)), 'French has accents');
});

test('detectLang: stored choice, then navigator languages, then English', () => {
  assert.equal(detectLang('fr', ['en-US']), 'fr');
  assert.equal(detectLang(null, ['fr-BE', 'en']), 'fr');
  assert.equal(detectLang(null, 'fr-FR'), 'fr');
  assert.equal(detectLang(null, ['de-DE', 'en-GB']), 'en');
  assert.equal(detectLang(null, ['de-DE']), 'en');
  assert.equal(detectLang('xx', undefined), 'en');
});

test('t() interpolates, falls back to English then to the key; setLang switches and is remembered', () => {
  const store: Record<string, string> = {};
  (globalThis as any).localStorage = { getItem: (k: string) => store[k] ?? null, setItem: (k: string, v: string) => { store[k] = v; } };
  setLang('en');
  assert.equal(t('pager.page', { page: 2, pages: 5 }), 'Page 2 of 5');
  setLang('fr');
  assert.equal(lang(), 'fr');
  assert.equal(store['provisiond.lang'], 'fr');
  assert.equal(t('pager.page', { page: 2, pages: 5 }), 'Page 2 sur 5');
  assert.equal(t('no.such.key'), 'no.such.key');
  assert.equal(tk('state', 'error'), 'Échec');
  assert.equal(tk('state', 'weird'), 'weird');
  setLang('en');
  assert.equal(interpolate('{a} and {b}', { a: 1 }), '1 and {b}');
  delete (globalThis as any).localStorage;
});
