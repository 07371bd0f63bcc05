// Loads the release WASM package that scripts/build-wasm.sh writes to web/pkg/, the same files
// the browser loads. It is wasm-bindgen's `--target web` output; in Node it is instantiated
// synchronously from the bytes on disk instead of fetched.
//
//   import { wasm } from './wasm.mjs';
//   const custodian = new wasm.Custodian();
//   await custodian.request({ method: 'wallet_status' });   // { state: 'empty' }

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkg = new URL('../../web/pkg/', import.meta.url);
const wasmFile = new URL('custodian_wasm_bg.wasm', pkg);

if (!existsSync(wasmFile)) {
  throw new Error(`${fileURLToPath(wasmFile)} is missing: run scripts/build-wasm.sh first`);
}

/** The custodian-wasm module's exports, initialised and ready to call. */
export const wasm = await import(new URL('custodian_wasm.js', pkg).href);
wasm.initSync({ module: readFileSync(wasmFile) });

/** The workspace version from Cargo.toml, which custodian-wasm inherits. */
export function workspaceVersion() {
  const toml = readFileSync(new URL('../../Cargo.toml', import.meta.url), 'utf8');
  const section = toml.split('[workspace.package]')[1] ?? '';
  const match = section.match(/^version\s*=\s*"([^"]+)"/m);
  if (!match) throw new Error('no version in [workspace.package] of Cargo.toml');
  return match[1];
}
