import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLocation, lineOf, rowKey, summariseImport } from '../src/csv_diff';

test('summary counts, rows per kind, errors sorted by file/line/column', () => {
  const s = summariseImport({
    applied: false,
    tables: [{ table: 'computers', added: [{ serial: 'S1', computer_name: 'PC1', version: 1 }], changed: [{ key: 'S2', fields: [{ column: 'type', before: 'DEV', after: 'ACCUEIL' }] }], removed: ['S3'] }],
    errors: [{ file: 'computers.csv', line: 9, column: 2, message: 'b' }, { file: 'computers.csv', line: 3, column: 5, message: 'a' }],
  }, { computers: 'serial' });
  assert.equal(s.added, 1); assert.equal(s.changed, 1); assert.equal(s.removed, 1);
  assert.deepEqual(s.rows.map((r) => [r.kind, r.key]), [['added', 'S1'], ['changed', 'S2'], ['removed', 'S3']]);
  assert.deepEqual(s.rows[0].fields.map((f) => f.column), ['serial', 'computer_name']);
  assert.deepEqual(s.rows[1].fields[0], { column: 'type', before: 'DEV', after: 'ACCUEIL' });
  assert.deepEqual(s.errors.map((e) => e.message), ['a', 'b']);
  assert.equal(s.empty, false);
  assert.equal(summariseImport({ tables: [], errors: [] }).empty, true);
  assert.equal(summariseImport(null).empty, true);
});

test('error locations and the line text (BOM and CRLF)', () => {
  assert.equal(errorLocation({ file: 'computers.csv', line: 12, column: 3, message: '' }), 'computers.csv:12:3');
  assert.equal(errorLocation({ file: 'x.csv', message: '' }), 'x.csv');
  assert.equal(errorLocation({ line: 2, message: '' }), '2');
  const csv = '\uFEFFserial;computer_name\r\nS1;PC-1\r\nS2;BAD NAME\r\n';
  assert.equal(lineOf(csv, 1), 'serial;computer_name');
  assert.equal(lineOf(csv, 3), 'S2;BAD NAME');
  assert.equal(lineOf(csv, 99), null);
  assert.equal(lineOf(csv, undefined), null);
});

test('row keys', () => {
  assert.equal(rowKey({ serial: 'S', name: 'n' }), 'S');
  assert.equal(rowKey({ country: 'FR' }), 'FR');
  assert.equal(rowKey({ x: 'a', id: 4 }, 'id'), '4');
  assert.equal(rowKey('raw'), 'raw');
});
