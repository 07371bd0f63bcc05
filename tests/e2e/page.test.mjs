// The placeholder page in Debian's Chromium, driven by playwright-core: the WASM loads in a
// module Worker under the page's Content-Security-Policy and the addresses it shows are valid.
// A screenshot goes to tests/out/page.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { getAddress } from 'ethers';
import { PublicKey } from '@solana/web3.js';
import { startServer } from '../../scripts/static-server.mjs';

const outDir = fileURLToPath(new URL('../out/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server;
let context;
let profileDir;

before(async () => {
  server = await startServer();
  profileDir = mkdtempSync(join(tmpdir(), 'custodian-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 900, height: 640 },
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** Opens the page, recording console errors, uncaught errors and CSP violations. */
async function openPage() {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const wasmResponses = [];
  context.on('response', (res) => {
    if (res.url().endsWith('.wasm')) wasmResponses.push(res);
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  await page.goto(server.url);
  return { page, problems, wasmResponses };
}

async function shownAddresses(page) {
  return {
    ethereum: (await page.getByTestId('ethereum-address').textContent()).trim(),
    solana: (await page.getByTestId('solana-address').textContent()).trim(),
  };
}

function assertValidAddresses({ ethereum, solana }) {
  assert.equal(getAddress(ethereum.toLowerCase()), ethereum, 'EIP-55 checksum');
  const key = new PublicKey(solana);
  assert.equal(key.toBase58(), solana);
  assert.equal(PublicKey.isOnCurve(key.toBytes()), true, 'Ed25519 point');
}

test('page loads the WASM in a Worker and shows two valid addresses', { timeout: 60_000 }, async () => {
  const { page, problems, wasmResponses } = await openPage();
  await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });

  const first = await shownAddresses(page);
  assertValidAddresses(first);
  assert.match(await page.getByTestId('status').textContent(), /running in a Worker/);

  // The module lives in the Worker: the page itself never instantiated it.
  assert.equal(page.workers().length, 1);
  assert.ok(page.workers()[0].url().endsWith('/worker.js'));

  await page.getByRole('button', { name: 'Generate new keys' }).click();
  await page.waitForFunction(
    (previous) => document.getElementById('ethereum').textContent.trim() !== previous,
    first.ethereum,
  );
  const second = await shownAddresses(page);
  assertValidAddresses(second);
  assert.notEqual(second.solana, first.solana);

  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'page.png'), fullPage: true });

  // Fetched by the Worker (Playwright reports worker requests on the context).
  assert.equal(wasmResponses.length, 1);
  assert.equal(await wasmResponses[0].headerValue('content-type'), 'application/wasm');
  assert.deepEqual(problems, []);
  await page.close();
});

test('server sends the CSP and the WASM MIME type', async () => {
  const page = await fetch(server.url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const wasm = await fetch(new URL('pkg/custodian_wasm_bg.wasm', server.url));
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(new URL('../Cargo.toml', server.url))).status, 404);
  assert.equal((await fetch(new URL('%2e%2e/Cargo.toml', server.url))).status, 404);
});
