// Every PowerShell file under scripts/ parses under tree-sitter-powershell with no ERROR
// and no MISSING node. The launcher template is parsed with sample values in place of
// its {{Tokens}} (lib/files.mjs: SAMPLE_TOKENS), so its line numbers are the template's.
//
// Where the grammar fails on valid PowerShell, rewrite the construct in an equivalent
// form it reads (GRAMMAR_GAPS below lists the ones met so far, with their rewrites). If
// a construct has no such rewrite, list it in EXCEPTIONS by file, line and reason: an
// exception matching no finding fails, so the list stays honest. No file is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScripts, fromSource, SCRIPTS, REPO } from './lib/files.mjs';
import { parse, parseProblems } from './lib/ps.mjs';
import { assertNoFindings } from './lib/report.mjs';
import path from 'node:path';

/** {file (repo-relative), line, reason}: parse findings accepted on that line. Keep it empty if you can. */
export const EXCEPTIONS = [];

/**
 * Valid PowerShell that tree-sitter-powershell 0.26.4 fails on, and the equivalent the
 * grammar reads. Checked both ways below, so a grammar update that fixes one shows.
 */
export const GRAMMAR_GAPS = [
  { bad: 'Add-Type -AssemblyName System.Drawing, System.Windows.Forms', good: "Add-Type -AssemblyName 'System.Drawing', 'System.Windows.Forms'", why: 'a list of bare words as a command argument: quote the words' },
  { bad: 'Export-ModuleMember -Function Get-A, Set-B', good: "Export-ModuleMember -Function @('Get-A', 'Set-B')", why: 'same: quote the words (or use @(...))' },
  { bad: "switch ($x) { 'a' { 1 } default { 2 } }", good: "switch ($x) {\n  'a' { 1 }\n  default { 2 }\n}", why: 'a one-line switch with a default clause: one clause per line (or ; between clauses)' },
  { bad: "[CmdletBinding()]\nparam(\n  [string]$Name\n)\n", good: "[CmdletBinding()]\nparam(\n  [string]$Name\n)\nSet-StrictMode -Version Latest\n", why: 'a script that is a param block and nothing else: the grammar wants a statement after it' },
  { bad: '$gb = [Math]::Round($bytes / 1GB, 1)', good: '$gb = [Math]::Round($bytes / 1gb, 1)', why: 'an upper-case multiplier suffix (1GB, 1MB) after an operator: write it in lower case (1gb), or (1GB)' },
  { bad: '$r = New-Object System.IO.StreamReader -ArgumentList $resp.GetResponseStream(), ([System.Text.Encoding]::UTF8)', good: '$r = New-Object System.IO.StreamReader -ArgumentList @($resp.GetResponseStream(), [System.Text.Encoding]::UTF8)', why: 'a method call first in a comma list of a command argument: wrap the list in @(...) (or use [Type]::new(...))' },
  { bad: "$a = $b ?? 'x'", good: "$a = if ($null -ne $b) { $b } else { 'x' }", why: '?? and ?: are PowerShell 7 only: WinPE and Windows run 5.1, so the rewrite is needed anyway' },
];

const records = loadScripts();

test('scripts/ holds the launcher template, the full scripts and the module', () => {
  const rel = path.relative(REPO, SCRIPTS);
  assert.ok(records.length > 0, `no .ps1/.psm1 under ${rel}/: nothing to check`);
  const kinds = new Set(records.map((r) => r.kind));
  for (const k of ['launcher', 'script', 'module']) assert.ok(kinds.has(k), `no ${k} file under ${rel}/ (files: ${records.map((r) => r.file).join(', ')})`);
});

/** Parse findings of the records, less the exceptions; an exception matching nothing is a finding itself. */
export function parseFindings(recs, exceptions) {
  const findings = [];
  const used = new Set();
  for (const rec of recs) {
    for (const p of parseProblems(rec.tree, rec.src)) {
      const ex = exceptions.findIndex((e) => e.file === rec.file && e.line === p.line);
      if (ex >= 0) { used.add(ex); continue; }
      findings.push({ file: rec.file, line: p.line, col: p.col, rule: 'parse', text: `${p.kind}: ${p.text}`, fix: 'rewrite in a form the grammar reads (see GRAMMAR_GAPS in parse.test.mjs), or list it in EXCEPTIONS with the reason' });
    }
  }
  exceptions.forEach((e, i) => {
    if (!used.has(i)) findings.push({ file: e.file, line: e.line, col: 1, rule: 'stale-exception', text: `EXCEPTIONS entry matches no parse finding (${e.reason})`, fix: 'remove it from EXCEPTIONS in parse.test.mjs' });
  });
  return findings;
}

test('every .ps1/.psm1 parses with no ERROR or MISSING node', (t) => {
  assertNoFindings(t, parseFindings(records, EXCEPTIONS), 'parse findings');
});

test('negative: an exception hides its line only, and a stale one fails', () => {
  const rec = fromSource('x.ps1', "Write-Output 1\nAdd-Type -AssemblyName A, B\nWrite-Output 2\n$x = $a / 1GB\n", 'script');
  const all = parseFindings([rec], []);
  assert.deepEqual([...new Set(all.map((f) => f.line))], [2, 4]);
  const some = parseFindings([rec], [{ file: 'x.ps1', line: 2, reason: 'grammar gap' }, { file: 'x.ps1', line: 1, reason: 'was fixed' }]);
  assert.deepEqual(some.map((f) => `${f.line}:${f.rule}`), [...all.filter((f) => f.line === 4).map(() => '4:parse'), '1:stale-exception']);
});

test('the launcher template uses only known tokens', (t) => {
  const findings = records.flatMap((r) => r.unknownTokens.map((u) => ({ file: r.file, line: u.line, col: u.col, rule: 'template-token', text: `unknown token ${u.token}`, fix: 'use {{Hook}}, {{WsBase}}, {{BundleKey}}, {{RootSha256}} or {{Version}}, or add the token to SAMPLE_TOKENS in lib/files.mjs' })));
  assertNoFindings(t, findings, 'template findings');
});

// Negative tests: the check fires.
test('negative: a parse error is found with its line and column', () => {
  const rec = fromSource('x.ps1', "Write-Output 'ok'\nif ($a { Write-Output 1 }\n");
  const p = parseProblems(rec.tree, rec.src);
  assert.ok(p.length > 0, 'no finding for an unclosed (');
  assert.equal(p[0].line, 2);
  assert.match(p[0].text, /if \(\$a/);
});

test('negative: a MISSING node is a finding', () => {
  const src = 'function Get-A {\n  Write-Output 1\n';
  assert.deepEqual(parseProblems(parse(src), src).map((x) => x.kind), ['MISSING "}"']);
});

test('negative: clean PowerShell has no finding', () => {
  const src = "Set-StrictMode -Version Latest\n$x = @{ a = 1 }\nforeach ($k in $x.Keys) { Write-Output $k }\n";
  assert.deepEqual(parseProblems(parse(src), src), []);
});

for (const g of GRAMMAR_GAPS) {
  test(`grammar gap: ${g.why}`, () => {
    assert.ok(parseProblems(parse(g.bad), g.bad).length > 0, `the grammar now reads ${JSON.stringify(g.bad)}: drop this GRAMMAR_GAPS entry`);
    assert.deepEqual(parseProblems(parse(g.good), g.good), [], `the rewrite does not parse: ${g.good}`);
  });
}
