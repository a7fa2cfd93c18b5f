#!/usr/bin/env node
// Puts demo deployments into a development provisiond (loopback only) through the
// endpoint API, so the UI's pages have something to show:
//   node tools/seed-demo.mjs --backend http://127.0.0.1:18401 [--key pvk_...]
import { randomUUID } from 'node:crypto';

function arg(name, def) { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : def; }
const backend = new URL(arg('--backend', 'http://127.0.0.1:18401'));
if (!/^(127\.|localhost$|\[::1\]$)/.test(backend.hostname)) { console.error('seed-demo: loopback backends only'); process.exit(2); }
const key = arg('--key', '');

async function post(path, body, token) {
  const headers = { 'Content-Type': 'application/json' };
  if (key) headers['X-Provision-Key'] = key;
  if (token) headers['X-Deployment-Token'] = token;
  const r = await fetch(new URL(path, backend), { method: 'POST', headers, body: JSON.stringify(body) });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${path}: ${r.status} ${j.detail || ''}`);
  return j;
}

const machines = [
  { serial: 'SDK86P3', model: 'Latitude 5420', end: 'success' },
  { serial: '5CG6050PH9', model: 'HP EliteBook 840 G2', end: 'error', fail: 'apps', msg: 'Microsoft365Apps: setup.cmd exited with 1603' },
  { serial: 'VMW-4242-01', model: 'VMware Virtual Platform', end: 'running', stop: 'drivers' },
  { serial: 'PF3XK2LM', model: 'ThinkPad T14 Gen 3', end: 'running', stop: 'apps' },
  { serial: 'CZC1234XYZ', model: 'HP EliteDesk 800 G6', end: 'success' },
  { serial: 'UNKNOWN-77', model: 'Surface Laptop 5', end: 'error', fail: 'drivers', msg: 'no driver package matches Surface Laptop 5 / Windows 11' },
];
const phases = ['winpe', 'os-apply', 'drivers', 'specialize', 'oobe', 'apps', 'done'];
for (const m of machines) {
  const d = await post('/api/v1/endpoint/deployments', { serial: m.serial, model: m.model, os_name: 'Microsoft Windows 11 Enterprise', ram_gb: 16, disk_gb: 256, cpu_count: 8 });
  const id = d.id;
  let step = 0;
  for (const ph of phases) {
    if (m.end === 'running' && ph === m.stop) { await post(`/api/v1/endpoint/deployments/${id}/events`, { event_id: randomUUID(), phase: ph, step: step + 1, step_count: 12, percent: Math.round(((step + 1) / 12) * 100), message: `${ph}: working` }, d.deployment_token); break; }
    if (m.end === 'error' && ph === m.fail) {
      await post(`/api/v1/endpoint/deployments/${id}/events`, { event_id: randomUUID(), phase: ph, level: 'warning', message: `${ph}: retrying once` }, d.deployment_token);
      await post(`/api/v1/endpoint/deployments/${id}/events`, { event_id: randomUUID(), phase: ph, level: 'error', status: 'error', message: m.msg }, d.deployment_token);
      break;
    }
    if (ph === 'done') { await post(`/api/v1/endpoint/deployments/${id}/events`, { event_id: randomUUID(), phase: 'done', status: 'success', message: 'ready for the user' }, d.deployment_token); break; }
    step += ph === 'apps' ? 6 : 1;
    await post(`/api/v1/endpoint/deployments/${id}/events`, { event_id: randomUUID(), phase: ph, step, step_count: 12, percent: Math.round((step / 12) * 100), message: `${ph} finished` }, d.deployment_token);
  }
  console.log(`${m.serial}: ${id} (${m.end})`);
}
