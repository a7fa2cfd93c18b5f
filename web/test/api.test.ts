import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, api, buildQuery, problemFrom, request, setCsrf, setFetch, setUnauthorizedHandler, uploadFile } from '../src/api';
import { setBase } from '../src/base';

interface Call { url: string; init: any }
function fakeFetch(responses: Array<{ status: number; body?: any; text?: string; contentType?: string }>) {
  const calls: Call[] = [];
  const f = async (url: string, init: any) => {
    calls.push({ url, init });
    const r = responses.shift() || { status: 200, body: {} };
    const text = r.text !== undefined ? r.text : r.body === undefined ? '' : JSON.stringify(r.body);
    return { status: r.status, ok: r.status >= 200 && r.status < 300, statusText: 'X', headers: new Map([['content-type', r.contentType || 'application/json']]), text: async () => text };
  };
  return { f, calls };
}

test('buildQuery leaves out empty values and encodes the rest', () => {
  assert.equal(buildQuery({ a: 1, b: '', c: null, d: undefined, e: 'x y', f: true, g: ['1', '2'] }), '?a=1&e=x%20y&f=1&g=1&g=2');
  assert.equal(buildQuery({}), '');
  assert.equal(buildQuery(undefined), '');
});

test('every request carries the base prefix; GET has no CSRF header, non-GET has it and a JSON body', async () => {
  const { f, calls } = fakeFetch([{ status: 200, body: { ok: 1 } }, { status: 201, body: { id: 2 } }]);
  setFetch(f); setBase('/provision/'); setCsrf('tok123');
  const r = await api.get('/api/v1/admin/computers', { q: 'lil', offset: 0 });
  assert.deepEqual(r, { ok: 1 });
  assert.equal(calls[0].url, '/provision/api/v1/admin/computers?q=lil&offset=0');
  assert.equal(calls[0].init.method, 'GET');
  assert.equal(calls[0].init.headers['X-CSRF-Token'], undefined);
  assert.equal(calls[0].init.credentials, 'same-origin');
  await api.post('/api/v1/admin/computers', { serial: 'S1' });
  assert.equal(calls[1].url, '/provision/api/v1/admin/computers');
  assert.equal(calls[1].init.method, 'POST');
  assert.equal(calls[1].init.headers['X-CSRF-Token'], 'tok123');
  assert.equal(calls[1].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[1].init.body, '{"serial":"S1"}');
  setBase(''); setFetch(null);
});

test('DELETE sends CSRF and a JSON content type; 204 answers undefined', async () => {
  const { f, calls } = fakeFetch([{ status: 204 }]);
  setFetch(f); setBase(''); setCsrf('c');
  const r = await api.del('/api/v1/admin/computers/A%2FB', { version: 3 });
  assert.equal(r, undefined);
  assert.equal(calls[0].url, '/api/v1/admin/computers/A%2FB?version=3');
  assert.equal(calls[0].init.headers['X-CSRF-Token'], 'c');
  assert.equal(calls[0].init.headers['Content-Type'], 'application/json');
  setFetch(null);
});

test('problem details become an ApiError with status, field, detail, current and referrers', async () => {
  const { f } = fakeFetch([
    { status: 400, body: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'computer_name: too long', field: 'computer_name' } },
    { status: 409, body: { title: 'Conflict', status: 409, detail: 'stale version', current: { serial: 'S1', version: 4 } } },
    { status: 409, body: { title: 'Conflict', status: 409, detail: 'in use', referrers: ['DEV', 'ACCUEIL'] } },
  ]);
  setFetch(f);
  await assert.rejects(api.put('/x', {}), (e: any) => e instanceof ApiError && e.status === 400 && e.field === 'computer_name' && e.detail === 'computer_name: too long');
  await assert.rejects(api.put('/x', {}), (e: any) => e.conflict && e.current.version === 4 && e.referrers === null);
  await assert.rejects(api.del('/x'), (e: any) => e.referrers.length === 2 && e.referrers[1] === 'ACCUEIL');
  setFetch(null);
});

test('a non-JSON error body and the legacy {error} shape still give a readable detail', async () => {
  const e1 = await problemFrom({ status: 502, statusText: 'Bad Gateway', headers: new Map(), text: async () => '<html>upstream down</html>' });
  assert.equal(e1.status, 502);
  assert.match(e1.detail, /upstream down/);
  const e2 = await problemFrom({ status: 400, headers: new Map(), text: async () => '{"error":"bad serial"}' });
  assert.equal(e2.detail, 'bad serial');
  const e3 = await problemFrom({ status: 404, statusText: 'Not Found', headers: new Map(), text: async () => '' });
  assert.equal(e3.detail, 'Not Found');
  assert.equal(e3.notFound, true);
});

test('401 calls the sign-in handler, except for the sign-in request itself', async () => {
  let n = 0;
  setUnauthorizedHandler(() => { n++; });
  const { f } = fakeFetch([{ status: 401, body: { status: 401, detail: 'sign in' } }, { status: 401, body: { status: 401, detail: 'bad password' } }]);
  setFetch(f);
  await assert.rejects(api.get('/api/v1/admin/status'));
  assert.equal(n, 1);
  await assert.rejects(request('/api/v1/auth/login', { method: 'POST', body: {}, noAuthRedirect: true }), (e: any) => e.status === 401);
  assert.equal(n, 1);
  setUnauthorizedHandler(null); setFetch(null);
});

test('a network failure is an ApiError with status 0', async () => {
  setFetch(async () => { throw new TypeError('Failed to fetch'); });
  await assert.rejects(api.get('/x'), (e: any) => e instanceof ApiError && e.status === 0 && e.network);
  setFetch(null);
});

test('uploadFile PUTs the file with CSRF, reports progress, parses the answer', async () => {
  setBase('/p'); setCsrf('k');
  const events: any = {};
  const xhr: any = {
    upload: {}, headers: {} as Record<string, string>,
    open(m: string, u: string) { this.method = m; this.url = u; },
    setRequestHeader(k: string, v: string) { this.headers[k] = v; },
    send(body: any) { this.body = body; this.upload.onprogress({ loaded: 5, total: 10, lengthComputable: true }); this.status = 201; this.responseText = '{"path":"/Apps/a b.zip"}'; this.onload(); },
    abort() {},
  };
  const progress: number[] = [];
  const blob = new Blob(['0123456789']);
  const h = uploadFile('Apps/a b.zip', blob, { xhrFactory: () => xhr, onProgress: (l) => progress.push(l), overwrite: false });
  const r = await h.promise;
  assert.equal(xhr.method, 'PUT');
  assert.equal(xhr.url, '/p/api/v1/admin/files/Apps/a%20b.zip?overwrite=0');
  assert.equal(xhr.headers['X-CSRF-Token'], 'k');
  assert.equal(xhr.withCredentials, true);
  assert.deepEqual(progress, [5]);
  assert.equal(r.status, 201);
  assert.equal(r.body.path, '/Apps/a b.zip');
  void events;
  setBase('');
});

test('uploadFile rejects with the server problem on 409', async () => {
  const xhr: any = { upload: {}, open() {}, setRequestHeader() {}, abort() {}, send() { this.status = 409; this.responseText = '{"status":409,"detail":"exists"}'; this.onload(); } };
  await assert.rejects(uploadFile('Apps/x', new Blob(['a']), { xhrFactory: () => xhr }).promise, (e: any) => e.status === 409 && e.detail === 'exists');
});
