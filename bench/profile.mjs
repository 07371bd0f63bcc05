#!/usr/bin/env node
// Where a request's time goes inside the module, by category of WebAssembly function: V8's
// sampling profiler (through node:inspector) around each operation in turn, on one build.
//
//   node bench/profile.mjs [DIR] [--ops personal_sign,eip712] [--ms 3000] [--interval 50]
//                          [--top 15] [--inclusive 25] [--json FILE] [--save DIR] [--take-save]
//
// DIR holds a wasm-bindgen `--target web` output whose .wasm still has its name section:
// scripts/build-wasm.sh leaves one in target/wasm-bindgen/web (before wasm-opt, which strips
// names); that is the default. The requests and the vault (audit log at its steady state)
// are bench/lib/cases.mjs's, as in bench/compare.mjs. For each operation: the share of the
// samples in the allocator, in Vec growth and in the mem* functions (the module is built with
// bulk memory, so memcpy and memset are mostly inline `memory.copy`/`memory.fill` and show up
// in their callers), the functions with the most self time, and with --inclusive the Rust
// functions with the most inclusive time (callees included: where a request's time goes).
// Shares are of all samples taken while the operation ran (JS glue included). --save
// writes each operation's profile as DIR/OP.cpuprofile (opens in Chrome DevTools).
// --take-save calls takeSave() after every request, as the wallet's Worker does; without it
// the requests run as bench/compare.mjs runs them (the save is never taken, and the module
// holds the audit records of every request).

import { Session } from 'node:inspector/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { custodianRequests, setupCustodian } from './lib/cases.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function parseArgs(argv) {
  const o = { dir: join(ROOT, 'target/wasm-bindgen/web'), ops: null, ms: 3000, interval: 50, top: 15, inclusive: 0, json: null, save: null, takeSave: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--ops') o.ops = argv[++i].split(',');
    else if (a === '--ms') o.ms = Number(argv[++i]);
    else if (a === '--interval') o.interval = Number(argv[++i]);
    else if (a === '--top') o.top = Number(argv[++i]);
    else if (a === '--inclusive') o.inclusive = Number(argv[++i]);
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--save') o.save = argv[++i];
    else if (a === '--take-save') o.takeSave = true;
    else if (!a.startsWith('--')) o.dir = resolve(a);
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// Categories by function name (rustc's mangled-then-demangled names in the name section; the
// exact paths differ between allocators, so each category lists the spellings seen).
const CATEGORIES = [
  ['allocator', /dlmalloc|talc::|rlsf::|__rust_(alloc|dealloc|realloc|alloc_zeroed)|__rdl_|__rg_|GlobalAlloc/],
  ['Vec growth (raw_vec)', /raw_vec::/],
  ['memcpy/memmove/memset/memcmp', /^(memcpy|memmove|memset|memcmp|bcmp)$|compiler_builtins::mem/],
];

function categorise(name) {
  // Only the module's own functions: a JS function's name carries its file's URL.
  if (name.startsWith('(')) return null;
  for (const [cat, re] of CATEGORIES) if (re.test(name)) return cat;
  return null;
}

/** Self time per function (ms) of one profile: samples x their time deltas. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; charge it to sample i's function.
    const node = byId.get(samples[i]);
    const name = node.callFrame.functionName || `(anonymous ${node.callFrame.url})`;
    out.set(name, (out.get(name) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
  }
  return out;
}

/** Inclusive time per function (ms): each sample charged once to every function on its stack. */
function inclusiveTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Drop the hashes rustc appends (`::h0123...`, `[0123...]`): one entry per function.
  const clean = (name) => name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '');
  const out = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const name = clean(byId.get(id).callFrame.functionName);
      if (!name || seen.has(name)) continue;
      seen.add(name);
      out.set(name, (out.get(name) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
    }
  }
  return out;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { ed25519 } = await import('@noble/curves/ed25519.js');
  const glue = await import(pathToFileURL(join(o.dir, 'custodian_wasm.js')).href);
  glue.initSync({ module: readFileSync(join(o.dir, 'custodian_wasm_bg.wasm')) });
  const fx = await setupCustodian(glue.Custodian);
  fx.solPublicKey = ed25519.getPublicKey(fx.solSeed);
  const requests = custodianRequests(fx);
  const ops = o.ops ?? Object.keys(requests);
  const run = async (req) => {
    await fx.main.request(req);
    if (o.takeSave) fx.main.takeSave();
  };

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: o.interval });

  const report = {};
  for (const op of ops) {
    const req = requests[op];
    if (!req) throw new Error(`unknown op ${op}`);
    // Warm-up: V8 tiers the module up (Liftoff, then TurboFan) on hot functions.
    const warm = performance.now();
    while (performance.now() - warm < 500) await run(req);
    await session.post('Profiler.start');
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < o.ms) {
      await run(req);
      count += 1;
    }
    const elapsed = performance.now() - start;
    const { profile } = await session.post('Profiler.stop');
    if (o.save) writeFileSync(join(o.save, `${op}.cpuprofile`), JSON.stringify(profile));
    const self = selfTimes(profile);
    let total = 0;
    const cats = Object.fromEntries(CATEGORIES.map(([c]) => [c, 0]));
    const members = Object.fromEntries(CATEGORIES.map(([c]) => [c, []]));
    for (const [name, ms] of self) {
      total += ms;
      const c = categorise(name);
      if (c) {
        cats[c] += ms;
        members[c].push([name, ms]);
      }
    }
    const idle = (self.get('(idle)') ?? 0) + (self.get('(program)') ?? 0) + (self.get('(garbage collector)') ?? 0);
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, o.top);
    report[op] = {
      requests: count,
      usPerRequest: (elapsed * 1000) / count,
      sampledMs: total,
      shares: Object.fromEntries(Object.entries(cats).map(([c, ms]) => [c, ms / total])),
      idleProgramGcShare: idle / total,
      members: Object.fromEntries(
        Object.entries(members).map(([c, list]) => [c, list.sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, share: ms / total }))]),
      ),
      top: top.map(([name, ms]) => ({ name, share: ms / total, category: categorise(name) })),
      inclusive: [...inclusiveTimes(profile).entries()]
        .filter(([name]) => name.includes('::'))
        .sort((a, b) => b[1] - a[1])
        .slice(0, o.inclusive)
        .map(([name, ms]) => ({ name, share: ms / total })),
    };
    const r = report[op];
    console.log(`\n${op}: ${count} requests, ${r.usPerRequest.toFixed(1)} us each`);
    for (const [c, s] of Object.entries(r.shares)) {
      console.log(`  ${c.padEnd(30)} ${(s * 100).toFixed(1)} %`);
      for (const m of r.members[c].slice(0, 8)) console.log(`      ${(m.share * 100).toFixed(2).padStart(5)} %  ${m.name.slice(0, 100)}`);
    }
    console.log(`  ${'(program)+(gc)+(idle)'.padEnd(30)} ${(r.idleProgramGcShare * 100).toFixed(1)} %`);
    if (r.top.length) console.log('  self time:');
    for (const t of r.top) console.log(`    ${(t.share * 100).toFixed(1).padStart(5)} %  ${t.category ? `[${t.category}] ` : ''}${t.name.slice(0, 110)}`);
    if (r.inclusive.length) console.log('  inclusive time:');
    for (const t of r.inclusive) console.log(`    ${(t.share * 100).toFixed(1).padStart(5)} %  ${t.name.slice(0, 120)}`);
  }
  await session.post('Profiler.disable');
  session.disconnect();
  if (o.json) writeFileSync(o.json, JSON.stringify(report, null, 2));
}

await main();
