import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySource, normaliseKind, variableSpans, variablesIn } from '../src/source';

test('classify like core::ClassifySource', () => {
  assert.equal(classifySource('https://x/y'), 'https');
  assert.equal(classifySource('HTTPS://X'), 'https');
  assert.equal(classifySource('http://x'), 'http');
  assert.equal(classifySource('\\\\srv\\share\\a.zip'), 'unc');
  assert.equal(classifySource('//srv/share'), 'unc');
  assert.equal(classifySource('[baseurl]/file/apps/x'), 'hub');
  assert.equal(classifySource('/file/Apps/x.zip'), 'hub');
  assert.equal(classifySource('%DeployRoot%\\Applications\\x'), 'local');
  assert.equal(classifySource('C:\\provision\\OtherFiles\\a.cab'), 'local');
  assert.equal(classifySource('  '), 'none');
  assert.equal(classifySource(null), 'none');
});

test('the server kind names map to the UI ones', () => {
  assert.equal(normaliseKind('service-relative'), 'hub');
  assert.equal(normaliseKind('unc'), 'unc');
  assert.equal(normaliseKind('none'), 'none');
});

test('%VAR% spans like core::ExpandVariables: 50% and %% stay text', () => {
  const s = variableSpans('%DeployRoot%\\Apps\\%MODEL%\\50%\\%%x');
  assert.deepEqual(s.map((x) => [x.text, x.variable]), [
    ['%DeployRoot%', 'DeployRoot'], ['\\Apps\\', null], ['%MODEL%', 'MODEL'], ['\\50%\\%%x', null],
  ]);
  assert.equal(s.map((x) => x.text).join(''), '%DeployRoot%\\Apps\\%MODEL%\\50%\\%%x');
  assert.deepEqual(variableSpans('no vars'), [{ text: 'no vars', variable: null, start: 0, end: 7 }]);
  assert.deepEqual(variableSpans(''), []);
  assert.deepEqual(variablesIn('%a%/%A%/%b.c%/%bad name%'), ['a', 'b.c']);
});
