// Contract test: the HTTP calls the scripts make and the response fields they read
// (found in their syntax trees, lib/contract.mjs says how) against scripts/contract.json,
// the one machine-readable contract the scripts' tests and the server's share:
//  unknown-call         a (method, path) of the scripts that is no contract call
//  unknown-field        a field read from a call's result that its `response` does not list
//  dead-contract-entry  a contract call no script makes
//  call-unresolved      an Invoke-ProvisiondRequest whose -Method/-Path is not a literal
//  path-literal         variables in -Path: the path must be the contract's, with -PathValues
//  path-values          -PathValues keys that are not the path's {placeholders}
//  request-field        a -Body/-Query hash-literal key the call's `request` does not list
//  sequence             a call a script makes that none of its sequences lists; a sequence of no script
//  contract-shape       no calls array, duplicate ids, a sequence naming no call id
//  no-route             (PROVISIOND_BIN set) a contract call `provisiond routes` does not have
// Field rule: a read is covered when it is a listed entry or a prefix of one (reading
// `choices` is fine when `choices.types[].name` is listed); an entry ending in `.*` covers
// anything below it (`variables.*`). `apps.name` (member enumeration) matches `apps[].name`;
// `apps[]` (indexing or iterating) needs the entry to say `apps[]`. Case-insensitive, as
// PowerShell reads properties. Count, Length, PSObject, ... end a field path (unless listed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadScripts, fromSource, CONTRACT, REPO } from './lib/files.mjs';
import { checkContract, checkRoutes, parseRoutes, extractCalls, extractFields, fieldCovered, pathMatches} from './lib/contract.mjs';
import { assertNoFindings } from './lib/report.mjs';

const contractRel = path.relative(REPO, CONTRACT);
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'sample');

test(`${contractRel} exists and is the contract's shape`, (t) => {
  assert.ok(fs.existsSync(CONTRACT), `no ${contractRel}`);
  const c = JSON.parse(fs.readFileSync(CONTRACT, 'utf8'));
  assert.ok(Array.isArray(c.calls) && c.calls.length > 0, 'no calls');
});

test('the scripts\' calls and fields are those of the contract, and every contract call is used', { skip: !fs.existsSync(CONTRACT) && `no ${contractRel}` }, (t) => {
  const text = fs.readFileSync(CONTRACT, 'utf8');
  const records = loadScripts();
  const { calls } = extractCalls(records);
  const fields = extractFields(records, calls);
  // What was found, so a pass is seen not to be an empty one.
  t.diagnostic(`${calls.length} calls (${[...new Set(calls.map((c) => `${c.method} ${c.path}`))].length} distinct), ${fields.length} field reads, in ${records.length} files`);
  assert.ok(calls.length > 0, 'no call found in the scripts: the extraction is broken, or the scripts changed their conventions');
  assertNoFindings(t, checkContract(records, JSON.parse(text), { contractFile: contractRel, contractText: text }), 'contract findings');
});

function provisiondRoutes() {
  return execFileSync(process.env.PROVISIOND_BIN, ['routes'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('every contract call is a route of `provisiond routes`', {
  skip: !process.env.PROVISIOND_BIN ? 'PROVISIOND_BIN is not set (e.g. PROVISIOND_BIN=build/provisiond npm test)' : !fs.existsSync(CONTRACT) && `no ${contractRel}`,
}, (t) => {
  const routes = parseRoutes(provisiondRoutes());
  assert.ok(routes.length > 10, `could not read the route table of ${process.env.PROVISIOND_BIN} routes`);
  const text = fs.readFileSync(CONTRACT, 'utf8');
  assertNoFindings(t, checkRoutes(JSON.parse(text), routes, { contractFile: contractRel, contractText: text }), 'contract calls with no route');
});

// The checks on a small sample of their own (fixtures/sample: a launcher, a module, a
// script, a contract), then negative snippets.
const sample = () => loadScripts(FIXTURE);
const sampleContract = () => JSON.parse(fs.readFileSync(path.join(FIXTURE, 'contract.json'), 'utf8'));
const rulesOf = (findings) => findings.map((f) => `${path.basename(f.file)}:${f.line}:${f.rule}`);

test('sample: calls and fields are extracted (foreach, ForEach-Object, parameters, wrappers, Count)', () => {
  const recs = sample();
  const { calls } = extractCalls(recs);
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), [
    'GET /file/Provision/{name}', 'POST /api/v1/endpoint/plan', 'POST /api/v1/endpoint/confirm',
    'POST /api/v1/endpoint/deployments', 'POST /api/v1/endpoint/deployments/{id}/events']);
  const fields = extractFields(recs, calls).map((f) => `${f.line}:${f.call.path.split('/').pop()}:${f.field}`);
  assert.deepEqual(fields, ['11:plan:apps[].name', '15:plan:computer_name', '16:plan:needs_confirmation',
    '19:plan:choices.types', '20:plan:choices.types[].name', '22:plan:apps', '23:plan:apps.Count', '25:deployments:id']);
});

test('sample: no finding', (t) => {
  assertNoFindings(t, checkContract(sample(), sampleContract(), { contractFile: 'contract.json' }), 'findings on the sample');
});

const withScript = (src, file = 'provision/x.ps1') => [...sample(), fromSource(file, src, 'script')];

test('negative: an unknown route (path, and method)', () => {
  const f = checkContract(withScript("$a = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/endpoint/nope'\n$b = Invoke-ProvisiondRequest -Method GET -Path '/api/v1/endpoint/plan'\n"), sampleContract());
  assert.deepEqual(rulesOf(f).filter((r) => r.startsWith('x.ps1')), ['x.ps1:1:unknown-call', 'x.ps1:2:unknown-call']);
  assert.match(f.find((x) => x.rule === 'unknown-call').text, /GET \/api\/v1\/endpoint\/nope is no call of the contract/);
});

test('negative: an unknown launcher download path; a POST by -Method; regexes and messages are no calls', () => {
  const src = [
    'Invoke-WebRequest -Uri "$WsBase/file/Other/$Hook" -UseBasicParsing',
    'Invoke-RestMethod -Method POST -Uri "$($base)/file/Provision/$Hook"',
    "$m = [regex]::Match($u, '/file/(?:raw/)?(?<path>.+)$')",
    'throw "no /file/Provision/$Hook here"',
    "$u = 'https://host/file/Provision/x'",
  ].join('\n') + '\n';
  const f = checkContract(withScript(src, 'launchers/l.ps1'), sampleContract());
  assert.deepEqual(rulesOf(f), ['l.ps1:1:unknown-call', 'l.ps1:2:unknown-call']);
  assert.match(f[0].text, /GET \/file\/Other\/\{hook\}/);
  assert.match(f[1].text, /POST \/file\/Provision\/\{hook\}/);
});

test('negative: fields not in the contract (direct, nested, foreach, ForEach-Object, index, function result)', () => {
  const src = [
    "$plan = Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/plan' -Body @{ serial = 's' }",
    'Write-Output $plan.computername', // 2
    'Write-Output $plan.choices.locales', // 3
    'foreach ($app in $plan.apps) { Write-Output $app.version }', // 4
    '$plan.apps | ForEach-Object { $_.id }', // 5
    'Write-Output $plan.apps[0].sha', // 6
    'Write-Output (Get-ProvisionPlan -Serial 1).timezone', // 7
    'Write-Output $plan.apps.Count $plan.computer_name.ToUpper() $plan.PSObject.Properties["needs_confirmation"]', // fine
    'Write-Output $plan.PSObject.Properties["nope"]', // 9
  ].join('\n') + '\n';
  const f = checkContract(withScript(src), sampleContract()).filter((x) => x.file === 'provision/x.ps1');
  assert.deepEqual(f.map((x) => `${x.line}:${x.rule}:${x.text.split("'")[1]}`), ['2:unknown-field:computername', '3:unknown-field:choices.locales',
    '4:unknown-field:apps[].version', '5:unknown-field:apps[].id', '6:unknown-field:apps[].sha', '7:unknown-field:timezone', '9:unknown-field:nope']);
});

test('negative: a contract call no script makes is a dead entry', () => {
  const c = sampleContract();
  c.calls.push({ id: 'settings', method: 'GET', path: '/api/v1/endpoint/settings', response: ['x'] });
  assert.deepEqual(rulesOf(checkContract(sample(), c)), ['contract.json:1:dead-contract-entry']);
});

test('negative: -Path not a literal, variables in it, -PathValues not matching, a request field not listed', () => {
  const src = [
    'Invoke-ProvisiondRequest -Method POST -Path $p',
    'Invoke-ProvisiondRequest -Method POST -Path "/api/v1/endpoint/deployments/$id/events" -Body @{ status = 1 }',
    "Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/deployments/{id}/events' -PathValues @{ deployment = 1 } -Body @{ status = 1 }",
    "Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/deployments/{id}/events' -Body @{ status = 1 }",
    "Invoke-ProvisiondRequest -Method POST -Path '/api/v1/endpoint/confirm' -Body @{ serial = 1; colour = 2 }",
    'Invoke-ProvisiondRequest -Path "/api/v1/endpoint/confirm"', // the sample module's default method is GET
    'Invoke-ProvisiondRequest @request',
  ].join('\n') + '\n';
  const f = checkContract(withScript(src), sampleContract()).filter((x) => x.file === 'provision/x.ps1');
  assert.deepEqual(f.map((x) => `${x.line}:${x.rule}`), ['1:call-unresolved', '2:path-literal', '3:path-values', '4:path-values', '5:request-field', '6:unknown-call', '7:call-unresolved']);
});

test('negative: a contract call with no route in `provisiond routes`', () => {
  const routes = parseRoutes([
    'POST    /api/v1/endpoint/plan                   machine  machine     plan for the posted facts',
    'POST    /api/v1/endpoint/deployments/{id}/events machine deployment  progress event',
    'GET     /file/{*path}                           machine  machine     a file',
  ].join('\n'));
  const c = { calls: [
    { id: 'plan', method: 'POST', path: '/api/v1/endpoint/plan' },
    { id: 'event', method: 'POST', path: '/api/v1/endpoint/deployments/{deployment}/events' },
    { id: 'hook', method: 'GET', path: '/file/Provision/{name}' },
    { id: 'nope', method: 'GET', path: '/api/v1/endpoint/plan' },
    { id: 'gone', method: 'POST', path: '/api/v1/endpoint/gone' },
  ] };
  assert.deepEqual(checkRoutes(c, routes).map((f) => f.text.split(' ')[0]), ['nope', 'gone']);
});

test('negative: sequences: a call the script makes in none of its sequences, a sequence of no script', () => {
  const c = sampleContract();
  c.sequences = { 'Start-Provision.ps1': ['plan', 'start'], 'Start-Provision.ps1 (unknown device)': ['plan', 'confirm', 'start'], launcher: ['hook'], 'Nope.ps1 (x)': [] };
  assert.deepEqual(checkContract(sample(), c).map((f) => `${path.basename(f.file)}:${f.line}: ${f.text}`), [
    'contract.json:1: sequences["Nope.ps1 (x)"]: no script Nope.ps1',
    'Start-Provision.ps1:25: \'event\' is in none of the sequences of Start-Provision.ps1 ("Start-Provision.ps1", "Start-Provision.ps1 (unknown device)")']);
});

test('negative: a contract of the wrong shape (no calls, duplicate id, a sequence naming no call)', () => {
  assert.equal(checkContract(sample(), {})[0].rule, 'contract-shape');
  const c = sampleContract();
  c.calls.push({ ...c.calls[0] });
  c.sequences = { 'Start-Provision.ps1': ['plan', 'nope'] };
  assert.deepEqual(checkContract(sample(), c).map((f) => f.text), ['calls[5]: duplicate id plan', 'sequences.Start-Provision.ps1 names "nope", no call\'s id']);
  c.calls.pop();
});

test('path and field matching rules', () => {
  assert.ok(pathMatches('/file/{*path}', '/file/Provision/{name}'));
  assert.ok(pathMatches('/a/{id}/b', '/a/{x}/b'));
  assert.ok(pathMatches('/a/{id}/b', '/a/7/b'));
  assert.ok(!pathMatches('/a/7/b', '/a/{id}/b'), 'a placeholder of the script is no literal of the contract');
  assert.ok(!pathMatches('/file/{*path}', '/file'));
  assert.ok(!pathMatches('/a/{id}', '/a/b/c'));
  const r = ['computer_name', 'choices.types[].name', 'apps[].name', 'variables.*'];
  for (const ok of ['computer_name', 'choices', 'choices.types', 'choices.types[]', 'choices.types[].name', 'choices.types.name', 'apps', 'apps.name', 'variables.OSDComputerName', 'VARIABLES.x.y', 'Computer_Name']) assert.ok(fieldCovered(r, ok), ok);
  for (const bad of ['computer', 'computer_name.x', 'choices[]', 'choices.locales', 'apps[].version', 'variables']) assert.ok(!fieldCovered(r, bad) || bad === 'variables', bad);
  assert.ok(fieldCovered(['[].name'], 'name') && fieldCovered(['[].name'], '[].name') && !fieldCovered(['[].name'], '[].id'));
});
