// The real Custodian WASM module (web/pkg/, written by scripts/build-wasm.sh) behind the real
// worker host, over a MessageChannel: the same path a page takes, minus the browser Worker.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IDBFactory } from 'fake-indexeddb';
import { openStoredWallet } from '../dist/worker-host.js';
import { fakeWorkers } from './harness.mjs';

const pkg = new URL('../pkg/', import.meta.url);
const wasmFile = new URL('custodian_wasm_bg.wasm', pkg);

/** The initialised wasm-bindgen module; fails with what to run if it has not been built. */
export async function loadWasm() {
  if (!existsSync(wasmFile)) {
    throw new Error(`${fileURLToPath(wasmFile)} is missing: run scripts/build-wasm.sh first`);
  }
  const wasm = await import(new URL('custodian_wasm.js', pkg).href);
  wasm.initSync({ module: readFileSync(wasmFile) });
  return wasm;
}

/** A `spawn` for CustodianClient whose Workers run the real core over a fake IndexedDB. */
export function realWorkers(wasm, indexedDB = new IDBFactory()) {
  return fakeWorkers({
    indexedDB,
    open: (init) =>
      openStoredWallet({
        indexedDB,
        name: init.dbName,
        construct: (sealed, records) => new wasm.Custodian(sealed, records ?? null),
      }),
  });
}

/** The cheapest Argon2id cost the vault accepts, to keep tests fast. */
export const FLOOR_KDF = { memoryKib: 19456, iterations: 2, parallelism: 1 };
