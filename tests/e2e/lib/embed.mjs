// What the embedded-wallet browser tests share: both sites built as served (scripts/build-site.mjs,
// with Subresource Integrity) into a temporary directory, the wallet on http://127.0.0.1:<p1>
// and the demo dapp on http://localhost:<p2> (two origins, two sites), Debian's Chromium in a
// fresh profile, and optionally a Hardhat node for the demo to send its transaction to.
//
// The wallet server also mounts tests/e2e/pages/ at /test/ (the harness that creates the vault
// in the wallet's own first-party storage, and the stand-in wallet window used until the app's
// popup mode exists; see wallet-window.mjs). Every CSP violation a page of either site reports
// ends up in `wallet.reports` / `demo.reports`.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildSite } from '../../../scripts/build-site.mjs';
import { startServer } from '../../../scripts/static-server.mjs';
import { FLOOR_KDF, OUT_DIR } from './browser.mjs';
import { POPUP_PATH, WWW } from './wallet-window.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const PASSWORD = 'embedded wallet e2e password';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `npx hardhat node` on a free port; resolves with {url, origin, stop}, or null if it fails. */
export async function startHardhat() {
  const port = await freePort();
  const bin = join(repoRoot, 'node_modules', '.bin', 'hardhat');
  const child = spawn(process.execPath, [bin, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: join(repoRoot, 'tests', 'node', 'hardhat'),
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 90_000);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Started HTTP and WebSocket JSON-RPC server')) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!started) {
    if (child.exitCode === null) child.kill('SIGTERM');
    return null;
  }
  child.stdout.resume();
  child.stderr.resume();
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}/`, origin, stop: () => (child.exitCode === null ? child.kill('SIGTERM') : undefined) };
}

/**
 * Builds both sites and serves them; opens Chromium. `hardhat` (from startHardhat) is the node
 * the demo talks to; without one it is pointed at a closed port (so it finds no node, and its
 * CSP allows the attempt). `embedAncestors` defaults to the demo's origin.
 */
export async function launchEmbed({ hardhat = null, embedAncestors } = {}) {
  const rpc = hardhat?.url ?? `http://127.0.0.1:${await freePort()}/`;
  const rpcOrigins = [new URL(rpc).origin];
  const out = mkdtempSync(join(tmpdir(), 'custodian-site-'));
  const built = buildSite({ out, www: WWW });
  const [walletPort, demoPort] = [await freePort(), await freePort()];
  const demoOrigin = `http://localhost:${demoPort}`;
  const wallet = await startServer({
    site: 'wallet',
    root: built.wallet,
    port: walletPort,
    embedAncestors: embedAncestors ?? [demoOrigin],
    mounts: { '/test/': join(repoRoot, 'tests', 'e2e', 'pages') },
  });
  // localhost resolves to the loopback address this listens on; as an origin it is another site.
  const demo = await startServer({ site: 'demo', root: built.demo, port: demoPort, urlHost: 'localhost', walletOrigin: wallet.origin, rpcOrigins });
  const profile = mkdtempSync(join(tmpdir(), 'custodian-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 860 } });
  // Every request any page, frame or Worker makes, to check nothing leaves the two origins.
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  return {
    built,
    wallet,
    demo,
    context,
    requests,
    rpc,
    /** The demo's address with its wallet, node and wallet window; `origin` serves it as another origin. */
    demoUrl({ origin = demo.origin } = {}) {
      const query = new URLSearchParams({ wallet: wallet.origin, rpc });
      if (POPUP_PATH !== undefined) query.set('popup', POPUP_PATH);
      return `${origin}/?${query}`;
    },
    async close() {
      await context.close();
      await Promise.all([wallet.close(), demo.close()]);
      rmSync(profile, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** The demo looking for a node where none listens (a refused connection), when there is none. */
export const NO_NODE = /ERR_CONNECTION_REFUSED/;

/**
 * Watches a page (all its frames and Workers) for what should never happen: console errors
 * and warnings, uncaught exceptions, failed responses, CSP violations seen in the page.
 * `allow` lists regular expressions for messages a test expects.
 */
export function watch(page, allow = []) {
  const problems = [];
  const add = (text) => {
    if (!allow.some((re) => re.test(text))) problems.push(text);
  };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') add(`console.${message.type()}: ${message.text()}`);
  });
  page.on('worker', (worker) => worker.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') add(`worker console.${message.type()}: ${message.text()}`);
  }));
  page.on('pageerror', (error) => add(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) add(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Creates the user's vault in the wallet origin's own (first-party) storage, as the standalone wallet would. */
export async function createVault(env) {
  const page = await env.context.newPage();
  await page.goto(`${env.wallet.url}test/harness.html?db=custodian`);
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  const created = await page.evaluate(
    ([password, kdf]) => window.harness.custodian.request({ method: 'wallet_create', params: { password, kdf } }),
    [PASSWORD, FLOOR_KDF],
  );
  // A standalone wallet locks when its tab closes: the wallet window must unlock again.
  await page.close();
  return {
    ethereum: created.accounts.find((a) => a.chain === 'ethereum').address,
    solana: created.accounts.find((a) => a.chain === 'solana').address,
  };
}

/** Saves a screenshot under tests/out/ and returns its path. */
export async function shot(page, name, { fullPage = true } = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
