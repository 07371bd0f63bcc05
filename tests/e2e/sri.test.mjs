// scripts/sri.mjs writes integrity values that Chromium enforces: a page whose module script
// and Worker-fetched .wasm were pinned loads; after either file changes, Chromium refuses it.
// A module graph loaded on first use (an `sri-graph` marker, preloaded by www/lib/pinned-modules.js)
// is listed whole, not preloaded by the page, loads pinned, and is refused once changed; `--check`
// notices a graph that gained a module. Uses throwaway sites in a temp directory (www/ is the
// app's, and is built elsewhere).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { addModulePreloads, expandModuleGraphs, run } from '../../scripts/sri.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let site;
let lazySite;
let server;
let origin;
let context;
let profileDir;

function writeSite() {
  mkdirSync(join(site, 'pkg'), { recursive: true });
  writeFileSync(join(site, 'pkg', 'module.wasm'), readFileSync(new URL('../../web/pkg/custodian_wasm_bg.wasm', import.meta.url)));
  writeFileSync(join(site, 'index.html'),
    '<!doctype html><title>sri</title><script type="module" src="app.js"></script>\n');
  writeFileSync(join(site, 'app.js'), `
    const worker = new Worker('worker.js', { type: 'module' });
    worker.onmessage = (e) => { document.body.dataset.state = e.data; };
  `);
  writeFileSync(join(site, 'worker.js'), `
    fetch('pkg/module.wasm', { integrity: 'sha384-' /* sri: pkg/module.wasm */ })
      .then((r) => r.arrayBuffer()).then(() => postMessage('wasm-ok'), () => postMessage('wasm-refused'));
  `);
}

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'custodian-sri-'));
  lazySite = join(site, 'lazy-site');
  server = createServer((req, res) => {
    const path = join(site, new URL(req.url, 'http://x').pathname.replace(/\/$/, '/index.html'));
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/plain', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  profileDir = mkdtempSync(join(tmpdir(), 'custodian-sri-profile-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  for (const dir of [site, profileDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function state() {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${origin}/`);
  await page.waitForTimeout(1500);
  const value = await page.evaluate(() => document.body.dataset.state ?? 'no-script');
  await page.close();
  return { value, errors };
}

test('pinned files load; a changed script or .wasm is refused', { timeout: 60_000 }, async () => {
  writeSite();
  assert.ok(run(site).length >= 2, 'integrity values written');
  assert.deepEqual(run(site, { check: true }), []);
  assert.match(readFileSync(join(site, 'index.html'), 'utf8'), /integrity="sha384-[A-Za-z0-9+/]{64}"/);
  assert.equal((await state()).value, 'wasm-ok');

  appendFileSync(join(site, 'pkg', 'module.wasm'), Buffer.from([0]));
  assert.equal((await state()).value, 'wasm-refused');
  assert.ok(run(site, { check: true }).length > 0, '--check notices the change');

  run(site);
  assert.equal((await state()).value, 'wasm-ok');
  appendFileSync(join(site, 'app.js'), '\n// changed after the build\n');
  const changed = await state();
  assert.equal(changed.value, 'no-script');
  assert.ok(changed.errors.some((e) => /integrity/i.test(e)), changed.errors.join('\n'));
});

function writeLazySite() {
  mkdirSync(join(lazySite, 'lazy'), { recursive: true });
  writeFileSync(join(lazySite, 'index.html'), '<!doctype html><title>lazy</title><script type="module" src="app.js"></script>\n');
  writeFileSync(join(lazySite, 'pinned-modules.js'), readFileSync(new URL('../../www/lib/pinned-modules.js', import.meta.url)));
  writeFileSync(join(lazySite, 'app.js'), `
    import { preloadPinned } from './pinned-modules.js';
    const PINS = /* sri-graph: ./lazy/a.js */ {};
    preloadPinned(PINS, import.meta.url)
      .then(() => import('./lazy/a.js'))
      .then((m) => { document.body.dataset.lazy = m.value; }, (e) => { document.body.dataset.lazy = 'refused: ' + e.name; });
  `);
  writeFileSync(join(lazySite, 'lazy', 'a.js'), "import { b } from './b.js';\nexport const value = `a+${b}`;\n");
  writeFileSync(join(lazySite, 'lazy', 'b.js'), "export const b = 'b';\n");
}

async function lazyState() {
  const page = await context.newPage();
  await page.goto(`${origin}/lazy-site/`);
  await page.waitForFunction(() => document.body?.dataset.lazy !== undefined, null, { timeout: 10_000 });
  const value = await page.evaluate(() => document.body.dataset.lazy);
  await page.close();
  return value;
}

const build = (root) => {
  expandModuleGraphs(root);
  addModulePreloads(root);
  run(root);
};

test('a graph loaded on first use is pinned whole, not preloaded by the page, and refused once changed', { timeout: 60_000 }, async () => {
  writeLazySite();
  build(lazySite);
  assert.deepEqual([...expandModuleGraphs(lazySite, { check: true }), ...run(lazySite, { check: true })], []);
  const app = readFileSync(join(lazySite, 'app.js'), 'utf8');
  for (const file of ['a.js', 'b.js']) {
    const hash = `sha384-${createHash('sha384').update(readFileSync(join(lazySite, 'lazy', file))).digest('base64')}`;
    assert.ok(app.includes(`'./lazy/${file}': '${hash}' /* sri: ./lazy/${file} */,`), `${file} listed with its hash:\n${app}`);
  }
  const html = readFileSync(join(lazySite, 'index.html'), 'utf8');
  assert.match(html, /rel="modulepreload" href="\.\/pinned-modules\.js" integrity="sha384-/);
  assert.doesNotMatch(html, /lazy\//, 'the page does not preload the graph');
  assert.equal(await lazyState(), 'a+b');

  // b.js is only imported by a.js: nothing but its listed hash can catch the change.
  appendFileSync(join(lazySite, 'lazy', 'b.js'), '// changed after the build\n');
  assert.equal(await lazyState(), 'refused: PinnedModuleError');
  assert.ok(run(lazySite, { check: true }).length > 0);

  // A module the graph gained after the listing was written: --check says so; a build lists it.
  writeFileSync(join(lazySite, 'lazy', 'c.js'), "export const c = 'c';\n");
  writeFileSync(join(lazySite, 'lazy', 'b.js'), "import { c } from './c.js';\nexport const b = `b+${c}`;\n");
  assert.match(expandModuleGraphs(lazySite, { check: true }).join('\n'), /app\.js: the sri-graph of \.\/lazy\/a\.js does not list its current module graph/);
  build(lazySite);
  assert.match(readFileSync(join(lazySite, 'app.js'), 'utf8'), /'\.\/lazy\/c\.js': 'sha384-[A-Za-z0-9+/]{64}'/);
  assert.deepEqual([...expandModuleGraphs(lazySite, { check: true }), ...run(lazySite, { check: true })], []);
  assert.equal(await lazyState(), 'a+b+c');
});
