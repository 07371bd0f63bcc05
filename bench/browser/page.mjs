// The browser half of the harness, driven by bench/run.mjs through Playwright
// (`window.runBench(options)`):
//   - the bench Worker (worker.mjs) runs Custodian by direct calls and every anchor;
//   - this page runs the same Custodian requests through @custodian/web's CustodianClient,
//     i.e. postMessage to the wallet's own module Worker (web/dist/worker.js) and back;
//   - all cases interleave in one loop; then cold starts in fresh Workers.

import { CustodianClient } from '/web/dist/client.js';
import { ETH_ADDRESS, ETH_PRIVATE_KEY, KDF_19M, KDF_64M, MESSAGE, MNEMONIC, PASSWORD, toHex, utf8 } from '/bench/lib/fixtures.mjs';
import { fillAuditLog } from '/bench/lib/cases.mjs';
import { interleave, median, timeCase } from '/bench/lib/measure.mjs';
import { appColdPhases, appColdRun } from '/bench/browser/cold-app.mjs';

const SLOW_OPS = new Set(['argon2_64m', 'argon2_19m', 'vault_decrypt']);
const status = document.getElementById('status');
const log = (text) => {
  status.textContent = text;
  console.log(`[bench] ${text}`);
};

/** A Worker answering {id, ...} messages with {id, result|error}. */
function endpoint(url) {
  const worker = new Worker(url, { type: 'module' });
  let next = 1;
  const pending = new Map();
  const ready = new Promise((resolve, reject) => {
    worker.addEventListener('error', (e) => reject(new Error(`${url}: ${e.message}`)), { once: true });
    worker.addEventListener('message', ({ data }) => {
      if (data.ready) return resolve();
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.error) p.reject(new Error(data.error));
      else p.resolve(data.result);
    });
  });
  return {
    ready,
    call: (message) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...message, id });
      }),
    terminate: () => worker.terminate(),
  };
}

async function walletClient(dbName, params) {
  const client = new CustodianClient({
    spawn: () => new Worker('/web/dist/worker.js', { type: 'module', name: 'custodian' }),
    dbName,
  });
  await client.ready();
  await client.request({ method: 'wallet_import', params });
  return client;
}

const now = () => performance.timeOrigin + performance.now();

/** One fresh Worker from spawn to its final message. */
function coldRun(url, input) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const worker = new Worker(url, { type: 'module' });
    if (input) worker.postMessage(input);
    worker.onmessage = ({ data }) => {
      const end = now();
      worker.terminate();
      if (data.error) reject(new Error(data.error));
      else resolve({ t0, end, ...data });
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`${url}: ${e.message}`));
    };
  });
}

function phases(runs, names) {
  const out = {};
  for (const [name, fn] of Object.entries(names)) out[name] = median(runs.map(fn));
  return out;
}

window.runBench = async (options) => {
  const { coldOnly, coldReps, appWorkers } = options;
  const stamp = Date.now();
  const suite = coldOnly ? { problems: [], notes: [], results: [] } : await runSuite(options, stamp);
  const cold = await runCold({ coldReps, appWorkers, stamp });
  log('done');
  return { ...suite, ...cold, userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated };
};

/** Every case, interleaved: the bench Worker's direct calls and anchors, and the Worker-RPC cases. */
async function runSuite(options, stamp) {
  const { rounds, budgetMs, slowBudgetMs, only, walletCore, auditFill } = options;
  log('starting the bench Worker');
  const bench = endpoint('/bench/browser/worker.mjs');
  await bench.ready;
  const setup = await bench.call({ cmd: 'setup', only, walletCore, auditFill });
  for (const p of setup.problems) log(`CHECK FAILED: ${p}`);

  log('starting the wallet Workers (Worker RPC)');
  const rpcMain = await walletClient(`bench-main-${stamp}`, { password: PASSWORD, mnemonic: MNEMONIC, kdf: KDF_19M });
  log(`filling the RPC wallet's audit log (${auditFill} signatures)`);
  await fillAuditLog((req) => rpcMain.request(req), auditFill);
  const rpcSlow = await walletClient(`bench-slow-${stamp}`, { password: PASSWORD, mnemonic: MNEMONIC, kdf: KDF_64M });
  const unlock = (client) => async () => {
    await client.request({ method: 'wallet_lock' });
    return client.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
  };
  const RPC = 'Custodian (Worker RPC)';
  const rpcCases = Object.entries(setup.requests).map(([op, req]) => ({ op, impl: RPC, run: () => rpcMain.request(req) }));
  // A burst: the Worker answers requests that queued up during a save after one shared save
  // (group commit, docs/web.md), so a client with several requests in flight pays for one
  // IndexedDB transaction per burst, not per request. Counted per request.
  const IN_FLIGHT = 16;
  for (const op of ['personal_sign', 'solana_transfer']) {
    const req = setup.requests[op];
    if (req === undefined) continue;
    rpcCases.push({
      op,
      impl: `Custodian (Worker RPC, ${IN_FLIGHT} in flight)`,
      perCall: IN_FLIGHT,
      note: `${IN_FLIGHT} requests sent at once, then awaited together`,
      run: () => Promise.all(Array.from({ length: IN_FLIGHT }, () => rpcMain.request(req))),
    });
  }
  rpcCases.push({ op: 'argon2_64m', impl: RPC, run: unlock(rpcSlow), note: 'wallet_lock + wallet_unlock' });
  rpcCases.push({ op: 'argon2_19m', impl: RPC, run: unlock(rpcMain), note: 'wallet_lock + wallet_unlock' });
  rpcCases.push({ op: 'vault_decrypt', impl: RPC, run: unlock(rpcSlow), note: 'Argon2id 64 MiB t=3 + XChaCha20-Poly1305' });
  // The floor under any Worker RPC: a bare postMessage to a Worker that echoes it back.
  const echo = new Worker('/bench/browser/echo-worker.mjs', { type: 'module' });
  let echoId = 0;
  const echoWaiters = new Map();
  echo.onmessage = ({ data }) => {
    echoWaiters.get(data.id)();
    echoWaiters.delete(data.id);
  };
  rpcCases.push({
    op: 'noop',
    impl: 'postMessage echo (floor)',
    kind: 'reference',
    note: 'bare Worker round trip, no wallet',
    run: () =>
      new Promise((resolve) => {
        const id = echoId++;
        echoWaiters.set(id, resolve);
        echo.postMessage({ id, method: 'eth_chainId' });
      }),
  });
  const selectedRpc = only ? rpcCases.filter((c) => only.some((o) => c.op.includes(o))) : rpcCases;
  for (const c of selectedRpc) await c.run(); // every RPC case answers before it is timed

  const runners = [
    ...setup.cases.map((c) => ({ key: c.key, run: (budget) => bench.call({ cmd: 'run', key: c.key, budgetMs: budget }) })),
    ...selectedRpc.map((c) => ({
      key: `${c.op}|${c.impl}`,
      run: async (budget) => {
        const { ops, ms } = await timeCase(c.run, budget);
        return { ops: ops * (c.perCall ?? 1), ms };
      },
    })),
  ];
  log(`timing ${runners.length} cases, ${rounds} interleaved rounds`);
  const timing = await interleave(runners, {
    rounds,
    budgetMs,
    slowBudgetMs,
    isSlow: (key) => SLOW_OPS.has(key.split('|')[0]),
    log,
  });
  const results = [
    ...setup.cases.map((c) => ({ ...c, ...timing[c.key] })),
    ...selectedRpc.map((c) => ({ op: c.op, impl: c.impl, kind: c.kind ?? 'custodian-rpc', note: c.note ?? '', ...timing[`${c.op}|${c.impl}`] })),
  ].map(({ key: _key, ...rest }) => rest);
  bench.terminate();
  echo.terminate();
  rpcMain.terminate();
  rpcSlow.terminate();
  return { problems: setup.problems, notes: setup.notes, results };
}

/**
 * Cold starts in fresh Workers: Custodian's bare module (cold.mjs: phase by phase), the product
 * path (cold-app.mjs: createCustodian, the wallet's own Worker, IndexedDB) in each Worker
 * variant of `appWorkers`, and the anchors; then the memory figures.
 */
async function runCold({ coldReps, appWorkers, stamp }) {
  log('cold starts');
  const helper = endpoint('/bench/browser/worker.mjs');
  await helper.ready;
  const sealed19 = await helper.call({ cmd: 'sealed', params: { password: PASSWORD, privateKey: ETH_PRIVATE_KEY, kdf: KDF_19M } });
  const sealed64 = await helper.call({ cmd: 'sealed', params: { password: PASSWORD, mnemonic: MNEMONIC, kdf: KDF_64M } });
  helper.terminate();
  const request = { method: 'personal_sign', params: [`0x${toHex(utf8(MESSAGE))}`, ETH_ADDRESS] };
  const custodianRuns = [];
  for (let i = 0; i < coldReps; i++) {
    custodianRuns.push(await coldRun(`/bench/browser/cold.mjs?rep=${stamp}-${i}`, { sealed: sealed19, password: PASSWORD, request }));
  }
  const prefetchRuns = [];
  for (let i = 0; i < coldReps; i++) {
    prefetchRuns.push(await coldRun(`/bench/browser/cold.mjs?prefetch=1&rep=${stamp}-${i}`, { sealed: sealed19, password: PASSWORD, request }));
  }
  const cold = {
    custodianPrefetch: phases(prefetchRuns, {
      glueAndInstantiate: (r) => r.marks.instantiated - r.marks.scriptStart,
      totalWithoutKdf: (r) => r.marks.firstSignature - r.t0 - (r.marks.unlocked - r.marks.constructed),
    }),
    custodian: phases(custodianRuns, {
      spawnToScript: (r) => r.marks.scriptStart - r.t0,
      glue: (r) => r.marks.glueLoaded - r.marks.scriptStart,
      fetchCompileInstantiate: (r) => r.marks.instantiated - r.marks.glueLoaded,
      openVault: (r) => r.marks.constructed - Math.max(r.marks.instantiated, r.marks.inputReceived),
      unlockKdf19MiB: (r) => r.marks.unlocked - r.marks.constructed,
      firstSignature: (r) => r.marks.firstSignature - r.marks.unlocked,
      total: (r) => r.marks.firstSignature - r.t0,
      totalWithoutKdf: (r) => r.marks.firstSignature - r.t0 - (r.marks.unlocked - r.marks.constructed),
    }),
    anchors: {},
    app: {},
    reps: coldReps,
  };
  // The product path, variants interleaved (the order rotates each repetition).
  const appRuns = Object.fromEntries(Object.keys(appWorkers).map((name) => [name, []]));
  const names = Object.keys(appWorkers);
  for (let i = 0; i < coldReps; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + i) % names.length];
      log(`cold start, product path: ${name} ${i + 1}/${coldReps}`);
      appRuns[name].push(await appColdRun({ sealed: sealed19, password: PASSWORD, request, rep: `${stamp}-${name}-${i}`, ...appWorkers[name] }));
    }
  }
  for (const [name, runs] of Object.entries(appRuns)) cold.app[name] = appColdPhases(runs, median);
  for (const lib of ['ethers', 'viem', 'noble']) {
    const runs = [];
    for (let i = 0; i < coldReps; i++) runs.push(await coldRun(`/bench/browser/cold-anchor.mjs?lib=${lib}&rep=${stamp}-${i}`));
    cold.anchors[lib] = phases(runs, {
      spawnToScript: (r) => r.marks.scriptStart - r.t0,
      load: (r) => r.marks.loaded - r.marks.scriptStart,
      firstSignature: (r) => r.marks.firstSignature - r.marks.constructed,
      total: (r) => r.marks.firstSignature - r.t0,
    });
  }
  log('memory');
  const mem = await coldRun(`/bench/browser/cold.mjs?memory=1&rep=${stamp}-m`, { sealed: sealed64, password: PASSWORD, request });
  return { cold, memory: mem.memory };
}
log('ready');
