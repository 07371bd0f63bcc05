#!/usr/bin/env node
// Custodian's benchmark harness: Custodian and the libraries people would otherwise use, in the
// same loops, in Node and in a module Worker in Debian's Chromium. See docs/benchmarks.md.
//
//   node bench/run.mjs [--node] [--browser] [--quick] [--rounds N] [--budget MS]
//                      [--only op1,op2] [--no-wallet-core] [--native] [--cold] [--out DIR]
//
// With neither --node nor --browser, both run. Needs `scripts/build-wasm.sh` first (web/pkg);
// builds web/dist (tsc) itself when it is missing or stale. Writes into bench/out/:
// results.json, results.md, chart.svg and chart.png (the SVG rendered by Chromium).
//
// Custodian's signing figures are for a wallet whose audit log is in its steady state (2,000
// signatures made first, see lib/cases.mjs); CUSTODIAN_BENCH_AUDIT_FILL=N changes that number.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { AUDIT_FILL } from './lib/cases.mjs';
import { readNative } from './lib/native.mjs';
import { renderChart, renderMarkdown, summarise } from './lib/report.mjs';
import { measureSizes } from './lib/sizes.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// As in tests/e2e.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // V8 keeps compiled WebAssembly modules in a per-process cache keyed by their bytes: without
  // this, a cold-start repetition could reuse the module of the one before (in the same
  // renderer), which no first visit can.
  '--js-flags=--no-wasm-native-module-cache-enabled',
];

function parseArgs(argv) {
  const opts = { node: false, browser: false, quick: false, coldOnly: false, rounds: null, budget: null, only: null, walletCore: true, native: false, out: join(ROOT, 'bench/out'), reportOnly: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--node') opts.node = true;
    else if (a === '--browser') opts.browser = true;
    else if (a === '--quick') opts.quick = true;
    else if (a === '--rounds') opts.rounds = Number(argv[++i]);
    else if (a === '--budget') opts.budget = Number(argv[++i]);
    else if (a === '--only') opts.only = argv[++i].split(',');
    else if (a === '--no-wallet-core') opts.walletCore = false;
    else if (a === '--native') opts.native = true;
    else if (a === '--cold') opts.coldOnly = true;
    else if (a === '--out') opts.out = argv[++i];
    else if (a === '--report-only') opts.reportOnly = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log(readHelp());
      process.exit(0);
    } else {
      console.error(`unknown argument ${a}\n${readHelp()}`);
      process.exit(2);
    }
  }
  if (!opts.node && !opts.browser) opts.node = opts.browser = true;
  opts.rounds ??= opts.quick ? 3 : 7;
  opts.budgetMs = opts.budget ?? (opts.quick ? 150 : 400);
  // Slow cases (Argon2, PBKDF2) get at least one operation per round whatever the budget.
  opts.slowBudgetMs = opts.quick ? 0 : 600;
  opts.coldReps = opts.quick ? 3 : 9;
  return opts;
}

function readHelp() {
  return `usage: node bench/run.mjs [--node] [--browser] [--quick] [--rounds N] [--budget MS]
                          [--only op1,op2] [--no-wallet-core] [--native] [--out DIR]
  --node / --browser   run only that environment (default: both)
  --quick              3 rounds, short budgets (a smoke run; figures are noisier)
  --only               operations whose id contains one of these (personal_sign, eip1559, ...)
  --no-wallet-core     skip @trustwallet/wallet-core (its 10 MB module takes seconds to load)
  --native             run the criterion benches first (cargo bench -p custodian-core --bench core)
  --cold               only the cold starts (and memory), with the anchors' cold starts
  --report-only FILE   re-render results.md and the chart from an earlier results.json`;
}

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const wasm = join(ROOT, 'web/pkg/custodian_wasm_bg.wasm');
  if (!existsSync(wasm)) throw new Error('web/pkg is missing: run scripts/build-wasm.sh first');
  const dist = join(ROOT, 'web/dist/client.js');
  if (!existsSync(dist) || statSync(dist).mtimeMs < newestMtime(join(ROOT, 'web/src'))) {
    console.log('building web/dist (npm --prefix web run build: tsc, then the one-file Worker)');
    execFileSync('npm', ['--prefix', join(ROOT, 'web'), 'run', 'build'], { stdio: 'inherit' });
  }
}

function machine() {
  const chromium = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? 'unknown';
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    chromium,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

async function runNode(opts) {
  const { runNodeSuite } = await import('./node/suite.mjs');
  const { runNodeCold } = await import('./node/cold.mjs');
  const log = (t) => console.log(`[node] ${t}`);
  const suite = opts.coldOnly ? { results: [], problems: [], notes: [] } : await runNodeSuite({
    rounds: opts.rounds,
    budgetMs: opts.budgetMs,
    slowBudgetMs: opts.slowBudgetMs,
    only: opts.only,
    walletCore: opts.walletCore,
    log,
  });
  log('cold start and memory (fresh processes)');
  const cold = await runNodeCold({ reps: opts.coldReps });
  return { ...suite, cold: cold.cold, memory: cold.memory };
}

async function runBrowser(opts) {
  const { chromium } = await import('playwright-core');
  const { startBenchServer } = await import('./lib/modserver.mjs');
  const { prepareWorkerVariants } = await import('./lib/worker-variants.mjs');
  const appWorkers = prepareWorkerVariants(ROOT);
  const server = await startBenchServer({
    root: ROOT,
    // wallet-core's Emscripten loader fetches its .wasm next to the Worker script and accepts
    // no locateFile/wasmBinary override.
    aliases: { '/bench/browser/wallet-core.wasm': 'node_modules/@trustwallet/wallet-core/dist/lib/wallet-core.wasm' },
  });
  const profile = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.text().startsWith('[bench]')) console.log(`[chromium] ${msg.text().slice(8)}`);
      else if (msg.type() === 'error') console.log(`[chromium error] ${msg.text()}`);
    });
    page.on('pageerror', (err) => console.log(`[chromium page error] ${err.message}`));
    await page.goto(`${server.url}/bench/browser/index.html`);
    await page.waitForFunction(() => typeof window.runBench === 'function');
    return await page.evaluate(
      (o) => window.runBench(o),
      {
        rounds: opts.rounds,
        budgetMs: opts.budgetMs,
        slowBudgetMs: opts.slowBudgetMs,
        only: opts.only,
        walletCore: opts.walletCore,
        auditFill: AUDIT_FILL,
        coldReps: opts.coldReps,
        coldOnly: opts.coldOnly,
        appWorkers,
      },
      { timeout: 0 },
    );
  } finally {
    await context?.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** First visit against returning visits, served as scripts/serve.sh serves the wallet. */
async function runReturningVisits(opts) {
  const { runReturning } = await import('./lib/returning.mjs');
  const { loadCustodian } = await import('./node/libs.mjs');
  const { ETH_ADDRESS, ETH_PRIVATE_KEY, KDF_19M, MESSAGE, PASSWORD, toHex, utf8 } = await import('./lib/fixtures.mjs');
  const { Custodian } = await loadCustodian();
  const wallet = new Custodian();
  await wallet.request({ method: 'wallet_import', params: { password: PASSWORD, privateKey: ETH_PRIVATE_KEY, kdf: KDF_19M } });
  const sealed = wallet.takeSave().bytes;
  wallet.free();
  return runReturning(ROOT, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    reps: opts.quick ? 2 : 5,
    sealed,
    password: PASSWORD,
    request: { method: 'personal_sign', params: [`0x${toHex(utf8(MESSAGE))}`, ETH_ADDRESS] },
    log: (t) => console.log(`[chromium] ${t}`),
  });
}

/** Renders the SVG chart to PNG with Chromium, so the chart can be looked at as an image. */
async function renderPng(svgPath, pngPath) {
  const { chromium } = await import('playwright-core');
  const { readFileSync } = await import('node:fs');
  const svg = readFileSync(svgPath, 'utf8');
  const width = Number(svg.match(/width="(\d+)"/)[1]);
  const height = Number(svg.match(/height="(\d+)"/)[1]);
  const profile = mkdtempSync(join(tmpdir(), 'custodian-bench-png-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
  });
  try {
    const page = await context.newPage();
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: pngPath, clip: { x: 0, y: 0, width, height }, timeout: 120_000 });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function writeReport(report, out) {
  report.summary = summarise(report);
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'results.md'), renderMarkdown(report));
  const svgPath = join(out, 'chart.svg');
  writeFileSync(svgPath, renderChart(report));
  await renderPng(svgPath, join(out, 'chart.png'));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(opts.out, { recursive: true });
  if (opts.reportOnly) {
    const { readFileSync } = await import('node:fs');
    await writeReport(JSON.parse(readFileSync(opts.reportOnly, 'utf8')), opts.out);
    console.log(`wrote ${opts.out}/results.{json,md}, chart.svg, chart.png`);
    return;
  }
  ensureBuilt();
  const report = { machine: machine(), options: { auditFill: AUDIT_FILL, rounds: opts.rounds, budgetMs: opts.budgetMs, slowBudgetMs: opts.slowBudgetMs, quick: opts.quick, only: opts.only }, environments: {} };
  const { anchorVersions } = await import('./node/libs.mjs');
  report.versions = anchorVersions();
  if (opts.native) {
    console.log('running the criterion benches (cargo bench -p custodian-core --bench core)');
    execFileSync('cargo', ['bench', '-p', 'custodian-core', '--bench', 'core', '--', '--warm-up-time', '1', '--measurement-time', '3'], { cwd: ROOT, stdio: 'inherit' });
  }
  report.native = readNative(ROOT);
  if (opts.node) report.environments.node = await runNode(opts);
  if (opts.browser) {
    report.environments.chromium = await runBrowser(opts);
    report.environments.chromium.returning = await runReturningVisits(opts);
  }
  if (!opts.coldOnly) report.sizes = measureSizes(ROOT);
  report.machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  await writeReport(report, opts.out);
  for (const env of Object.values(report.environments)) for (const p of env.problems ?? []) console.log(`CHECK FAILED: ${p}`);
  console.log(`\nwrote ${opts.out}/results.{json,md}, chart.svg, chart.png`);
  console.log(renderMarkdown(report));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
