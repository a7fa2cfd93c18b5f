// Browser tests of the admin UI (run by tests/browser/run.sh, one chromium for all tests;
// node:test runs the tests of this file one after the other, in this order).
import { createHash } from 'node:crypto';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  launch, newContext, watch, login, settle, go, apiSession, endpoint, missingKeyPattern, seen,
  BASE, PREFIX_BASE, SHOTS, ADMIN_PW, VIEWER_PW, MODEL, OS, MAIN_PAGES, axePath, en, fr,
} from './lib.mjs';

let browser, adminCtx, admin;   // admin: a signed-in page in English
let api;                          // admin API from Node
let deploymentId = null;          // the live test's deployment, for the screenshots

before(async () => {
  browser = await launch();
  adminCtx = await newContext(browser);
  admin = watch(await adminCtx.newPage());
  api = await apiSession('admin', ADMIN_PW);
});
after(async () => { await browser?.close(); });

const until = async (fn, what, ms = 8000) => {
  const end = Date.now() + ms;
  for (;;) { const v = await fn(); if (v) return v; if (Date.now() > end) assert.fail('timed out: ' + what); await new Promise((r) => setTimeout(r, 100)); }
};
const form = (page, name) => page.locator(`form.record-form[aria-label="${name}"]`);

test('1 admin signs in and creates a type, an application and a computer through the forms', async () => {
  await login(admin, BASE, 'admin', ADMIN_PW);
  assert.match(new URL(admin.url()).pathname, /^\/ui\//, '/ redirects the browser to /ui/');
  await assert.doesNotReject(admin.locator('.topbar .user-name', { hasText: 'admin' }).waitFor());

  // Application: Add → New row form.
  await go(admin, BASE, '#/apps');
  await admin.getByRole('button', { name: en['crud.new'], exact: true }).click();
  const af = form(admin, en['crud.new_title']);
  await af.getByLabel(new RegExp('^' + en['app.name'])).fill('BT-App');
  await af.getByLabel(en['app.script'], { exact: true }).fill('install.cmd');
  // The source check: a content-hub file is found on disk with its SHA-256 (run.sh wrote it).
  await af.getByLabel(en['app.url']).fill('[baseurl]/file/Apps/bt.msi');
  await af.getByRole('button', { name: en['source.check'] }).click();
  await af.locator('.check-ok', { hasText: en['source.ok'] }).waitFor();
  const hex = createHash('sha256').update('bt-installer-bytes\n').digest('hex');
  await assert.doesNotReject(af.locator('.check-ok .mono', { hasText: hex }).waitFor({ timeout: 2000 }));
  await admin.screenshot({ path: join(SHOTS, 'source-check-en.png') });
  await af.getByRole('button', { name: en['form.create'] }).click();
  await af.waitFor({ state: 'detached' });
  await admin.locator('table tbody th', { hasText: 'BT-App' }).waitFor();

  // Type: the "New type" form of the Types page.
  await go(admin, BASE, '#/types');
  await admin.getByLabel(en['type.new_name']).fill('BT-TYPE');
  // A type needs at least one application (the server refuses an empty one).
  await admin.getByLabel(en['type.first_app']).selectOption('BT-App');
  await admin.locator('form.inline-form button[type="submit"]').click();
  await admin.locator('.pick-list a', { hasText: 'BT-TYPE' }).waitFor();

  // Computer, with the new type chosen in the select.
  await go(admin, BASE, '#/computers');
  await admin.getByRole('button', { name: en['crud.new'], exact: true }).click();
  const cf = form(admin, en['crud.new_title']);
  await cf.getByLabel(en['computer.serial']).fill('BTSER001');
  await cf.getByLabel(en['computer.name']).fill('BT-PC-001');
  await cf.getByLabel(en['computer.type'], { exact: true }).selectOption('BT-TYPE');
  await cf.getByLabel(en['computer.country'], { exact: true }).fill('FR');
  await cf.getByRole('button', { name: en['form.create'] }).click();
  await cf.waitFor({ state: 'detached' });

  const ty = await api('GET', '/api/v1/admin/types/BT-TYPE');
  assert.equal(ty.status, 200, 'type created');
  assert.deepEqual(ty.json.applications, ['BT-App']);
  const app = await api('GET', '/api/v1/admin/apps/BT-App');
  assert.equal(app.status, 200, 'application created');
  assert.equal(app.json.script, 'install.cmd');
  const pc = await api('GET', '/api/v1/admin/computers/BTSER001');
  assert.equal(pc.status, 200, 'computer created');
  assert.equal(pc.json.computer_name, 'BT-PC-001');
  assert.equal(pc.json.type, 'BT-TYPE');
  assert.equal(pc.json.country, 'FR');
});

test('2 edit conflict: B saving after A sees A\'s values and keeps what B typed', async () => {
  const ctxB = await newContext(browser);
  try {
    const A = admin;
    const B = watch(await ctxB.newPage());
    await login(B, BASE, 'admin', ADMIN_PW);
    for (const p of [A, B]) {
      await go(p, BASE, '#/computers?q=SDK86P3');
      await p.locator('table tbody tr', { hasText: 'SDK86P3' }).getByRole('button', { name: /^Edit/ }).click();
      await form(p, en['crud.edit_title'].replace('{name}', 'SDK86P3')).waitFor();
    }
    const fa = form(A, en['crud.edit_title'].replace('{name}', 'SDK86P3'));
    const fb = form(B, en['crud.edit_title'].replace('{name}', 'SDK86P3'));
    await fa.getByLabel(en['computer.name']).fill('FR-LIL-A-0001');
    await fa.getByRole('button', { name: en['form.save'], exact: true }).click();
    await fa.waitFor({ state: 'detached' });
    assert.equal((await api('GET', '/api/v1/admin/computers/SDK86P3')).json.computer_name, 'FR-LIL-A-0001');

    await fb.getByLabel(en['computer.name']).fill('FR-LIL-B-0002');
    await fb.getByLabel(en['computer.timezone']).fill('GMT Standard Time');
    await fb.getByRole('button', { name: en['form.save'], exact: true }).click();
    const conflict = fb.locator('.conflict');
    await conflict.waitFor();
    assert.ok((await conflict.innerText()).includes(en['conflict.title']), 'conflict message');
    const nameRow = conflict.locator('tr', { has: B.locator('th', { hasText: new RegExp('^' + en['computer.name'] + '$') }) });
    const cells = await nameRow.locator('td').allInnerTexts();
    assert.equal(cells[0].trim(), 'FR-LIL-A-0001', 'the current (A\'s) value shown as theirs');
    assert.match(cells[1], /FR-LIL-B-0002/, 'B\'s value shown as mine');
    assert.equal(await fb.getByLabel(en['computer.name']).inputValue(), 'FR-LIL-B-0002', 'B\'s typing kept');
    assert.equal(await fb.getByLabel(en['computer.timezone']).inputValue(), 'GMT Standard Time', 'B\'s typing kept');
    const now = (await api('GET', '/api/v1/admin/computers/SDK86P3')).json;
    assert.equal(now.computer_name, 'FR-LIL-A-0001', 'B did not overwrite A');
  } finally { await ctxB.close(); }
});

test('3 CSV import with errors shows file/line/column of each error and applies nothing', async () => {
  const exp = await api('GET', '/api/v1/admin/export/computers.csv');
  assert.equal(exp.status, 200);
  const header = exp.text.split(/\r?\n/)[0];
  const cols = header.split(',');
  const row = (v) => cols.map((c) => v[c] ?? '').join(',');
  const nameCol = cols.find((c) => /computer_?name/.test(c));
  const typeCol = cols.find((c) => /^(postype|type)$/.test(c));
  assert.ok(nameCol && typeCol, 'export header has name and type: ' + header);
  const csv = [header,
    row({ serial: 'BTIMPOK1', [nameCol]: 'BT-IMP-OK1', [typeCol]: 'BUREAUTIQUE', country: 'FR', version: '' }),
    row({ serial: 'BTIMPBAD1', [nameCol]: 'BAD NAME', [typeCol]: 'BUREAUTIQUE', country: 'FR', version: '' }),
    row({ serial: 'BTIMPBAD2', [nameCol]: 'BT-IMP-BAD2', [typeCol]: 'NO-SUCH-TYPE', country: 'FR', version: '' }),
  ].join('\n') + '\n';

  await go(admin, BASE, '#/computers');
  await admin.getByRole('button', { name: en['crud.import'] }).click();
  await admin.locator('.import-panel input[type="file"]').setInputFiles({ name: 'bt-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await admin.getByRole('button', { name: en['import.check'] }).click();
  const errs = admin.locator('.import-panel ul.import-errors > li');
  await errs.first().waitFor();
  const texts = await errs.allInnerTexts();
  assert.ok(texts.length >= 2, 'one entry per error: ' + JSON.stringify(texts));
  assert.ok(texts.some((x) => /bt-bad\.csv:3:\d+/.test(x)), 'line 3 (name with a space) with its column: ' + JSON.stringify(texts));
  assert.ok(texts.some((x) => /bt-bad\.csv:4:\d+/.test(x)), 'line 4 (unknown type) with its column: ' + JSON.stringify(texts));
  assert.ok((await admin.locator('.import-panel').innerText()).includes(en['import.nothing_applied']));
  assert.equal(await admin.getByRole('button', { name: en['import.apply'] }).count(), 0, 'no Apply button with errors');
  for (const s of ['BTIMPOK1', 'BTIMPBAD1', 'BTIMPBAD2']) assert.equal((await api('GET', '/api/v1/admin/computers/' + s)).status, 404, s + ' not created');
});

test('4 a simulated endpoint updates the dashboard progress bar and the deployment timeline live', async () => {
  await go(admin, BASE, '#/');
  const bar = admin.getByRole('progressbar', { name: /GB-MAN-LT-0001/ });
  assert.equal(await bar.count(), 0);
  const dep = await endpoint('/api/v1/endpoint/deployments', { serial: 'PFRAMTG7', model: MODEL, os_name: OS });
  assert.ok(dep.id, 'deployment id');
  deploymentId = dep.id;
  const ev = (n, percent, message) => endpoint(`/api/v1/endpoint/deployments/${encodeURIComponent(dep.id)}/events`,
    { event_id: `bt-${n}`, phase: 'apps', step: n, step_count: 10, percent, message });
  await ev(1, 20, 'BT step one');
  await bar.waitFor();                           // the new deployment appears without reload
  await until(async () => (await bar.getAttribute('aria-valuenow')) === '20', 'bar at 20');
  const before = await bar.locator('.progress-bar').evaluate((e) => e.style.width);
  assert.equal(before, '20%');
  await ev(2, 65, 'BT step two');
  await until(async () => (await bar.getAttribute('aria-valuenow')) === '65', 'bar at 65');
  assert.equal(await bar.locator('.progress-bar').evaluate((e) => e.style.width), '65%');
  assert.match(await bar.locator('.progress-text').innerText(), /65\s?%/);

  const marker = await admin.evaluate(() => (window.__btMarker = Math.random()));
  await admin.goto(BASE + '/ui/#/deployments/' + encodeURIComponent(dep.id)); await settle(admin);
  const timeline = admin.locator('.timeline');
  await timeline.getByText('BT step two').waitFor();
  assert.equal(await timeline.getByText('BT step three').count(), 0);
  const marker2 = await admin.evaluate(() => window.__btMarker);
  await ev(3, 80, 'BT step three');
  await timeline.getByText('BT step three').waitFor();
  assert.equal(await admin.evaluate(() => window.__btMarker), marker2, 'no reload');
  assert.equal(marker, marker2, 'hash navigation only');
});

test('5 a pending device confirmed in the UI gets its name in the next plan', async () => {
  const plan0 = await endpoint('/api/v1/endpoint/plan', { serial: 'BTPEND01', model: MODEL, os_name: OS });
  assert.equal(plan0.needs_confirmation, true, 'unknown serial needs confirmation');
  await go(admin, BASE, '#/pending');
  await admin.locator('table tbody tr', { hasText: 'BTPEND01' }).getByRole('button', { name: /^Confirm/ }).click();
  const f = form(admin, en['pending.confirm_title'].replace('{serial}', 'BTPEND01'));
  await f.getByLabel(en['computer.name']).fill('BT-PEND-01');
  await f.getByLabel(en['computer.type']).selectOption('BUREAUTIQUE');
  const country = f.getByLabel(en['computer.country']);
  if (await country.evaluate((e) => e.tagName) === 'SELECT') await country.selectOption('FR'); else await country.fill('FR');
  await f.getByRole('button', { name: en['pending.confirm_submit'] }).click();
  await f.waitFor({ state: 'detached' });
  const plan = await endpoint('/api/v1/endpoint/plan', { serial: 'BTPEND01', model: MODEL, os_name: OS });
  assert.equal(plan.needs_confirmation, false);
  assert.equal(plan.computer_name, 'BT-PEND-01');
  assert.equal(plan.type.value, 'BUREAUTIQUE');
  assert.equal(plan.country.value, 'FR');
});

test('6 under nginx at /provision/: sign in, live dashboard and pending confirm, every request under /provision', async (t) => {
  if (!PREFIX_BASE) { t.skip('no nginx'); return; }
  const ctx = await newContext(browser);
  const urls = [];
  try {
    const p = watch(await ctx.newPage());
    p.on('request', (r) => urls.push(r.url()));
    await login(p, PREFIX_BASE, 'admin', ADMIN_PW);
    assert.match(new URL(p.url()).pathname, /^\/provision\/ui\//);
    await go(p, PREFIX_BASE, '#/');
    const dep = await endpoint('/api/v1/endpoint/deployments', { serial: 'SDK86P3', model: MODEL, os_name: OS }, PREFIX_BASE);
    await endpoint(`/api/v1/endpoint/deployments/${encodeURIComponent(dep.id)}/events`, { event_id: 'px-1', phase: 'apps', step: 1, step_count: 4, percent: 40, message: 'px' }, PREFIX_BASE);
    const bar = p.getByRole('progressbar', { name: /FR-LIL-A-0001/ });
    await until(async () => (await bar.count()) && (await bar.getAttribute('aria-valuenow')) === '40', 'live bar through nginx');

    await endpoint('/api/v1/endpoint/plan', { serial: 'BTPEND02', model: MODEL, os_name: OS });
    await go(p, PREFIX_BASE, '#/pending');
    await p.locator('table tbody tr', { hasText: 'BTPEND02' }).getByRole('button', { name: /^Confirm/ }).click();
    const f = form(p, en['pending.confirm_title'].replace('{serial}', 'BTPEND02'));
    await f.getByLabel(en['computer.name']).fill('BT-PEND-02');
    await f.getByLabel(en['computer.type']).selectOption('BUREAUTIQUE');
    const country = f.getByLabel(en['computer.country']);
    if (await country.evaluate((e) => e.tagName) === 'SELECT') await country.selectOption('FR'); else await country.fill('FR');
    await f.getByRole('button', { name: en['pending.confirm_submit'] }).click();
    await f.waitFor({ state: 'detached' });
    assert.equal((await endpoint('/api/v1/endpoint/plan', { serial: 'BTPEND02', model: MODEL, os_name: OS })).computer_name, 'BT-PEND-02');
  } finally { await ctx.close(); }
  const origin = new URL(PREFIX_BASE).origin;
  const outside = urls.filter((u) => !(u.startsWith(origin + '/provision/') || u.startsWith('data:') || u.startsWith('blob:')));
  assert.deepEqual(outside, [], 'requests outside /provision');
  assert.ok(urls.some((u) => u.includes('/provision/api/v1/admin/events')), 'the event stream goes through the prefix');
  assert.ok(urls.some((u) => /\/provision\/ui\/app-[^/]+\.js/.test(u)), 'assets under the prefix');
});

async function resolvePage(page, hash) {
  if (hash !== 'DEPLOYMENT') return hash;
  return '#/deployments/' + encodeURIComponent(deploymentId || (await api('GET', '/api/v1/admin/deployments?limit=1')).json.items[0].id);
}

test('10 axe-core: no serious or critical violation on the main pages (English screenshots)', async () => {
  const axe = readFileSync(axePath, 'utf8');
  const bad = [];
  await admin.evaluate(() => localStorage.setItem('provisiond.lang', 'en'));
  for (const [name, h] of MAIN_PAGES) {
    const hash = await resolvePage(admin, h);
    await admin.goto(BASE + '/ui/' + hash); await settle(admin);
    if (name === 'docs') await admin.locator('rapi-doc, .alert').first().waitFor({ timeout: 15000 }).catch(() => {});
    await admin.screenshot({ path: join(SHOTS, `${name}-en.png`) });
    await admin.evaluate(axe + ';0');
    const v = await admin.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'], exclude: [['rapi-doc']] }))
      .violations.map((x) => ({ id: x.id, impact: x.impact, nodes: x.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
    for (const x of v) if (x.impact === 'serious' || x.impact === 'critical') bad.push(`${name}: [${x.impact}] ${x.id} ${x.nodes.join(' | ')}`);
  }
  assert.deepEqual(bad, []);
});

test('7 French UI: every page translated (no catalogue key shown) and no console error', async () => {
  await go(admin, BASE, '#/');
  await admin.locator('.lang-switch button[lang="fr"]').click();
  await until(async () => (await admin.evaluate(() => document.documentElement.lang)) === 'fr', 'lang=fr');
  assert.equal(await admin.locator('#page-title').innerText(), fr['nav.dashboard']);
  const pattern = missingKeyPattern();
  const problems = [];
  for (const [name, h] of MAIN_PAGES) {
    const hash = await resolvePage(admin, h);
    admin.__errors.length = 0;
    await admin.goto(BASE + '/ui/' + hash); await settle(admin);
    if (name === 'docs') await admin.locator('rapi-doc, .alert').first().waitFor({ timeout: 15000 }).catch(() => {});
    await admin.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {});
    for (const b of await admin.locator('button[aria-expanded="false"]').all()) { // open forms/panels too
      if (await b.isVisible().catch(() => false) && !(await b.evaluate((e) => !!e.closest('tr')))) await b.click().catch(() => {});
    }
    const texts = await admin.evaluate(() => {
      // Text the UI writes; machine data (codes, serials, rule ids like locale.country) is in .mono/code/pre.
      const out = [document.title];
      const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, { acceptNode: (n) => {
        const e = n.parentElement;
        if (!e || e.closest('.mono, code, pre, rapi-doc, script, style, [hidden]')) return NodeFilter.FILTER_REJECT;
        return e.getClientRects().length ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      } });
      for (let n; (n = w.nextNode());) out.push(n.nodeValue);
      for (const e of document.querySelectorAll('[aria-label],[placeholder],[title],[alt]')) {
        if (e.closest('rapi-doc')) continue;
        for (const a of ['aria-label', 'placeholder', 'title', 'alt']) if (e.getAttribute(a)) out.push(e.getAttribute(a));
      }
      return out.join('\n');
    });
    const hits = [...new Set(texts.match(pattern) || [])];
    if (hits.length) problems.push(`${name}: untranslated ${hits.join(', ')}`);
    for (const e of admin.__errors) problems.push(`${name}: console ${e}`);
    await admin.screenshot({ path: join(SHOTS, `${name}-fr.png`) });
  }
  await admin.locator('.lang-switch button[lang="en"]').click();
  assert.deepEqual(problems, []);
});

test('8 a viewer sees no edit control and the API refuses its writes', async () => {
  const ctx = await newContext(browser);
  try {
    const v = watch(await ctx.newPage());
    await login(v, BASE, 'viewer1', VIEWER_PW);
    const editNames = /^(Add|Edit|Delete|Import CSV|Confirm|Dismiss|Create|Save|Upload|New)\b/;
    for (const hash of ['#/computers', '#/apps', '#/drivers', '#/locales']) {
      await go(v, BASE, hash);
      assert.ok(await v.locator('table tbody tr').count() > 0, hash + ' shows rows');
      assert.ok(await v.getByRole('button', { name: /^Details/ }).count() > 0, hash + ' has Details buttons');
      assert.equal(await v.getByRole('button', { name: editNames }).count(), 0, hash + ': no edit control');
      assert.equal(await v.locator('.page-actions a', { hasText: en['crud.export'] }).count(), 1, hash + ': export stays');
      await v.getByRole('button', { name: /^Details/ }).first().click();
      const fs = v.locator('form.record-form');
      await fs.waitFor();
      assert.equal(await fs.locator('input:not([disabled]), select:not([disabled]), textarea:not([disabled])').count(), 0, hash + ': details read only');
      assert.equal(await fs.getByRole('button', { name: editNames }).count(), 0);
    }
    await go(v, BASE, '#/types?type=BUREAUTIQUE');
    assert.equal(await v.getByLabel(en['type.new_name']).count(), 0, 'no new type form');
    assert.equal(await v.getByRole('button', { name: editNames }).count(), 0, 'types: no edit control');
    await endpoint('/api/v1/endpoint/plan', { serial: 'BTPEND03', model: MODEL, os_name: OS });
    await go(v, BASE, '#/pending');
    await v.locator('table tbody th', { hasText: 'BTPEND03' }).waitFor();
    assert.equal(await v.getByRole('button', { name: editNames }).count(), 0, 'pending: no confirm/dismiss');
    assert.equal(await v.locator('nav.sidebar a[href="#/users"]').count(), 0, 'no Users page in the menu');
  } finally { await ctx.close(); }

  const vapi = await apiSession('viewer1', VIEWER_PW);
  const cur = (await vapi('GET', '/api/v1/admin/computers/SDK86P3'));
  assert.equal(cur.status, 200, 'viewer may read');
  const writes = [
    ['PUT', '/api/v1/admin/computers/SDK86P3', { ...cur.json, notes: 'viewer' }],
    ['POST', '/api/v1/admin/computers', { serial: 'BTVIEW1' }],
    ['DELETE', `/api/v1/admin/computers/SDK86P3?version=${cur.json.version}`],
    ['POST', '/api/v1/admin/apps', { name: 'BT-View' }],
    ['POST', '/api/v1/admin/types', { name: 'BT-VIEW', applications: [] }],
    ['POST', '/api/v1/admin/pending/BTPEND03/confirm', { computer_name: 'BT-V', type: 'BUREAUTIQUE', country: 'FR' }],
    ['PUT', '/api/v1/admin/settings/default_bundle_id', { value: 'x' }],
    ['POST', '/api/v1/admin/import', { table: 'computers', csv: 'serial\nX\n', mode: 'merge', dry_run: true }],
  ];
  for (const [m, path, body] of writes) assert.equal((await vapi(m, path, body)).status, 403, `${m} ${path}`);
  assert.equal((await api('GET', '/api/v1/admin/computers/BTVIEW1')).status, 404);
});

test('11 first meaningful paint of the dashboard (measured, not judged)', async () => {
  const p = watch(await adminCtx.newPage());
  await p.addInitScript(() => {
    const check = () => {
      const h = document.querySelector('#page-title');
      const cards = document.querySelector('section.cards');
      if (h && cards && cards.getBoundingClientRect().height > 0 && !window.__paint) {
        requestAnimationFrame(() => { window.__paint = performance.now(); });
        return true;
      }
      return false;
    };
    new MutationObserver((_, o) => { if (check()) o.disconnect(); }).observe(document, { childList: true, subtree: true });
  });
  await p.goto(BASE + '/ui/#/');
  const ms = await p.waitForFunction(() => window.__paint, null, { timeout: 15000 }).then((h) => h.jsonValue());
  const fcp = await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null);
  await p.close();
  assert.ok(Number.isFinite(ms) && ms > 0, 'measured');
  const line = `dashboard first meaningful paint (heading + cards visible, from navigation start): ${ms.toFixed(0)} ms; first-contentful-paint: ${fcp == null ? 'n/a' : fcp.toFixed(0) + ' ms'}\n`;
  process.stdout.write(line);
  writeFileSync(join(SHOTS, 'paint.txt'), line);
});

test('9 no page requested a URL outside the service', async () => {
  const allowed = new Set([new URL(BASE).origin, PREFIX_BASE ? new URL(PREFIX_BASE).origin : null]);
  assert.ok(seen.requests.length > 50, 'requests were recorded: ' + seen.requests.length);
  const outside = seen.requests.filter((r) => !(r.url.startsWith('data:') || r.url.startsWith('blob:') || allowed.has(new URL(r.url).origin)));
  assert.deepEqual(outside, []);
});
