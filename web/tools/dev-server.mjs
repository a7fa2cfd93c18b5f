#!/usr/bin/env node
// Serves a built UI and proxies the API to a running provisiond, so pages can be tried
// before the UI is embedded in the binary:
//   node tools/dev-server.mjs --port 18500 --backend http://127.0.0.1:18401 --dist dist [--base /provision]
// With --base the UI is served under that prefix (as behind a reverse proxy) and the
// prefix is taken off before proxying. The same CSP as the server (script-src 'self').
import http from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const port = Number(arg('--port', '18500'));
const backend = new URL(arg('--backend', 'http://127.0.0.1:18401'));
const dist = resolve(arg('--dist', 'dist'));
let base = arg('--base', '');
if (base && !base.startsWith('/')) base = '/' + base;
base = base.replace(/\/+$/, '');
if (port < 18000 || port > 18999) console.warn('dev-server: ports 18000-18999 are the ones to use here');
if (!/^(127\.|localhost$|\[::1\]$)/.test(backend.hostname)) { console.error('dev-server: the backend must be on loopback'); process.exit(2); }

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function serveFile(req, res, rel) {
  let p = normalize(join(dist, rel));
  if (!p.startsWith(dist)) { res.writeHead(403).end(); return; }
  if (!existsSync(p) || statSync(p).isDirectory()) p = join(dist, 'index.html');
  const ext = extname(p);
  let body = readFileSync(p);
  const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' };
  if (ext === '.html') {
    body = Buffer.from(body.toString('utf8').replace('<meta name="provisiond-base" content="">', `<meta name="provisiond-base" content="${base}">`));
    headers['Content-Security-Policy'] = CSP;
    headers['Cache-Control'] = 'no-cache';
  } else if (/-[A-Z0-9]{8}\.(js|css)$/.test(p)) {
    headers['Cache-Control'] = 'public, max-age=31536000, immutable';
  }
  const gz = p + '.gz';
  if (/\bgzip\b/.test(req.headers['accept-encoding'] || '') && existsSync(gz) && ext !== '.html') {
    body = readFileSync(gz);
    headers['Content-Encoding'] = 'gzip';
    headers['Vary'] = 'Accept-Encoding';
  }
  res.writeHead(200, headers).end(body);
}

function proxy(req, res, path) {
  const headers = { ...req.headers, host: backend.host };
  // The backend checks Origin against its own origin for CSRF: present the request as its own.
  if (headers.origin) headers.origin = backend.origin;
  delete headers.referer;
  const up = http.request({ hostname: backend.hostname, port: backend.port, path, method: req.method, headers }, (r) => {
    const h = { ...r.headers };
    if (h.location && h.location.startsWith('/')) h.location = base + h.location;
    if (h['set-cookie']) h['set-cookie'] = [].concat(h['set-cookie']).map((c) => c.replace(/;\s*Path=[^;]*/i, `; Path=${base || '/'}`));
    res.writeHead(r.statusCode || 502, h);
    r.pipe(res);
  });
  up.on('error', (e) => { if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/problem+json' }); res.end(JSON.stringify({ status: 502, title: 'Bad Gateway', detail: `dev-server: backend ${backend.origin} unreachable: ${e.message}` })); });
  req.pipe(up);
}

const server = http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  let path = u.pathname;
  if (base) {
    if (path === '/' || path === base) { res.writeHead(302, { Location: base + '/' }).end(); return; }
    if (!path.startsWith(base + '/')) { res.writeHead(404).end('not under ' + base); return; }
    path = path.slice(base.length);
  }
  if (path.startsWith('/api/') || path === '/api' || path.startsWith('/file') || path.startsWith('/admin/')) { proxy(req, res, path + u.search); return; }
  const rel = path === '/' || path.startsWith('/ui/') ? 'index.html' : path.slice(1);
  serveFile(req, res, rel);
});
server.listen(port, '127.0.0.1', () => console.log(`dev-server: http://127.0.0.1:${port}${base}/ -> ${dist}, API -> ${backend.origin}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
