// Lint on the syntax tree (lib/lint.mjs), one test per file under scripts/:
//  no-exit              no `exit` (nor [Environment]::Exit) anywhere in a launcher: at top level
//                       it would end Tanium Provision's host; in functions the same. Full scripts
//                       and the module too: the launcher runs them in-process, so their exit is
//                       the launcher's (and Tanium's) exit. `return` and throw are fine.
//  approved-verb        every defined function is Verb-Noun with a verb of Get-Verb.
//  no-alias             no built-in alias as a command name (gci, %, ?, iwr, ...); the foreach
//                       statement is fine, `| foreach { }` is the alias.
//  no-invoke-expression no Invoke-Expression / iex, [scriptblock]::Create(...),
//                       $ExecutionContext.InvokeCommand.NewScriptBlock/InvokeScript: no code from text.
//  strict-mode          full scripts and module: `Set-StrictMode -Version Latest` at script level.
//  comment-help         full scripts and module: every function has <# .SYNOPSIS ... #> right
//                       before it (at most one blank line) or first (or last) inside its braces.
// Write-Host is allowed (no rule). Files that do not parse are linted all the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScripts, fromSource } from './lib/files.mjs';
import { lint, RULES_BY_KIND } from './lib/lint.mjs';
import { assertNoFindings } from './lib/report.mjs';

for (const rec of loadScripts()) {
  test(`lint ${rec.file} (${rec.kind}: ${RULES_BY_KIND[rec.kind].join(', ') || 'no rules'})`, (t) => {
    assertNoFindings(t, lint(rec), 'lint findings');
  });
}

// Negative tests: each rule fires on a tiny snippet, and stays quiet on the right form.
const rules = (file, src, kind) => lint(fromSource(file, src, kind)).map((f) => `${f.line}:${f.rule}`);

test('negative: exit in a launcher, at top level and in a function', () => {
  const src = "function Start-Launch {\n  exit 1\n}\nif ($x) { exit }\n[Environment]::Exit(2)\nreturn\n";
  assert.deepEqual(rules('launchers/l.ps1', src, 'launcher'), ['2:no-exit', '4:no-exit', '5:no-exit']);
});

test('negative: exit in a full script and in the module', () => {
  const help = "Set-StrictMode -Version Latest\n<#\n.SYNOPSIS\nx\n#>\nfunction Get-A {\n  exit 3\n}\n";
  assert.deepEqual(rules('provision/a.ps1', help, 'script'), ['7:no-exit']);
  assert.deepEqual(rules('provision/a.psm1', help, 'module'), ['7:no-exit']);
});

test('negative: alias as a command (gci, %, ?, iwr, foreach in a pipeline), and not the foreach statement', () => {
  const src = "gci C:\\\n$a | % { $_ }\n$a | ? { $_ }\niwr -Uri $u\n$a | foreach { $_ }\nforeach ($b in $a) { Get-ChildItem }\n";
  assert.deepEqual(rules('launchers/l.ps1', src, 'launcher'), ['1:no-alias', '2:no-alias', '3:no-alias', '4:no-alias', '5:no-alias']);
});

test('negative: function names: Do-Thing, no hyphen, and approved ones', () => {
  const src = "function Do-Thing { }\nfunction Main { }\nfunction script:Get-Thing { }\nfunction ConvertTo-Thing { }\nfilter Fetch-Item { $_ }\n";
  assert.deepEqual(rules('launchers/l.ps1', src, 'launcher'), ['1:approved-verb', '2:approved-verb', '5:approved-verb']);
});

test('negative: Invoke-Expression, iex, [scriptblock]::Create, $ExecutionContext.InvokeCommand', () => {
  const src = "Invoke-Expression $text\n(Invoke-WebRequest $u).Content | iex\n$sb = [scriptblock]::Create($text)\n$sb = [System.Management.Automation.ScriptBlock]::Create('1')\n$ExecutionContext.InvokeCommand.InvokeScript($t)\n& $sb\n";
  assert.deepEqual(rules('launchers/l.ps1', src, 'launcher'), ['1:no-invoke-expression', '2:no-alias', '2:no-invoke-expression', '3:no-invoke-expression', '4:no-invoke-expression', '5:no-invoke-expression']);
});

test('negative: Set-StrictMode missing, in a function only, or not Latest', () => {
  assert.deepEqual(rules('provision/a.ps1', "Write-Output 1\n", 'script'), ['1:strict-mode']);
  assert.deepEqual(rules('provision/a.ps1', "Set-StrictMode -Version 2.0\n", 'script'), ['1:strict-mode']);
  const inFn = "<#\n.SYNOPSIS\nx\n#>\nfunction Get-A {\n  Set-StrictMode -Version Latest\n}\n";
  assert.deepEqual(rules('provision/a.psm1', inFn, 'module'), ['1:strict-mode']);
  assert.deepEqual(rules('provision/a.ps1', "#Requires -Version 5.1\nSet-StrictMode -Version Latest\n", 'script'), []);
  assert.deepEqual(rules('launchers/l.ps1', "Write-Output 1\n", 'launcher'), [], 'launchers are not asked for strict mode');
});

test('negative: comment-based help missing, empty, or too far; found before, inside, and as # lines', () => {
  const src = [
    'Set-StrictMode -Version Latest',
    'function Get-None { }', // 2: none
    '<#', '.SYNOPSIS', '#>', 'function Get-Empty { }', // 6: empty synopsis
    '<#', '.SYNOPSIS', 'Far.', '#>', '', '', 'function Get-Far { }', // 13: two blank lines
    '<#', '.SYNOPSIS', 'Before.', '#>', '', 'function Get-Before { }', // ok (one blank line)
    'function Get-Inside {', '  <#', '  .SYNOPSIS', '  Inside.', '  #>', '  param()', '}', // ok
    '# .SYNOPSIS', '# Line comments.', 'function Get-Lines { }', // ok
    'function Get-Late {', '  param()', '  <#', '  .SYNOPSIS', '  Not first.', '  #>', '  Write-Output 1', '}', // 30: not first
  ].join('\n') + '\n';
  assert.deepEqual(rules('provision/a.ps1', src, 'script'), ['2:comment-help', '6:comment-help', '13:comment-help', '30:comment-help']);
  assert.deepEqual(rules('launchers/l.ps1', 'function Get-None { }\n', 'launcher'), [], 'launchers are not asked for help');
});

test('negative: every finding says file:line:col, rule, text and a fix', () => {
  const [f] = lint(fromSource('launchers/l.ps1', "Write-Output 1\n  gci\n", 'launcher'));
  assert.equal(f.file, 'launchers/l.ps1');
  assert.deepEqual([f.line, f.col, f.rule], [2, 3, 'no-alias']);
  assert.match(f.text, /'gci' is an alias of Get-ChildItem/);
  assert.ok(f.fix.length > 0);
});
