import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const root = process.cwd();

test('build writes index.html with the base meta, hashed assets, .gz files and the manifest', () => {
  const out = mkdtempSync(join(tmpdir(), 'pvui-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'build.mjs'), '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /initial JS\+CSS/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    assert.match(html, /<meta name="provisiond-base" content="">/);
    assert.doesNotMatch(html, /<script>(?!<)/, 'no inline script');
    assert.doesNotMatch(html, /https?:\/\//, 'no external URL');
    const js = /<script type="module" src="\.\/(app-[A-Z0-9]{8}\.js)"><\/script>/.exec(html);
    const css = /<link rel="stylesheet" href="\.\/(app-[A-Z0-9]{8}\.css)">/.exec(html);
    assert.ok(js && css, 'index.html references the hashed entry and stylesheet by relative URL');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const byPath = new Map(manifest.map((m: any) => [m.path, m]));
    for (const name of [js![1], css![1], 'index.html']) {
      const m: any = byPath.get(name);
      assert.ok(m, `${name} in the manifest`);
      assert.equal(m.bytes, readFileSync(join(out, name)).length);
      assert.ok(existsSync(join(out, name + '.gz')));
      assert.equal(m.gzip_bytes, readFileSync(join(out, name + '.gz')).length);
      assert.deepEqual(gunzipSync(readFileSync(join(out, name + '.gz'))), readFileSync(join(out, name)));
    }
    assert.equal((byPath.get(js![1]) as any).hashed, true);
    assert.equal((byPath.get('index.html') as any).hashed, false);
    assert.match((byPath.get(js![1]) as any).type, /^text\/javascript/);
    // The docs renderer is a separate chunk, not in the initial budget.
    const docs = manifest.find((m: any) => m.path.startsWith('docs_view-'));
    assert.ok(docs && !docs.initial, 'docs chunk loaded lazily');
    const initial = manifest.filter((m: any) => m.initial).reduce((a: number, m: any) => a + m.gzip_bytes, 0);
    assert.ok(initial < 200 * 1024);
    for (const m of manifest) {
      if (!/\.(js|css)$/.test(m.path)) continue;
      const text = readFileSync(join(out, m.path), 'utf8');
      assert.doesNotMatch(text, /fonts\.(gstatic|googleapis)\.com/, `${m.path} loads no external font`);
    }
  } finally { rmSync(out, { recursive: true, force: true }); }
});

test('build fails with exit 1 and a message when the initial bundle is over budget', () => {
  const out = mkdtempSync(join(tmpdir(), 'pvui-'));
  try {
    const r = spawnSync(process.execPath, [join(root, 'build.mjs'), '--out', out, '--budget-kb', '10'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /over the 10\.0 KB budget/);
  } finally { rmSync(out, { recursive: true, force: true }); }
});
