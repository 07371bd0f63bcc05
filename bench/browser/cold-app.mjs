// Cold start through the product path: the vault is stored in IndexedDB first, then the clock
// starts and the page does what the wallet app does, `createCustodian()` (web/dist/index.js:
// spawn the wallet Worker, which fetches and compiles the .wasm and opens the stored vault),
// waits for `ready`, unlocks and makes the first signature. The unlock request is timed from the
// page and left out of the total (the KDF, which the target excludes). With `compileInPage` the
// page compiles the module and hands it over, as `createCustodian({compileInPage: true})` does
// (the Worker spawned first, then the compile started), from a URL of this repetition's own.
//
// Every repetition gets URLs of its own (`?rep=`) for the Worker script and the .wasm, and the
// server sends `no-store`, so nothing comes from a cache: a first visit. The bench's Chromium
// runs with V8's in-process module cache off (bench/run.mjs), so a module compiled by an earlier
// repetition cannot serve a later one.

import { compileWasm, createCustodian, openVaultStore, sealedVaultGeneration } from '/web/dist/index.js';

const now = () => performance.timeOrigin + performance.now();

/**
 * One cold start. `compileInPage`: the page compiles the .wasm and posts the module; else the
 * Worker fetches and compiles it. `worker`: the Worker script (default web/dist/worker.js).
 */
export async function appColdRun({ sealed, password, request, compileInPage, worker = '/web/dist/worker.js', rep }) {
  const dbName = `cold-app-${rep}`;
  const bytes = Uint8Array.from(sealed);
  const store = await openVaultStore({ indexedDB, name: dbName });
  await store.save({ bytes, generation: sealedVaultGeneration(bytes) });
  store.close();

  const marks = {};
  marks.start = now();
  let compile;
  const wasmModule = compileInPage ? new Promise((resolve, reject) => (compile = { resolve, reject })) : undefined;
  const startCompile = () => compileWasm({ url: `/web/pkg/custodian_wasm_bg.wasm?rep=${rep}` }).then(compile.resolve, compile.reject);
  wasmModule?.then(() => (marks.compiled = now()), () => {});
  const custodian = createCustodian({
    dbName,
    workerUrl: `${worker}?rep=${rep}`,
    compileInPage: false,
    ...(wasmModule === undefined ? {} : { wasmModule }),
  });
  // As createCustodian does: the Worker is spawned first, then the page starts compiling.
  if (compileInPage) startCompile();
  // Only the bench's traced copy of the Worker (bench/lib/worker-variants.mjs) sends this.
  custodian.client.subscribe((event) => {
    if (event.type === 'event' && event.data?.type === 'bench') Object.assign(marks, event.data.data);
  });
  await custodian.ready();
  marks.ready = now();
  await custodian.request({ method: 'wallet_unlock', params: { password } });
  marks.unlocked = now();
  const signature = await custodian.request(request);
  marks.firstSignature = now();
  custodian.terminate();
  indexedDB.deleteDatabase(dbName);
  return { marks, signature };
}

/** The phases of `appColdRun` results, each the median over the runs. */
export function appColdPhases(runs, median) {
  const m = (fn) => median(runs.map((r) => fn(r.marks)));
  const inside = runs.every((r) => r.marks.scriptStart)
    ? {
        spawnToScript: m((t) => t.scriptStart - t.start),
        scriptToInit: m((t) => t.init - t.scriptStart),
        fetchCompileInstantiate: m((t) => t.instantiated - t.init),
        openVault: m((t) => t.opened - t.instantiated),
        readyMessage: m((t) => t.ready - t.opened),
      }
    : {};
  return {
    ...inside,
    compiledInPage: runs.every((r) => r.marks.compiled) ? m((t) => t.compiled - t.start) : null,
    ready: m((t) => t.ready - t.start),
    unlockKdf19MiB: m((t) => t.unlocked - t.ready),
    firstSignature: m((t) => t.firstSignature - t.unlocked),
    totalWithoutKdf: m((t) => t.firstSignature - t.start - (t.unlocked - t.ready)),
    total: m((t) => t.firstSignature - t.start),
  };
}
