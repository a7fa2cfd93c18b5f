// npm test: compiles test/*.test.ts (and the src modules they import) with esbuild into
// .test-build/, then runs them with Node's built-in test runner.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.test-build');
rmSync(out, { recursive: true, force: true });
const filter = process.argv[2];
const tests = readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts') && (!filter || f.includes(filter)));
await esbuild.build({
  absWorkingDir: root,
  entryPoints: tests.map((f) => join('test', f)),
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const files = readdirSync(out).filter((f) => f.endsWith('.mjs')).map((f) => join(out, f));
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
