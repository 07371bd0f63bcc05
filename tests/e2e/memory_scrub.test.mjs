// The memory-scrub test of tests/node/memory_scrub.test.mjs, in Debian's Chromium: the module
// runs in a dedicated module Worker (as in the wallet app), the same wallet session is played
// there, and the Worker scans its own instance's linear memory for the secrets that Node
// recomputed. Same needles, same assertions (docs/threat-model.md §Memory).
//
// The page and the Worker are served by a small server of this test (not www/, which is the
// app): only the WASM package from web/pkg/ is shared with the product.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  PASSWORD, exerciseWallet, residueStats, scanMemory, secretNeedles,
} from '../node/memory_scan.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const pkg = new URL('../../web/pkg/', import.meta.url);

// The Worker: the wasm-bindgen glue plus the shared, self-contained test functions.
const WORKER = `
import init, { Custodian } from './pkg/custodian_wasm.js';
const exerciseWallet = ${exerciseWallet.toString()};
const scanMemory = ${scanMemory.toString()};
const residueStats = ${residueStats.toString()};
let exports;
onmessage = async ({ data }) => {
  try {
    if (data.cmd === 'run') {
      exports = await init();
      postMessage({ ok: true, run: await exerciseWallet(Custodian, data.password) });
    } else if (data.cmd === 'scan') {
      // A view, not a copy: nothing runs inside the module while it is read.
      const memory = new Uint8Array(exports.memory.buffer);
      postMessage({
        ok: true,
        bytes: memory.length,
        probeHits: scanMemory(memory, [data.probe]).length,
        hits: scanMemory(memory, data.needles),
        stats: residueStats(memory),
      });
    }
  } catch (e) {
    postMessage({ ok: false, error: String((e && e.stack) || JSON.stringify(e)) });
  }
};
`;

const FILES = {
  '/': ['text/html; charset=utf-8', () => '<!doctype html><title>memory scrub</title>'],
  '/worker.mjs': ['text/javascript; charset=utf-8', () => WORKER],
  '/pkg/custodian_wasm.js': ['text/javascript; charset=utf-8',
    () => readFileSync(new URL('custodian_wasm.js', pkg))],
  '/pkg/custodian_wasm_bg.wasm': ['application/wasm',
    () => readFileSync(new URL('custodian_wasm_bg.wasm', pkg))],
};

let server;
let origin;
let context;
let profileDir;

before(async () => {
  server = createServer((req, res) => {
    const file = FILES[new URL(req.url, 'http://x').pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1]());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  profileDir = mkdtempSync(join(tmpdir(), 'custodian-scrub-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test('Chromium Worker: after lock, linear memory holds no secret and no Argon2 block', { timeout: 180_000 }, async (t) => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${origin}/`);
  await page.evaluate(() => {
    const worker = new Worker('/worker.mjs', { type: 'module' });
    worker.onerror = (e) => { window.workerError = e.message ?? 'worker failed to load'; };
    window.ask = (message) => new Promise((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.postMessage(message);
    });
  });

  const ran = await page.evaluate((password) => window.ask({ cmd: 'run', password }), PASSWORD);
  assert.ok(ran.ok, ran.error);
  const { run } = ran;
  assert.equal(run.state, 'locked');
  assert.equal(run.signatures.length, 10);

  const { needles, kdf } = await secretNeedles(run);
  assert.deepEqual(kdf, { m: 65536, t: 3, p: 1 });
  const sealed = Uint8Array.from(run.saves.at(-1));
  const probe = { name: 'salt', hex: Buffer.from(sealed.slice(24, 56)).toString('hex') };

  const scan = await page.evaluate((message) => window.ask(message), { cmd: 'scan', needles, probe });
  assert.ok(scan.ok, scan.error);
  t.diagnostic(`linear memory ${scan.bytes} bytes; ${needles.length} needles; non-zero ${scan.stats.nonZero}; dense 1 KiB blocks ${scan.stats.denseBlocks}`);
  assert.ok(scan.bytes >= 64 * 1024 * 1024, 'memory grew for Argon2');
  assert.ok(scan.probeHits > 0, 'scanner self-check: the public salt is found');

  const byName = {};
  for (const h of scan.hits) (byName[h.name] ??= []).push(h.offset);
  assert.deepEqual(byName, {}, `secrets left in linear memory:\n${JSON.stringify(byName, null, 1)}`);
  assert.ok(scan.stats.denseBlocks < 1024, `${scan.stats.denseBlocks} dense 1 KiB blocks: Argon2 memory not wiped?`);
  assert.ok(scan.stats.nonZero < 8 * 1024 * 1024, `${scan.stats.nonZero} non-zero bytes left`);
  assert.deepEqual(problems, []);
  await page.close();
});
