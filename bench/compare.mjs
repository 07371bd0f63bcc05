#!/usr/bin/env node
// Compares builds of Custodian's module with each other, interleaved, in Node and in a
// Chromium Worker: the tool to measure a change (a profile setting, a feature, a code path)
// before it lands. See docs/benchmarks.md.
//
//   node bench/compare.mjs NAME=DIR NAME=DIR ... [--ops personal_sign,eip1559] [--rounds N]
//                          [--budget MS] [--node | --browser] [--take-save]
//
// Each DIR holds a wasm-bindgen `--target web` output: custodian_wasm.js and
// custodian_wasm_bg.wasm (e.g. web/pkg, or a copy built from a branch). The first is the
// baseline; ratios are ops/s against it.
//
// --take-save calls takeSave() after every signing request, as the wallet's Worker persists
// after each request (and the time includes handing the save to JavaScript). Without it the
// save is never taken during timing, as in bench/run.mjs's "Custodian (direct)" cases: the
// module holds the audit records of every timed request. Before the held records were
// appended rather than merged through a map (docs/benchmarks.md, "The allocator"), that made
// a direct request up to 1.8x slower, more so the longer the run.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

import { compareVariants } from './lib/compare-core.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function parseArgs(argv) {
  const o = { variants: [], ops: ['personal_sign', 'eip1559', 'eip712', 'ed25519', 'solana_transfer', 'noop'], rounds: 7, budgetMs: 300, node: false, browser: false, takeSave: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ops') o.ops = argv[++i].split(',');
    else if (a === '--rounds') o.rounds = Number(argv[++i]);
    else if (a === '--budget') o.budgetMs = Number(argv[++i]);
    else if (a === '--node') o.node = true;
    else if (a === '--browser') o.browser = true;
    else if (a === '--take-save') o.takeSave = true;
    else if (a.includes('=')) {
      const [name, dir] = a.split('=');
      o.variants.push({ name, dir: resolve(dir) });
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.variants.length < 1) throw new Error('give at least one NAME=DIR');
  if (!o.node && !o.browser) o.node = o.browser = true;
  return o;
}

async function runNode(o) {
  const { ed25519 } = await import('@noble/curves/ed25519.js');
  const { secp256k1 } = await import('@noble/curves/secp256k1.js');
  const { SigningKey } = await import('ethers');
  const { ETH_PRIVATE_KEY } = await import('./lib/fixtures.mjs');
  const anchors = { secp256k1, ed25519, ethersKey: new SigningKey(ETH_PRIVATE_KEY) };
  const variants = o.variants.map((v, i) => ({
    name: v.name,
    load: async () => {
      const glue = await import(`${pathToFileURL(join(v.dir, 'custodian_wasm.js')).href}?variant=${i}`);
      glue.initSync({ module: readFileSync(join(v.dir, 'custodian_wasm_bg.wasm')) });
      return { Custodian: glue.Custodian, glue };
    },
  }));
  return compareVariants(variants, { ...o, ed25519, anchors, log: (t) => console.log(`[node] ${t}`) });
}

async function runBrowser(o) {
  const { chromium } = await import('playwright-core');
  const { startBenchServer } = await import('./lib/modserver.mjs');
  // The server only serves the repository: copy each build under bench/out/ (ignored by git).
  const staged = join(ROOT, 'bench/out/variants');
  rmSync(staged, { recursive: true, force: true });
  const variants = o.variants.map((v, i) => {
    const dir = join(staged, `${i}`);
    mkdirSync(dir, { recursive: true });
    for (const f of ['custodian_wasm.js', 'custodian_wasm_bg.wasm']) cpSync(join(v.dir, f), join(dir, f));
    return { name: v.name, base: `/bench/out/variants/${i}` };
  });
  const server = await startBenchServer({ root: ROOT });
  const profile = mkdtempSync(join(tmpdir(), 'custodian-compare-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await context.newPage();
    page.on('console', (m) => m.text().startsWith('[bench]') && console.log(`[chromium] ${m.text().slice(8)}`));
    await page.goto(`${server.url}/bench/browser/compare.html`);
    await page.waitForFunction(() => typeof window.runCompare === 'function');
    return await page.evaluate((opts) => window.runCompare(opts), { variants, ops: o.ops, rounds: o.rounds, budgetMs: o.budgetMs, takeSave: o.takeSave }, { timeout: 0 });
  } finally {
    await context.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function table(envName, o, { results, firstCall, anchors }) {
  const base = o.variants[0].name;
  const lines = [`${envName}:`, '', `| Operation | ${o.variants.map((v) => v.name).join(' | ')} |`, `|---|${o.variants.map(() => '---').join('|')}|`];
  for (const op of o.ops) {
    const b = results[base][op].opsPerSec;
    lines.push(`| ${op} | ${o.variants.map((v) => `${Math.round(results[v.name][op].opsPerSec).toLocaleString('en-US')}/s (${(results[v.name][op].opsPerSec / b).toFixed(2)}x)`).join(' | ')} |`);
  }
  for (const [op, byName] of Object.entries(anchors ?? {})) {
    const b = results[base][op].opsPerSec;
    for (const [name, r] of Object.entries(byName)) lines.push(`| ${op}: ${name} | ${Math.round(r.opsPerSec).toLocaleString('en-US')}/s (${(r.opsPerSec / b).toFixed(2)}x of ${base}) |${o.variants.slice(1).map(() => ' |').join('')}`);
  }
  lines.push(`| first call of ${o.ops[0]} | ${o.variants.map((v) => `${firstCall[v.name][o.ops[0]].toFixed(2)} ms`).join(' | ')} |`);
  return lines.join('\n');
}

const o = parseArgs(process.argv.slice(2));
const report = { date: new Date().toISOString(), loadAverageAtStart: loadavg(), variants: o.variants, environments: {} };
const out = [];
if (o.node) {
  report.environments.node = await runNode(o);
  out.push(table('Node', o, report.environments.node));
}
if (o.browser) {
  report.environments.chromium = await runBrowser(o);
  out.push(table('Chromium Worker', o, report.environments.chromium));
}
report.loadAverageAtEnd = loadavg();
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(join(ROOT, 'bench/out/compare.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nload average ${report.loadAverageAtStart.map((x) => x.toFixed(2)).join('/')} -> ${report.loadAverageAtEnd.map((x) => x.toFixed(2)).join('/')}\n`);
console.log(out.join('\n\n'));
