#!/usr/bin/env node
// Where a Worker RPC's time goes, in Chromium (docs/benchmarks.md, "Worker RPC"):
//
//   node bench/rpc-parts.mjs [--rounds N] [--calls N]
//
// Needs scripts/build-wasm.sh first (web/pkg, web/dist). Prints JSON and a markdown table.

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startBenchServer } from './lib/modserver.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const rounds = option('--rounds', 9);
const calls = option('--calls', 2000);

const server = await startBenchServer({ root: ROOT });
const profile = mkdtempSync(join(tmpdir(), 'custodian-rpc-parts-'));
const loadBefore = loadavg();
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`[page error] ${error.message}`));
  await page.goto(`${server.url}/bench/browser/rpc-parts.html`);
  await page.waitForFunction(() => typeof window.runParts === 'function');
  const result = await page.evaluate((o) => window.runParts(o), { rounds, calls });
  const load = (l) => l.map((x) => x.toFixed(2)).join(' / ');
  console.log(JSON.stringify({ rounds, calls, loadBefore, loadAfter: loadavg(), ...result }, null, 2));
  console.log(`\nChromium, eth_chainId, median of ${rounds} rounds of ${calls} sequential calls; load average ${load(loadBefore)} -> ${load(loadavg())}\n`);
  console.log('| Round trip | µs per call |\n|---|---|');
  for (const [name, us] of Object.entries(result.roundTripUs)) console.log(`| ${name} | ${us.toFixed(1)} |`);
  console.log('\n| Inside the traced wallet Worker | µs per request |\n|---|---|');
  for (const [name, us] of Object.entries(result.inside.perRequestUs)) console.log(`| ${name === 'busy' ? 'message to answer (all)' : name} | ${us.toFixed(1)} |`);
} finally {
  await context?.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
