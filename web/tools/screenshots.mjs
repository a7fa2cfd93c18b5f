#!/usr/bin/env node
// Signs in through the login page with Debian's chromium (playwright-core, no browser
// download) and saves a 1280x800 PNG of each main page in English and French:
//   node tools/screenshots.mjs --url http://127.0.0.1:18500/ --user admin --password '...' --out DIR
//     [--only computers,types] [--axe] [--dark]
// --axe runs axe-core on every page and prints the violations. Console errors (CSP
// violations included) are printed too; the exit code is 1 when there were any.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
function arg(name, def) { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : def; }
const has = (name) => process.argv.includes(name);
const base = (arg('--url', 'http://127.0.0.1:18500/')).replace(/\/?$/, '/');
const user = arg('--user', 'admin');
const password = arg('--password', process.env.PROVISIOND_UI_PASSWORD || '');
const out = arg('--out', 'screenshots');
const only = arg('--only', '') ? arg('--only', '').split(',') : null;
const langs = (arg('--langs', 'en,fr')).split(',');
const exe = arg('--chromium', '/usr/bin/chromium');
if (!existsSync(exe)) { console.error(`screenshots: ${exe} is missing (apt-get install -y chromium)`); process.exit(2); }
mkdirSync(out, { recursive: true });

export const PAGES = [
  { name: 'dashboard', hash: '#/' },
  { name: 'dashboard-full', hash: '#/', full: true },
  { name: 'deployments', hash: '#/deployments' },
  { name: 'deployment', hash: 'first-deployment', full: true },
  { name: 'pending', hash: '#/pending' },
  { name: 'computers', hash: '#/computers' },
  { name: 'computer-edit', hash: '#/computers', click: 'table tbody tr:first-child button[aria-expanded]' },
  { name: 'computers-import', hash: '#/computers', click: '.page-actions button[aria-expanded]' },
  { name: 'types', hash: 'first-type' },
  { name: 'apps', hash: '#/apps' },
  { name: 'app-edit', hash: '#/apps', click: 'table tbody tr:first-child button[aria-expanded]' },
  { name: 'drivers', hash: '#/drivers' },
  { name: 'bundles', hash: '#/bundles' },
  { name: 'locales', hash: '#/locales' },
  { name: 'preview', hash: '#/preview?serial=SDK86P3&model=Latitude%205420&os=Microsoft%20Windows%2011%20Enterprise' },
  { name: 'files', hash: '#/files/Apps' },
  { name: 'settings', hash: '#/settings' },
  { name: 'networks', hash: '#/networks' },
  { name: 'tls', hash: '#/tls' },
  { name: 'users', hash: '#/users' },
  { name: 'keys', hash: '#/keys' },
  { name: 'audit', hash: '#/audit' },
  { name: 'account', hash: '#/account' },
  { name: 'docs', hash: '#/docs' },
];

async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: 8000 }).catch(() => {});
  await page.waitForFunction(() => !document.querySelector('.state.loading'), null, { timeout: 8000 }).catch(() => {});
  await page.waitForTimeout(350);
}

const browser = await chromium.launch({
  executablePath: exe,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let problems = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: has('--dark') ? 'dark' : 'light', locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('requestfailed', (r) => { if (!/events/.test(r.url())) errors.push(`request failed: ${r.url()}`); });
  page.on('request', (r) => { const u = new URL(r.url()); if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && u.protocol.startsWith('http')) errors.push(`external request: ${r.url()}`); });
  const axeSource = has('--axe') ? readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') : null;

  for (const lang of langs) {
    await context.clearCookies();
    await page.goto(base);
    await page.evaluate((l) => { localStorage.setItem('provisiond.lang', l); }, lang);
    await page.goto(base + '#/');
    await page.reload();
    await settle(page);
    if (await page.locator('.login-page').count()) {
      if (!only || only.includes('login')) await page.screenshot({ path: join(out, `login-${lang}.png`) });
      await page.fill('input[autocomplete="username"]', user);
      await page.fill('input[autocomplete="current-password"]', password);
      await page.click('button[type="submit"]');
      await page.waitForSelector('nav.sidebar', { timeout: 10000 });
    }
    for (const p of PAGES) {
      if (only && !only.includes(p.name)) continue;
      errors.length = 0;
      let hash = p.hash;
      if (hash === 'first-deployment' || hash === 'first-type') {
        await page.goto(base + (hash === 'first-deployment' ? '#/deployments' : '#/types'));
        await settle(page);
        const href = await page.locator(hash === 'first-deployment' ? 'table tbody a[href^="#/deployments/"]' : '.pick-list a').first().getAttribute('href').catch(() => null);
        hash = href || (hash === 'first-deployment' ? '#/deployments' : '#/types');
      }
      await page.goto(base + hash);
      await settle(page);
      if (p.click) { await page.click(p.click).catch(() => {}); await settle(page); }
      if (p.name === 'docs') await page.waitForTimeout(1500);
      await page.screenshot({ path: join(out, `${p.name}-${lang}.png`), fullPage: !!p.full });
      if (axeSource && lang === langs[0]) {
        await page.evaluate(axeSource + ';0');
        const res = await page.evaluate(async () => {
          // @ts-ignore
          const r = await window.axe.run(document, { resultTypes: ['violations'], rules: { 'color-contrast': { enabled: true } }, exclude: [['rapi-doc']] });
          return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        });
        for (const v of res) { problems++; console.log(`axe ${p.name}: [${v.impact}] ${v.id}: ${v.help} -> ${v.nodes.join(' | ')}`); }
      }
      for (const e of errors) { if (/status of 404/.test(e)) continue; problems++; console.log(`console ${p.name}-${lang}: ${e}`); }
      console.log(`saved ${p.name}-${lang}.png`);
    }
  }
} finally {
  await browser.close();
}
process.exit(problems ? 1 : 0);
