// Loads Custodian and every anchor in Node, from the repo's node_modules and web/pkg.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const WASM_PATH = fileURLToPath(new URL('../../web/pkg/custodian_wasm_bg.wasm', import.meta.url));
export const GLUE_URL = new URL('../../web/pkg/custodian_wasm.js', import.meta.url);

/** Custodian's module, instantiated synchronously from the bytes on disk. */
export async function loadCustodian() {
  const glue = await import(GLUE_URL);
  const exports = glue.initSync({ module: readFileSync(WASM_PATH) });
  return { Custodian: glue.Custodian, memory: () => exports.memory.buffer.byteLength };
}

/**
 * argon2-browser is written for browsers and bundlers: its Node path fetch()es the .wasm by
 * file path, which Node's fetch refuses. Handing it the bytes through `self.Module` (what its
 * Emscripten loader reads) makes it run unchanged.
 */
async function loadArgon2Browser() {
  const hadSelf = 'self' in globalThis;
  globalThis.self = globalThis;
  globalThis.Module = { wasmBinary: readFileSync(require.resolve('argon2-browser/dist/argon2.wasm')) };
  try {
    const argon2 = require('argon2-browser');
    // The module loads on the first hash: do it now, while `self.Module` is in place.
    await argon2.hash({ pass: 'x', salt: 'saltsalt', time: 1, mem: 64, hashLen: 16, type: argon2.ArgonType.Argon2id });
    return argon2;
  } finally {
    if (!hadSelf) delete globalThis.self;
    delete globalThis.Module;
  }
}

export async function loadAnchors({ walletCore = true } = {}) {
  const [{ secp256k1 }, { ed25519 }, { keccak_256 }] = await Promise.all([
    import('@noble/curves/secp256k1.js'),
    import('@noble/curves/ed25519.js'),
    import('@noble/hashes/sha3.js'),
  ]);
  const L = {
    noble: { secp256k1, ed25519, keccak_256 },
    ethers: await import('ethers'),
    viem: await import('viem/accounts'),
    nacl: (await import('tweetnacl')).default,
    web3: await import('@solana/web3.js'),
    hashwasm: await import('hash-wasm'),
    argon2browser: await loadArgon2Browser(),
    passworder: await import('@metamask/browser-passworder'),
    wc: null,
  };
  if (walletCore) {
    const wc = await import('@trustwallet/wallet-core');
    L.wc = { core: await wc.initWasm(), TW: wc.TW };
  }
  return L;
}

/** Installed versions of the anchors, for the report. */
export function anchorVersions() {
  const names = [
    '@noble/curves',
    '@noble/hashes',
    'ethers',
    'viem',
    'tweetnacl',
    '@solana/web3.js',
    '@trustwallet/wallet-core',
    'hash-wasm',
    'argon2-browser',
    '@metamask/browser-passworder',
  ];
  // Read from node_modules directly: some packages do not export their package.json.
  const root = fileURLToPath(new URL('../../node_modules/', import.meta.url));
  const out = {};
  for (const name of names) out[name] = JSON.parse(readFileSync(`${root}${name}/package.json`, 'utf8')).version;
  return out;
}
