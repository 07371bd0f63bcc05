// What a page has to download for each signer: raw, gzip -9 and brotli q11 bytes.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { esmGraph, makeResolver } from './modserver.mjs';

function sizeOf(buffers) {
  const all = Buffer.concat(buffers);
  return {
    raw: all.length,
    gzip: gzipSync(all, { level: 9 }).length,
    brotli: brotliCompressSync(all, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: all.length },
    }).length,
  };
}

export function measureSizes(root) {
  const resolveBare = makeResolver(root);
  const from = join(root, 'package.json');
  const files = (...paths) => paths.map((p) => join(root, p));
  const graph = (spec) => esmGraph(root, resolveBare(spec, from));
  const items = [
    { name: 'Custodian .wasm (every chain)', group: 'custodian', files: files('web/pkg/custodian_wasm_bg.wasm'), how: 'web/pkg after wasm-opt -O3' },
    { name: 'Custodian JS glue', group: 'custodian', files: files('web/pkg/custodian_wasm.js'), how: 'wasm-bindgen --target web, unminified' },
    {
      name: '@custodian/web client + Worker host',
      group: 'custodian',
      files: files(...['client', 'errors', 'protocol', 'report-error', 'worker', 'worker-host', 'store'].map((f) => `web/dist/${f}.js`)),
      how: 'tsc output, unminified',
    },
    { name: '@noble/curves secp256k1', group: 'anchor', files: graph('@noble/curves/secp256k1.js'), how: 'ES module graph of secp256k1.js (with @noble/hashes), unminified' },
    { name: '@noble/curves ed25519', group: 'anchor', files: graph('@noble/curves/ed25519.js'), how: 'ES module graph of ed25519.js, unminified' },
    { name: 'ethers 6', group: 'anchor', files: files('node_modules/ethers/dist/ethers.min.js'), how: 'dist/ethers.min.js (whole library)' },
    { name: 'viem 2 (viem/accounts)', group: 'anchor', files: graph('viem/accounts'), how: 'ES module graph of viem/accounts, unminified, not tree-shaken: an upper bound' },
    {
      name: '@trustwallet/wallet-core',
      group: 'anchor',
      files: files('node_modules/@trustwallet/wallet-core/dist/lib/wallet-core.wasm', 'node_modules/@trustwallet/wallet-core/dist/lib/wallet-core.js', 'node_modules/@trustwallet/wallet-core/dist/generated/core_proto.js'),
      how: 'wallet-core.wasm + wallet-core.js + generated core_proto.js (every chain)',
    },
    { name: 'tweetnacl', group: 'anchor', files: files('node_modules/tweetnacl/nacl-fast.min.js'), how: 'nacl-fast.min.js' },
    { name: '@solana/web3.js', group: 'anchor', files: files('node_modules/@solana/web3.js/lib/index.iife.min.js'), how: 'lib/index.iife.min.js (whole library)' },
    { name: 'hash-wasm (argon2 only)', group: 'anchor', files: files('node_modules/hash-wasm/dist/argon2.umd.min.js'), how: 'dist/argon2.umd.min.js (wasm inlined)' },
    { name: 'argon2-browser', group: 'anchor', files: files('node_modules/argon2-browser/dist/argon2-bundled.min.js'), how: 'dist/argon2-bundled.min.js (wasm inlined as base64)' },
    {
      name: '@metamask/browser-passworder',
      group: 'anchor',
      files: files('node_modules/@metamask/browser-passworder/dist/index.js', 'node_modules/@metamask/utils/dist/misc.cjs'),
      how: 'dist/index.js + the @metamask/utils helpers it uses; crypto is WebCrypto',
    },
  ];
  return items
    .filter((item) => item.files.every((f) => existsSync(f)))
    .map((item) => ({
      name: item.name,
      group: item.group,
      how: item.how,
      files: item.files.length,
      ...sizeOf(item.files.map((f) => readFileSync(f))),
    }));
}
