// What every browser test shares: Debian's Chromium driven by playwright-core in a fresh
// profile, the repository's static server on a free port, and a record of every request the
// pages and their Workers make.
//
// One server, one origin: www/ at /, the test-only pages (tests/e2e/pages/) at /test/, and
// node_modules at /node_modules/ for the libraries those pages load (ethers, viem). The last two
// mounts exist only here; scripts/serve.sh serves www/ alone.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../../scripts/static-server.mjs';
import { createBareImportRewriter } from './bare-imports.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const OUT_DIR = join(repoRoot, 'tests', 'out');
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

/** The lowest Argon2id cost a vault accepts; wallets created by tests use it for speed. */
export const FLOOR_KDF = Object.freeze({ memoryKib: 19456, iterations: 2, parallelism: 1 });

/**
 * Starts the server and a browser with a fresh profile (so a fresh IndexedDB).
 * @returns {Promise<{url: string, context: import('playwright-core').BrowserContext,
 *   requests: string[], close: () => Promise<void>}>}
 */
export async function launch({ viewport = { width: 960, height: 720 } } = {}) {
  const nodeModules = join(repoRoot, 'node_modules');
  const { rewrite } = createBareImportRewriter(nodeModules);
  const server = await startServer({
    mounts: { '/test/': join(repoRoot, 'tests', 'e2e', 'pages'), '/node_modules/': nodeModules },
    // Bare `import ... from 'viem'` in test pages and in node_modules becomes a /node_modules/ URL.
    transform: ({ path, urlPath, body }) =>
      /\.m?js$/.test(path) && (urlPath.startsWith('/test/') || urlPath.startsWith('/node_modules/'))
        ? Buffer.from(rewrite(body.toString('utf8'), path))
        : body,
  });
  const profileDir = mkdtempSync(join(tmpdir(), 'custodian-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
  } catch (error) {
    await server.close();
    rmSync(profileDir, { recursive: true, force: true });
    throw error;
  }
  // Every request of every page and Worker in this browser, for the no-network assertion.
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  return {
    url: server.url,
    context,
    requests,
    close: async () => {
      await context.close();
      await server.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/**
 * Collects what should never happen on a page or in its Workers: console errors and warnings,
 * uncaught exceptions, HTTP errors. A test asserts the returned array empty at the end.
 */
export function watchProblems(page) {
  const problems = [];
  const onConsole = (where) => (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${where} console.${message.type()}: ${message.text()}`);
  };
  page.on('console', onConsole('page'));
  page.on('worker', (worker) => worker.on('console', onConsole(`worker ${worker.url()}`)));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Opens `path` in a new tab, watching it for problems (see `watchProblems`). */
export async function openPage(browser, path, { beforeLoad } = {}) {
  const page = await browser.context.newPage();
  const problems = watchProblems(page);
  if (beforeLoad) await beforeLoad(page);
  await page.goto(new URL(path, browser.url).href);
  return { page, problems };
}

/**
 * Every request so far went to the server's own origin. `data:` and `blob:` URLs (an inline
 * icon) are not network requests; anything else outside the origin fails.
 */
export function assertOnlyOwnOrigin(browser) {
  const origin = new URL(browser.url).origin;
  const foreign = browser.requests.filter((url) => {
    const parsed = new URL(url);
    if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return false;
    return parsed.origin !== origin;
  });
  assert.deepEqual(foreign, [], `requests outside ${origin}`);
  assert.ok(browser.requests.length > 0, 'requests were recorded');
}

/** Saves a full-page screenshot to tests/out/NAME.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `0x` hex of a string's UTF-8 bytes (personal_sign's data). */
export function utf8Hex(text) {
  return `0x${Buffer.from(text, 'utf8').toString('hex')}`;
}
