// One line per finding: file:line:col: rule: text (fix: ...).
import assert from 'node:assert/strict';

export function formatFinding(f) {
  return `${f.file}:${f.line}:${f.col}: ${f.rule}: ${f.text}${f.fix ? `  [fix: ${f.fix}]` : ''}`;
}

/** Fails with every finding on its own line (and prints them as diagnostics too). */
export function assertNoFindings(t, findings, what) {
  if (!findings.length) return;
  const lines = findings.map(formatFinding);
  const err = new assert.AssertionError({ message: `${findings.length} ${what}:\n${lines.join('\n')}`, operator: 'fail' });
  err.stack = err.message; // the findings are the message: no stack trace under them
  throw err;
}
