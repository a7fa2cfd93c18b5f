// Shared helpers for the browser tests (one chromium for the whole run, see ui.test.mjs).
import { createRequire } from 'node:module';
import { join, extname } from 'node:path';
import { readFileSync, existsSync, readdirSync } from 'node:fs';

const WEB = process.env.PVD_WEB || new URL('../../web/', import.meta.url).pathname;
const require = createRequire(join(WEB, 'package.json'));
export const { chromium } = require('playwright-core');
export const axePath = require.resolve('axe-core/axe.min.js');
export const en = require('./src/i18n/en.json');
export const fr = require('./src/i18n/fr.json');

export const BASE = process.env.PVD_BASE;                 // http://127.0.0.1:P
export const PREFIX_BASE = process.env.PVD_PREFIX_BASE;   // http://127.0.0.1:N/provision
export const SHOTS = process.env.PVD_SHOTS;
export const ADMIN_PW = process.env.PVD_ADMIN_PASSWORD;
export const VIEWER_PW = process.env.PVD_VIEWER_PASSWORD;
if (!BASE || !SHOTS || !ADMIN_PW) throw new Error('run through tests/browser/run.sh BUILD_DIR');

export const MODEL = 'Latitude 5420';
export const OS = 'Microsoft Windows 11 Enterprise';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Every request and console error of every page, for the "stays inside" and "no error" checks. */
export const seen = { requests: [], consoleErrors: [] };

export async function newContext(browser, opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', ...opts });
  ctx.on('page', (p) => watch(p));
  if (process.env.PVD_UI_DIST) await serveDist(ctx, process.env.PVD_UI_DIST);
  return ctx;
}

export function watch(page) {
  if (page.__watched) return page;
  page.__watched = true;
  page.__errors = [];
  page.on('request', (r) => seen.requests.push({ url: r.url(), page: page.url() }));
  page.on('console', (m) => { if (m.type() === 'error') { const e = `${page.url()}: ${m.text()}`; page.__errors.push(e); seen.consoleErrors.push(e); } });
  page.on('pageerror', (e) => { const s = `${page.url()}: page error: ${e.message}`; page.__errors.push(s); seen.consoleErrors.push(s); });
  return page;
}

export async function login(page, base, user, password) {
  await page.goto(base + '/');                       // / redirects a browser to the UI
  await page.locator('.login-page, nav.sidebar').first().waitFor();
  if (await page.locator('nav.sidebar').count()) return;
  await page.fill('input[autocomplete="username"]', user);
  await page.fill('input[autocomplete="current-password"]', password);
  await page.click('.login-page button[type="submit"]');
  await page.locator('nav.sidebar').waitFor();
}

/** Waits until a page has its data (no loading state left). */
export async function settle(page) {
  await page.locator('#page-title, .login-page').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('.state.loading'), null, { timeout: 10000 });
}

export async function go(page, base, hash) {
  await page.goto(base + '/ui/' + hash);
  await settle(page);
}

// --- direct API calls (Node fetch) -------------------------------------------------------

export async function apiSession(user, password, base = BASE) {
  const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password }) });
  if (r.status !== 200) throw new Error(`login ${user}: ${r.status}`);
  const body = await r.json();
  const cookie = (r.headers.getSetCookie ? r.headers.getSetCookie() : [r.headers.get('set-cookie')]).map((c) => c.split(';')[0]).join('; ');
  return async (method, path, data) => {
    // Origin: the service refuses a cross-origin change (403) before any role check.
    const headers = { Cookie: cookie, 'X-CSRF-Token': body.csrf_token || '', Origin: new URL(base).origin };
    if (data !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: data === undefined ? undefined : JSON.stringify(data) });
    const text = await res.text();
    let json = null; try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, json, text };
  };
}

export async function endpoint(path, data, base = BASE) {
  const r = await fetch(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) });
  const text = await r.text();
  let json = null; try { json = JSON.parse(text); } catch { /* not JSON */ }
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${text}`);
  return json;
}

/** The message shown for a catalogue key whose translation is missing: the key itself. */
export function missingKeyPattern() {
  const prefixes = [...new Set(Object.keys(en).map((k) => k.split('.')[0]))];
  return new RegExp(`(?<![\\w/.-])(?:${prefixes.join('|')})\\.[a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)*(?![\\w/-])`, 'g');
}

export const MAIN_PAGES = [
  ['dashboard', '#/'], ['deployments', '#/deployments'], ['deployment', 'DEPLOYMENT'], ['pending', '#/pending'],
  ['computers', '#/computers'], ['types', '#/types'], ['apps', '#/apps'], ['drivers', '#/drivers'],
  ['bundles', '#/bundles'], ['locales', '#/locales'],
  ['preview', `#/preview?serial=SDK86P3&model=${encodeURIComponent(MODEL)}&os=${encodeURIComponent(OS)}`],
  ['files', '#/files'], ['files-provision', '#/files/Provision'], ['settings', '#/settings'], ['networks', '#/networks'], ['tls', '#/tls'],
  ['users', '#/users'], ['keys', '#/keys'], ['audit', '#/audit'], ['account', '#/account'], ['docs', '#/docs'],
];

/** PVD_UI_DIST=DIR (output of `node web/build.mjs --out DIR`): the browser gets the UI files
 *  from DIR instead of the binary's embedded copy, to check a web/src change before the
 *  binary is rebuilt. The API still comes from the server. */
async function serveDist(ctx, dir) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };
  await ctx.route((u) => /^(\/provision)?\/ui(\/|$)/.test(u.pathname), async (route) => {
    const u = new URL(route.request().url());
    const m = u.pathname.match(/^(\/provision)?\/ui\/?(.*)$/);
    const rel = m[2] || 'index.html';
    let file = join(dir, rel);
    // After the / -> /ui/ redirect the browser gets the server's index.html (a redirected
    // request is not routed): map its hashed names (app-OLDHASH.js) to DIR's (app-NEWHASH.js).
    if (!existsSync(file)) {
      const stem = rel.replace(/-[A-Z0-9]{8}(\.\w+)$/, '-');
      const alt = readdirSync(dir).find((f) => stem !== rel && f.startsWith(stem) && extname(f) === extname(rel));
      if (alt) file = join(dir, alt);
    }
    if (rel.includes('..') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    let body = readFileSync(file);
    if (rel === 'index.html') body = body.toString().replace(/(<meta name="provisiond-base" content=")[^"]*"/, `$1${m[1] || ''}"`);
    return route.fulfill({ status: 200, body, headers: { 'Content-Type': types[extname(rel)] || 'application/octet-stream' } });
  });
}
