import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentPage, goToPage, pageCount, parseState, range, toApiQuery, toSearch, toggleSort, withFilter, withSearch } from '../src/table_state';

const D = { sort: 'serial', limit: 50, filters: ['status', 'type'] };

test('round trip through the query string, keeping only what differs from the defaults', () => {
  const s = parseState('?q=lil&sort=computer_name&order=desc&offset=100&status=stale&other=x', D);
  assert.deepEqual(s, { q: 'lil', sort: 'computer_name', order: 'desc', offset: 100, limit: 50, filters: { status: 'stale' } });
  assert.equal(toSearch(s, D), 'q=lil&sort=computer_name&order=desc&offset=100&status=stale');
  assert.deepEqual(parseState(toSearch(s, D), D), s);
  assert.equal(toSearch(parseState('', D), D), '');
});

test('bad numbers fall back to defaults; limit is capped', () => {
  const s = parseState('offset=-5&limit=abc&order=sideways', D);
  assert.equal(s.offset, 0); assert.equal(s.limit, 50); assert.equal(s.order, 'asc');
  assert.equal(parseState('limit=99999', D).limit, 1000);
  assert.equal(parseState('limit=0', D).limit, 1);
});

test('API query', () => {
  const s = parseState('q=a&status=error&offset=50', D);
  assert.deepEqual(toApiQuery(s), { offset: 50, limit: 50, q: 'a', sort: 'serial', order: 'asc', status: 'error' });
});

test('sort toggles on the same column, resets on another; search and filters go back to page 1', () => {
  let s = parseState('offset=100', D);
  s = toggleSort(s, 'serial');
  assert.equal(s.order, 'desc'); assert.equal(s.offset, 0);
  s = toggleSort({ ...s, offset: 50 }, 'type');
  assert.equal(s.sort, 'type'); assert.equal(s.order, 'asc'); assert.equal(s.offset, 0);
  assert.equal(withSearch({ ...s, offset: 50 }, 'x').offset, 0);
  const f = withFilter({ ...s, offset: 50 }, 'status', 'running');
  assert.equal(f.filters.status, 'running'); assert.equal(f.offset, 0);
  assert.deepEqual(withFilter(f, 'status', '').filters, {});
});

test('paging', () => {
  const s = parseState('', D);
  assert.equal(pageCount(0, 50), 1);
  assert.equal(pageCount(101, 50), 3);
  assert.equal(goToPage(s, 3, 101).offset, 100);
  assert.equal(goToPage(s, 9, 101).offset, 100);
  assert.equal(goToPage(s, 0, 101).offset, 0);
  assert.equal(currentPage({ ...s, offset: 100 }), 3);
  assert.deepEqual(range({ ...s, offset: 100 }, 101, 1), { from: 101, to: 101 });
  assert.deepEqual(range(s, 0, 0), { from: 0, to: 0 });
});
