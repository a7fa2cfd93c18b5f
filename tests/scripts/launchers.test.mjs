// Generated launchers: the right $WsBase, bundle key and root fingerprint, and byte-stable.
//  - the template (scripts/launchers/launcher.ps1, always checked): every token is there,
//    each of {{WsBase}}, {{BundleKey}}, {{RootSha256}}, {{Hook}}, {{Version}} is the whole
//    single-quoted value of one variable assignment, and filled with values (also values with
//    a ' in them, doubled as PowerShell wants) the assignments carry exactly those values.
//  - with PROVISIOND_BIN set and `$PROVISIOND_BIN launchers --help` naming --out, --ws-base,
//    --bundle-key and --root-sha256: runs it twice into directories and twice into .zip
//    files; Customer-PE-Pre.ps1, Customer-PE.ps1, Customer-Pre.ps1 and Customer.ps1 are
//    the same bytes every time (zips too, and the zip holds the same files), parse clean,
//    pass the launcher lint, and carry the given $WsBase, key and fingerprint (and $Hook =
//    the file's name). Skipped, with the reason, otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SCRIPTS, fillTemplate, fromSource } from './lib/files.mjs';
import { findAll, unwrap, variableName, stringValue, parseProblems, pos, enclosingFunction } from './lib/ps.mjs';
import { lint } from './lib/lint.mjs';
import { readZip } from './lib/zip.mjs';
import { formatFinding } from './lib/report.mjs';

const TEMPLATE = path.join(SCRIPTS, 'launchers', 'launcher.ps1');
const HOOKS = ['Customer-PE-Pre', 'Customer-PE', 'Customer-Pre', 'Customer'];
const TOKENS = ['Hook', 'WsBase', 'BundleKey', 'RootSha256', 'Version'];

/** Script-level and script-block assignments of single strings: [{name, value, raw, line}] (name lower-case). */
function stringAssignments(rec) {
  const out = [];
  for (const a of findAll(rec.tree.rootNode, 'assignment_expression')) {
    const left = unwrap(a.namedChildren[0]);
    const op = a.namedChildren.find((c) => c.type === 'assignement_operator');
    const right = a.childForFieldName('value') ?? a.namedChildren[a.namedChildren.length - 1];
    if (!left || left.type !== 'variable' || op?.text !== '=') continue;
    if (enclosingFunction(a)) continue; // the launcher's settings, not a function's locals
    const sv = stringValue(right);
    if (sv && !sv.parts.length) out.push({ name: variableName(left), value: sv.text, raw: unwrap(right).text, line: pos(a).line });
  }
  return out;
}

/** Which variable each token is the value of, in the template: {WsBase: 'wsbase', ...}. */
function tokenVariables(src) {
  const rec = fromSource('launcher.ps1', src.replace(/\{\{(\w+)\}\}/g, '__TOKEN_$1__'), 'launcher');
  const map = {};
  for (const a of stringAssignments(rec)) {
    const m = /^__TOKEN_(\w+)__$/.exec(a.value);
    if (m) (map[m[1]] ??= []).push(a.name);
  }
  return map;
}

const templateSrc = fs.existsSync(TEMPLATE) ? fs.readFileSync(TEMPLATE, 'utf8') : null;

test('the launcher template has each token as the whole value of one variable', { skip: !templateSrc && 'no scripts/launchers/launcher.ps1' }, () => {
  const vars = tokenVariables(templateSrc);
  for (const t of TOKENS) {
    assert.ok(templateSrc.includes(`{{${t}}}`), `no {{${t}}} in the template`);
    assert.equal((vars[t] ?? []).length, 1, `{{${t}}} should be the whole single-quoted value of exactly one assignment, is of: [${(vars[t] ?? []).join(', ')}]`);
  }
  assert.equal(vars.WsBase[0], 'wsbase', 'the base URL variable is $WsBase');
});

test('the template, filled, carries the values (also values with a quote, doubled)', { skip: !templateSrc && 'no scripts/launchers/launcher.ps1' }, () => {
  const vars = tokenVariables(templateSrc);
  for (const values of [
    { Hook: 'Customer-PE', WsBase: 'https://prov.example:12176', BundleKey: 'K', RootSha256: 'ab'.repeat(32), Version: '1.2.3' },
    { Hook: 'Customer', WsBase: "https://o'brien.example", BundleKey: "it's", RootSha256: 'cd'.repeat(32), Version: "1'" },
  ]) {
    const escaped = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.replace(/'/g, "''")]));
    const { src, unknown } = fillTemplate(templateSrc, escaped);
    assert.deepEqual(unknown, []);
    assert.equal(fillTemplate(templateSrc, escaped).src, src, 'filling is not stable');
    const rec = fromSource('launcher.ps1', src, 'launcher');
    assert.deepEqual(parseProblems(rec.tree, rec.src), []);
    const got = Object.fromEntries(stringAssignments(rec).map((a) => [a.name, a.value]));
    for (const t of TOKENS) assert.equal(got[vars[t][0]], values[t], `$${vars[t][0]} after filling {{${t}}}`);
  }
});

// --- the generator (PROVISIOND_BIN) ------------------------------------------------------
const BIN = process.env.PROVISIOND_BIN;
const WS_BASE = 'https://prov.example:12176';
const KEY = 'K';
const ROOT = '0f'.repeat(32);

function generatorSkip() {
  if (!BIN) return 'PROVISIOND_BIN is not set (e.g. PROVISIOND_BIN=build/provisiond npm test)';
  if (!fs.existsSync(BIN)) return `PROVISIOND_BIN=${BIN} does not exist`;
  const help = spawnSync(BIN, ['launchers', '--help'], { encoding: 'utf8' });
  const text = `${help.stdout}${help.stderr}`;
  if (help.status !== 0) return `\`${BIN} launchers --help\` exits ${help.status}: ${text.trim().split('\n')[0] ?? ''}`;
  const missing = ['--out', '--ws-base', '--bundle-key', '--root-sha256'].filter((f) => !text.includes(f));
  if (missing.length) return `\`launchers --help\` names no ${missing.join(', ')} (this test needs updating to its flags): ${text.trim().slice(0, 300)}`;
  return false;
}
const skipGen = generatorSkip();

function generate(out) {
  const r = spawnSync(BIN, ['launchers', '--out', out, '--ws-base', WS_BASE, '--bundle-key', KEY, '--root-sha256', ROOT], { encoding: 'utf8' });
  assert.equal(r.status, 0, `provisiond launchers --out ${out}: exit ${r.status}\n${r.stdout}${r.stderr}`);
}

test('provisiond launchers: four launchers, byte-stable, parse clean, lint clean, right values', { skip: skipGen }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'launchers-'));
  try {
    const runs = [];
    for (const d of ['a', 'b']) {
      generate(path.join(tmp, d));
      runs.push(Object.fromEntries(HOOKS.map((h) => {
        const f = path.join(tmp, d, `${h}.ps1`);
        assert.ok(fs.existsSync(f), `no ${h}.ps1 in --out ${d} (has: ${fs.readdirSync(path.join(tmp, d)).join(', ')})`);
        return [h, fs.readFileSync(f)];
      })));
    }
    const zips = [];
    for (const z of ['a.zip', 'b.zip']) { generate(path.join(tmp, z)); zips.push(fs.readFileSync(path.join(tmp, z))); }
    assert.ok(zips[0].equals(zips[1]), 'the two zips differ (timestamps?)');
    const inZip = readZip(zips[0]);
    const vars = templateSrc ? tokenVariables(templateSrc) : { WsBase: ['wsbase'], BundleKey: ['bundlekey'], RootSha256: ['rootsha256'], Hook: ['hook'] };
    const problems = [];
    for (const h of HOOKS) {
      assert.ok(runs[0][h].equals(runs[1][h]), `${h}.ps1 differs between two runs`);
      const entry = [...inZip.keys()].find((k) => k.split('/').pop() === `${h}.ps1`);
      assert.ok(entry, `no ${h}.ps1 in the zip (has: ${[...inZip.keys()].join(', ')})`);
      assert.ok(inZip.get(entry).equals(runs[0][h]), `${h}.ps1 in the zip is not the one of --out dir`);
      const rec = fromSource(`${h}.ps1 (generated)`, runs[0][h].toString('utf8'), 'launcher');
      assert.doesNotMatch(rec.raw, /\{\{\w+\}\}/, `${h}.ps1 keeps a template token`);
      for (const p of parseProblems(rec.tree, rec.src)) problems.push({ file: rec.file, line: p.line, col: p.col, rule: 'parse', text: `${p.kind}: ${p.text}` });
      problems.push(...lint(rec));
      const got = Object.fromEntries(stringAssignments(rec).map((a) => [a.name, a.value]));
      assert.equal(got[vars.WsBase[0]], WS_BASE, `${h}.ps1: $${vars.WsBase[0]}`);
      assert.equal(got[vars.BundleKey[0]], KEY, `${h}.ps1: $${vars.BundleKey[0]}`);
      assert.equal(got[vars.RootSha256[0]]?.toLowerCase(), ROOT, `${h}.ps1: $${vars.RootSha256[0]}`);
      assert.ok([h, `${h}.ps1`].includes(got[vars.Hook[0]]), `${h}.ps1: $${vars.Hook[0]} is ${got[vars.Hook[0]]}`);
    }
    assert.equal(problems.length, 0, `findings in the generated launchers:\n${problems.map(formatFinding).join('\n')}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('negative: the value checks see a wrong $WsBase and a template token left in', () => {
  const rec = fromSource('l.ps1', "$WsBase = 'https://other:1'\n$BundleKey = 'K'\n", 'launcher');
  const got = Object.fromEntries(stringAssignments(rec).map((a) => [a.name, a.value]));
  assert.notEqual(got.wsbase, WS_BASE);
  assert.equal(got.bundlekey, KEY);
  assert.deepEqual(tokenVariables("& {\n  $WsBase = '{{WsBase}}'\n  $x = \"{{WsBase}}/x\"\n}\n"), { WsBase: ['wsbase'] }, 'only whole single values count');
});

test('negative: the zip reader reads what it should and refuses what is no zip', () => {
  const z = readZip(fs.readFileSync(path.join(import.meta.dirname, 'fixtures', 'two.zip')));
  assert.deepEqual([...z.keys()], ['a.txt', 'dir/b.ps1']);
  assert.equal(z.get('a.txt').toString(), 'hello '.repeat(20));
  assert.equal(z.get('dir/b.ps1').toString(), "Write-Output 'b'\n");
  assert.throws(() => readZip(Buffer.from('not a zip at all, just some text that is long enough')), /not a zip/);
});
