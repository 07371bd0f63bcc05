// scripts/sri.mjs writes integrity values that Chromium enforces: a page whose module script
// and Worker-fetched .wasm were pinned loads; after either file changes, Chromium refuses it.
// Uses a throwaway site in a temp directory (www/ is the app's, and is built elsewhere).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { run } from '../../scripts/sri.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let site;
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
