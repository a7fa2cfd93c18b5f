// The PowerShell files under scripts/, each with its kind, its source (the launcher
// template with sample values put in for its tokens) and its syntax tree.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from './ps.mjs';

export const REPO = path.resolve(import.meta.dirname, '..', '..', '..');
export const SCRIPTS = process.env.SCRIPTS_DIR ? path.resolve(process.env.SCRIPTS_DIR) : path.join(REPO, 'scripts');
export const CONTRACT = path.join(SCRIPTS, 'contract.json');

// Sample values for the templates' tokens (the launcher's, and the module's). Each stays on one line, so line
// numbers in findings are the template's own.
export const SAMPLE_TOKENS = {
  Hook: 'Customer-PE',
  WsBase: 'https://prov.example:12176',
  BundleKey: 'sample-bundle-key',
  RootSha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  Version: '0.0.0-test',
  // The module's own (the server fills them when it serves the file).
  ScriptSource: 'sample-source',
  ScriptVersion: '0.0.0-test',
};

/** Replaces {{Token}} by its value; returns {src, unknown: [{line, col, token}]}. */
export function fillTemplate(src, values = SAMPLE_TOKENS) {
  const unknown = [];
  const lines = src.split('\n');
  const out = lines.map((l, i) => l.replace(/\{\{(\w+)\}\}/g, (m, name, col) => {
    if (Object.hasOwn(values, name)) return values[name];
    unknown.push({ line: i + 1, col: col + 1, token: m });
    return m;
  }));
  return { src: out.join('\n'), unknown };
}

/**
 * kind: 'launcher' (scripts/launchers/), 'module' (*.psm1), 'script' (the rest, the full
 * scripts of scripts/provision/), 'manifest' (*.psd1: parsed, not linted).
 */
export function kindOf(rel) {
  if (rel.endsWith('.psd1')) return 'manifest';
  if (rel.endsWith('.psm1')) return 'module';
  if (rel.split('/').includes('launchers')) return 'launcher';
  return 'script';
}

function listPs(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listPs(p, out);
    else if (/\.ps(m|d)?1$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Makes the record the checks take from a source text. */
export function fromSource(file, src, kind = kindOf(file)) {
  const raw = src.replace(/^\uFEFF/, '');
  const { src: filled, unknown } = /\{\{\w+\}\}/.test(raw) ? fillTemplate(raw) : { src: raw, unknown: [] };
  return { file, kind, raw, src: filled, unknownTokens: unknown, tree: parse(filled) };
}

/** Every PowerShell file under scripts/ (paths relative to the repository, e.g. scripts/launchers/launcher.ps1). */
export function loadScripts(dir = SCRIPTS) {
  return listPs(dir).map((p) => fromSource(path.relative(REPO, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8')));
}

export function loadContract(file = CONTRACT) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
