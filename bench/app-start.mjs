// How long the wallet page takes to leave "Loading" (the state pill: `wallet_status` answered,
// first view shown) on a first visit: a fresh browser context each time (no HTTP cache, no
// compiled .wasm, an empty IndexedDB), the site as served (scripts/build-site.mjs output under
// scripts/static-server.mjs with its real headers). Several builds are measured interleaved,
// round by round, so load on the machine falls on all of them alike.
//
//   node bench/app-start.mjs [--reps 11] NAME=SITE_DIR [NAME=SITE_DIR ...]
//
// SITE_DIR is a built wallet directory (e.g. target/site/wallet). Prints per build the median,
// min and max time from navigation start to leaving "Loading", and the requests and bytes the
// page and its Worker made by then; and the load average before and after.

import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/static-server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const args = process.argv.slice(2);
let reps = 11;
const sites = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--reps') reps = Number(args[(i += 1)]);
  else {
    const [name, dir] = args[i].split('=');
    if (!dir) throw new Error(`expected NAME=SITE_DIR, not ${args[i]}`);
    sites.push({ name, dir: resolve(dir), times: [], requests: [], bytes: [] });
  }
}
if (sites.length === 0 || !(reps > 0)) {
  console.error('usage: node bench/app-start.mjs [--reps 11] NAME=SITE_DIR [NAME=SITE_DIR ...]');
  process.exit(2);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One first visit: ms from navigation start to the pill leaving "Loading", and what was fetched by then. */
async function visit(browser, url) {
  const context = await browser.newContext();
  let requests = 0;
  let bytes = 0;
  let counting = true;
  context.on('requestfinished', async (request) => {
    if (!counting) return;
    requests += 1;
    const sizes = await request.sizes().catch(() => null);
    if (sizes) bytes += sizes.responseBodySize;
  });
  await context.addInitScript(() => {
    const mark = () => {
      const state = document.body?.dataset.state;
      if (state && state !== 'loading' && window.__leftLoading === undefined) window.__leftLoading = performance.now();
    };
    new MutationObserver(mark).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.__leftLoading !== undefined, null, { timeout: 60_000, polling: 20 });
  counting = false;
  const ms = await page.evaluate(() => window.__leftLoading);
  const state = await page.evaluate(() => document.body.dataset.state);
  await context.close();
  if (state !== 'empty') throw new Error(`expected a first visit to find no wallet, found ${state}`);
  return { ms, requests, bytes };
}

const servers = await Promise.all(sites.map((site) => startServer({ site: 'wallet', root: site.dir })));
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
const before = loadavg();
try {
  // One unmeasured visit each: the OS file cache and Chromium's own start-up are warm for all.
  for (const server of servers) await visit(browser, server.url);
  for (let round = 0; round < reps; round += 1) {
    const order = round % 2 === 0 ? sites.map((_, i) => i) : sites.map((_, i) => i).reverse();
    for (const i of order) {
      const result = await visit(browser, servers[i].url);
      sites[i].times.push(result.ms);
      sites[i].requests.push(result.requests);
      sites[i].bytes.push(result.bytes);
    }
  }
} finally {
  await browser.close();
  await Promise.all(servers.map((server) => server.close()));
}
const afterLoad = loadavg();
console.log(`first visit to leaving "Loading", ${reps} interleaved rounds, fresh context each`);
console.log(`load average (1 min) ${before[0].toFixed(2)} before, ${afterLoad[0].toFixed(2)} after`);
for (const site of sites) {
  const t = site.times;
  console.log(
    `${site.name}: median ${median(t).toFixed(0)} ms (min ${Math.min(...t).toFixed(0)}, max ${Math.max(...t).toFixed(0)}); ` +
      `${median(site.requests)} requests, ${(median(site.bytes) / 1024).toFixed(0)} KiB by then; all: ${t.map((v) => v.toFixed(0)).join(' ')}`,
  );
}
