import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveEvents } from '../src/events';
import { setBase } from '../src/base';

class FakeES {
  static all: FakeES[] = [];
  readyState = 0;
  onopen: any = null;
  onerror: any = null;
  listeners: Record<string, ((e: any) => void)[]> = {};
  closed = false;
  constructor(public url: string) { FakeES.all.push(this); }
  addEventListener(type: string, fn: (e: any) => void) { (this.listeners[type] ||= []).push(fn); }
  close() { this.closed = true; this.readyState = 2; }
  emit(type: string, data: string, id = '') { for (const fn of this.listeners[type] || []) fn({ data, lastEventId: id }); }
}

test('events are dispatched by type with parsed JSON data; the base prefix is used', () => {
  FakeES.all = [];
  setBase('/provision');
  const le = new LiveEvents('/api/v1/admin/events', (u) => new FakeES(u), () => 0, () => {});
  const got: any[] = [];
  const off = le.on('deployment', (d, ev) => got.push([d, ev.id]));
  le.on('pending', (d) => got.push(['pending', d.serial]));
  le.start();
  const es = FakeES.all[0];
  assert.equal(es.url, '/provision/api/v1/admin/events');
  es.readyState = 1; es.onopen({});
  assert.equal(le.state, 'open');
  es.emit('deployment', '{"id":"d1","kind":"progress","percent":40}', '17');
  es.emit('pending', '{"serial":"S9"}', '18');
  es.emit('data', 'not json', '19');
  assert.deepEqual(got, [[{ id: 'd1', kind: 'progress', percent: 40 }, '17'], ['pending', 'S9']]);
  assert.equal(le.lastEventId, '19');
  off();
  es.emit('deployment', '{"id":"d2"}', '20');
  assert.equal(got.length, 2);
  le.stop();
  assert.ok(es.closed);
  setBase('');
});

test('a stream closed for good (e.g. 404) is reopened after a growing delay, then marked unavailable', () => {
  FakeES.all = [];
  const delays: number[] = [];
  const pending: (() => void)[] = [];
  const le = new LiveEvents('/e', (u) => new FakeES(u), (fn, ms) => { delays.push(ms); pending.push(fn); return pending.length; }, () => {});
  const states: string[] = [];
  le.onState((s) => states.push(s));
  le.start();
  for (let i = 0; i < 3; i++) {
    const es = FakeES.all[FakeES.all.length - 1];
    es.readyState = 2; es.onerror({});
    pending.shift()!();
  }
  assert.deepEqual(delays, [1000, 2000, 4000]);
  assert.equal(FakeES.all.length, 4);
  assert.ok(states.includes('unavailable'));
  // A transient error (the browser retries itself, readyState CONNECTING) opens nothing new.
  const es = FakeES.all[3];
  es.readyState = 0; es.onerror({});
  assert.equal(FakeES.all.length, 4);
  assert.equal(le.state, 'retrying');
  es.readyState = 1; es.onopen({});
  assert.equal(le.state, 'open');
  le.stop();
});

test('backoff is capped at 60 s', () => {
  assert.equal(LiveEvents.backoff(1), 1000);
  assert.equal(LiveEvents.backoff(7), 60000);
  assert.equal(LiveEvents.backoff(30), 60000);
});
