#!/usr/bin/env node
// Builds the admin UI: node web/build.mjs --out DIR [--no-minify] [--budget-kb 200]
// Writes DIR/index.html, hashed assets (app-<hash>.js/.css, lazily loaded chunks),
// a .gz beside each compressible file and DIR/manifest.json. Fails (exit 1) when the
// initial JS+CSS, gzipped, exceeds the budget, or when an output names an external URL
// the browser would fetch.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zc } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const BUDGET_BYTES = 200 * 1024;

function parseArgs(argv) {
  const args = { out: null, minify: true, budget: BUDGET_BYTES };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') args.out = argv[++i];
    else if (a.startsWith('--out=')) args.out = a.slice(6);
    else if (a === '--no-minify') args.minify = false;
    else if (a === '--budget-kb') args.budget = Number(argv[++i]) * 1024;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node build.mjs --out DIR [--no-minify] [--budget-kb N (default 200)]');
      process.exit(0);
    } else {
      console.error(`build: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!args.out) {
    console.error('build: --out DIR is required');
    process.exit(2);
  }
  return args;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);

// RapiDoc loads "Open Sans" from a public font host unless told not to. The docs page
// sets load-fonts="false"; this also removes the URLs so no build can ever fetch them.
const noExternalFonts = {
  name: 'no-external-fonts',
  setup(build) {
    build.onLoad({ filter: /rapidoc-min\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      text = text.replace(/https:\/\/fonts\.(gstatic|googleapis)\.com\/[^)"'\s]*/g, 'data:,');
      return { contents: text, loader: 'js' };
    });
  },
};

function hashedName(name) {
  return /-[A-Z0-9]{8}\.(js|css)$/.test(name);
}

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

function gz(buf) {
  return gzipSync(buf, { level: zc.Z_BEST_COMPRESSION });
}

function kb(n) {
  return `${(n / 1024).toFixed(1)} KB`;
}

export async function build({ out, minify = true, quiet = false, budget = BUDGET_BYTES }) {
  const outDir = resolve(out);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: { app: 'src/main.tsx' },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: outDir,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [noExternalFonts],
  });
  if (result.errors.length) throw new Error('esbuild failed');

  const meta = result.metafile;
  const rel = (p) => relative(outDir, resolve(here, p)).split('\\').join('/');
  let entryJs = null;
  let entryCss = null;
  for (const [p, o] of Object.entries(meta.outputs)) {
    if (o.entryPoint === 'src/main.tsx' && p.endsWith('.js')) {
      entryJs = p;
      entryCss = o.cssBundle || null;
    }
  }
  if (!entryJs) throw new Error('no entry output');

  // Initial = the entry, the chunks it imports statically (transitively), its CSS.
  const initial = new Set();
  const visit = (p) => {
    if (initial.has(p)) return;
    initial.add(p);
    for (const imp of meta.outputs[p].imports || []) {
      if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
    }
  };
  visit(entryJs);
  if (entryCss) initial.add(entryCss);

  const jsName = rel(entryJs);
  const cssName = entryCss ? rel(entryCss) : null;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="provisiond-base" content="">
<meta name="color-scheme" content="light dark">
<title>provisiond</title>
<link rel="icon" href="./favicon.svg" type="image/svg+xml">
${cssName ? `<link rel="stylesheet" href="./${cssName}">\n` : ''}<script type="module" src="./${jsName}"></script>
</head>
<body>
<noscript>provisiond's admin interface needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
  writeFileSync(join(outDir, 'index.html'), html);
  writeFileSync(join(outDir, 'favicon.svg'), readFileSync(join(here, 'src', 'favicon.svg')));

  // External URL check: nothing the browser would fetch from elsewhere.
  const external = /(url\(\s*["']?https?:|@import\s+["']https?:|fonts\.(gstatic|googleapis)\.com|src=["']https?:|href=["']https?:\/\/(?!www\.w3\.org))/;
  const problems = [];
  const manifest = [];
  let initialRaw = 0;
  let initialGz = 0;
  const rows = [];
  for (const file of walk(outDir).sort()) {
    const name = relative(outDir, file).split('\\').join('/');
    if (name.endsWith('.gz') || name === 'manifest.json') continue;
    const buf = readFileSync(file);
    const ext = extname(name);
    if (ext === '.js' || ext === '.css' || ext === '.html') {
      const m = buf.toString('utf8').match(external);
      if (m) problems.push(`${name}: external URL (${m[0]})`);
    }
    let gzBytes = null;
    if (COMPRESSIBLE.has(ext)) {
      const g = gz(buf);
      writeFileSync(file + '.gz', g);
      gzBytes = g.length;
    }
    const isInitial = [...initial].some((p) => resolve(here, p) === file);
    if (isInitial) {
      initialRaw += buf.length;
      initialGz += gzBytes ?? buf.length;
    }
    manifest.push({
      path: name,
      type: MIME[ext] || 'application/octet-stream',
      hashed: hashedName(name),
      bytes: buf.length,
      gzip_bytes: gzBytes,
      sha256: createHash('sha256').update(buf).digest('hex'),
      initial: isInitial,
    });
    rows.push([name, buf.length, gzBytes, isInitial]);
  }
  writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');

  if (!quiet) {
    for (const [name, b, g, ini] of rows) {
      console.log(`${ini ? '*' : ' '} ${name.padEnd(34)} ${kb(b).padStart(10)}  gzip ${g == null ? '       -' : kb(g).padStart(9)}`);
    }
    console.log(`initial JS+CSS (*): ${kb(initialRaw)}, gzipped ${kb(initialGz)} (budget ${kb(budget)})`);
  }
  if (problems.length) {
    for (const p of problems) console.error(`build: ${p}`);
    throw new Error('external URLs in the output');
  }
  if (initialGz > budget) {
    throw new Error(`initial JS+CSS is ${kb(initialGz)} gzipped, over the ${kb(budget)} budget`);
  }
  return { outDir, initialGz, initialRaw, manifest };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  build(args).catch((e) => {
    console.error(`build failed: ${e.message}`);
    process.exit(1);
  });
}
