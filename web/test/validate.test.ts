import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidr, intInRange, netbiosName, parseAllowedChoices, parseAllowedRange, parseIntList, parseLines, parseList, password, required } from '../src/validate';
import { atLeast, mayWriteFile } from '../src/roles';
import { keyMove, moveItem, sameOrder } from '../src/reorder';
import { groupByPhase } from '../src/timeline';
import { checkField, fromFormValue, toFormValue } from '../src/crud';

test('NetBIOS names', () => {
  assert.equal(netbiosName('FR-LIL-LT-0001'), null);
  assert.equal(netbiosName('A'), null);
  assert.equal(netbiosName('')?.key, 'validate.required');
  assert.equal(netbiosName('ABCDEFGHIJKLMNOP')?.key, 'validate.netbios_length');
  assert.equal(netbiosName('BE-Réception')?.key, 'validate.netbios_char');
  assert.equal(netbiosName('BE-Réception')?.params?.c, 'é');
  assert.equal(netbiosName('PC_1')?.key, 'validate.netbios_char');
  assert.equal(netbiosName('12345')?.key, 'validate.netbios_digits');
  assert.equal(netbiosName('-PC')?.key, 'validate.netbios_hyphen');
});

test('integers and ranges from the settings list', () => {
  assert.equal(intInRange('5', 1, 100), null);
  assert.equal(intInRange('0', 1, 100)?.key, 'validate.range');
  assert.equal(intInRange('1.5', 1, 100)?.key, 'validate.integer');
  assert.equal(intInRange('', 1, 100)?.key, 'validate.required');
  assert.equal(intInRange('', 1, 100, true), null);
  assert.deepEqual(parseAllowedRange('integer 1..86400'), { min: 1, max: 86400 });
  assert.equal(parseAllowedRange('text'), null);
  assert.deepEqual(parseAllowedChoices('one of 0, 1, 2'), ['0', '1', '2']);
  assert.equal(parseAllowedChoices('text'), null);
});

test('lists, passwords, required, CIDR', () => {
  assert.deepEqual(parseIntList('0; 3010,1641'), [0, 3010, 1641]);
  assert.equal(parseIntList('0;x'), null);
  assert.deepEqual(parseList(' FR ; BE,,LU\n'), ['FR', 'BE', 'LU']);
  assert.deepEqual(parseLines('^HP.*\n\n Latitude (5|7)4\\d0 '), ['^HP.*', 'Latitude (5|7)4\\d0']);
  assert.equal(password('short')?.key, 'validate.password_length');
  assert.equal(password('long enough'), null);
  assert.equal(required('  ')?.key, 'validate.required');
  assert.deepEqual(required([]), required(''));
  assert.equal(required(0), null);
  assert.equal(cidr('10.0.0.0/8'), null);
  assert.equal(cidr('::1/128'), null);
  assert.equal(cidr('300.1.1.1/8')?.key, 'validate.cidr');
  assert.equal(cidr('10.0.0.0/40')?.key, 'validate.cidr');
  assert.equal(cidr('nope')?.key, 'validate.cidr');
});

test('roles', () => {
  assert.ok(atLeast('admin', 'operator'));
  assert.ok(!atLeast('viewer', 'operator'));
  assert.ok(!atLeast('', 'viewer'));
  assert.ok(mayWriteFile('operator', 'Apps/x.zip'));
  assert.ok(mayWriteFile('operator', 'drivers/Dell/a.cab'));
  assert.ok(!mayWriteFile('operator', 'Provision/customer.ps1'));
  assert.ok(!mayWriteFile('operator', 'Apps/../Provision/x'));
  assert.ok(!mayWriteFile('viewer', 'Apps/x'));
  assert.ok(mayWriteFile('admin', 'Provision/customer.ps1'));
});

test('reorder: moves and keyboard', () => {
  assert.deepEqual(moveItem(['a', 'b', 'c'], 0, 2), ['b', 'c', 'a']);
  assert.deepEqual(moveItem(['a', 'b', 'c'], 2, -4), ['c', 'a', 'b']);
  assert.deepEqual(moveItem(['a'], 5, 0), ['a']);
  assert.equal(keyMove('ArrowUp', true, 1, 3), 0);
  assert.equal(keyMove('ArrowUp', true, 0, 3), null);
  assert.equal(keyMove('ArrowDown', true, 1, 3), 2);
  assert.equal(keyMove('ArrowDown', false, 1, 3), null);
  assert.equal(keyMove('End', true, 0, 3), 2);
  assert.equal(keyMove('Home', true, 2, 3), 0);
  assert.ok(sameOrder(['a', 'b'], ['a', 'b']));
  assert.ok(!sameOrder(['a', 'b'], ['b', 'a']));
});

test('timeline: events grouped by consecutive phase with durations', () => {
  const g = groupByPhase([
    { at: '2026-11-23T07:00:00Z', phase: 'winpe', level: 'info', message: 'start' },
    { at: '2026-11-23T07:05:00Z', phase: 'drivers', level: 'warning' },
    { at: '2026-11-23T07:02:00Z', phase: 'winpe', level: 'info' },
    { at: '2026-11-23T07:06:00Z', phase: null, level: 'error' },
    { at: '2026-11-23T07:10:00Z', phase: 'apps' },
  ], '2026-11-23T07:30:00Z');
  assert.deepEqual(g.map((x) => [x.phase, x.events.length, x.duration_ms]), [['winpe', 2, 300000], ['drivers', 2, 300000], ['apps', 1, 1200000]]);
  assert.equal(g[1].errors, 1); assert.equal(g[1].warnings, 1);
  assert.deepEqual(groupByPhase([]), []);
});

test('form values: lists, ints, nullable ints, client checks', () => {
  assert.equal(toFormValue({ key: 'a', label: '', kind: 'list' }, ['FR', 'BE']), 'FR; BE');
  assert.deepEqual(fromFormValue({ key: 'a', label: '', kind: 'list' }, 'FR; BE'), ['FR', 'BE']);
  assert.equal(toFormValue({ key: 'a', label: '', kind: 'lines' }, ['^a', 'b;c']), '^a\nb;c');
  assert.deepEqual(fromFormValue({ key: 'a', label: '', kind: 'ints' }, '0;3010'), [0, 3010]);
  assert.equal(fromFormValue({ key: 'a', label: '', kind: 'nullint' }, ''), null);
  assert.equal(fromFormValue({ key: 'a', label: '', kind: 'nullint' }, '8'), 8);
  assert.equal(toFormValue({ key: 'a', label: '', kind: 'nullint' }, null), '');
  assert.equal(fromFormValue({ key: 'a', label: '' }, '  x '), 'x');
  assert.equal(checkField({ key: 'a', label: '', kind: 'ints' }, '0;x', {})?.key, 'validate.int_list');
  assert.equal(checkField({ key: 'a', label: '', required: true }, '', {})?.key, 'validate.required');
  assert.equal(checkField({ key: 'a', label: '', kind: 'nullint' }, '1.5', {})?.key, 'validate.integer');
});
