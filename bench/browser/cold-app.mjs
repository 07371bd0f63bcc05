// Cold start through the product path: the vault is stored in IndexedDB first, then the clock
// starts and the page does what the wallet app does, `createCustodian()` (web/dist/index.js:
// spawn the wallet Worker and, by default, compile the .wasm in the page meanwhile), waits for
// `ready`, unlocks and makes the first signature. The unlock request is timed from the page and
// left out of the total (the KDF, which the target excludes).
//
// Every repetition gets URLs of its own (`?rep=`) for the Worker script and the .wasm, and the
// server sends `no-store`, so nothing comes from a cache: a first visit. The page's compiled
// module is dropped afterwards (and collected, when the browser exposes gc()), so that V8's
// in-process module cache cannot serve the next repetition.

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
  let wasmModule = compileInPage ? new Promise((resolve, reject) => (compile = { resolve, reject })) : undefined;
  const startCompile = () => compileWasm({ url: `/web/pkg/custodian_wasm_bg.wasm?rep=${rep}` }).then(compile.resolve, compile.reject);
  wasmModule?.then(() => (marks.compiled = now()), () => {});
  let custodian = createCustodian({
    dbName,
    workerUrl: `${worker}?rep=${rep}`,
    compileInPage: false,
    ...(wasmModule === undefined ? {} : { wasmModule }),
  });
  // As createCustodian does: the Worker is spawned first, then the page starts compiling.
  if (compileInPage) startCompile();
  custodian.client.subscribe((e) => { if (e.type === 'event' && e.data?.type === 'bench') Object.assign(marks, e.data.data); });
  await custodian.ready();
  marks.ready = now();
  await custodian.request({ method: 'wallet_unlock', params: { password } });
  marks.unlocked = now();
  const signature = await custodian.request(request);
  marks.firstSignature = now();
  custodian.terminate();
  custodian = undefined;
  wasmModule = undefined;
  await new Promise((resolve) => setTimeout(resolve, 50));
  globalThis.gc?.();
  indexedDB.deleteDatabase(dbName);
  return { marks, signature };
}

/** The phases of `appColdRun` results, each the median over the runs. */
export function appColdPhases(runs, median) {
  const m = (fn) => median(runs.map((r) => fn(r.marks)));
  return {
    compiledInPage: runs.every((r) => r.marks.compiled) ? m((t) => t.compiled - t.start) : null,
    ready: m((t) => t.ready - t.start),
    unlockKdf19MiB: m((t) => t.unlocked - t.ready),
    firstSignature: m((t) => t.firstSignature - t.unlocked),
    totalWithoutKdf: m((t) => t.firstSignature - t.start - (t.unlocked - t.ready)),
    total: m((t) => t.firstSignature - t.start),
  };
}
