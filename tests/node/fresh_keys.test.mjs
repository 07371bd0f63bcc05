// Fresh keys never repeat (issue 10 §Randomness, docs/threat-model.md §Randomness): the WASM
// module draws key material from the host's CSPRNG (crypto.getRandomValues through getrandom),
// so neither repeated calls in one instance nor separate instances may ever produce the same
// key. The Rust test crates/core/tests/rng_recording.rs shows every key byte comes from that
// RNG; this shows the RNG the module really uses is not stuck, reset or shared.
//
// Each `wallet_create` runs Argon2id (~0.1-0.2 s at the floor), so the count is modest; the
// 50-creates check in hd_cross.test.mjs adds to it. (The 1,000 bare key pairs this file once
// drew came from the removed `demo_addresses` placeholder.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { wasm } from './wasm.mjs';

const WALLETS = 48;
const FLOOR_KDF = { memoryKib: 19456, iterations: 2, parallelism: 1 };

test(`${WALLETS} fresh wallets, half of them in a second module instance: nothing shared`, { timeout: 300_000 }, async () => {
  // A second, separate instance of the same module: its RNG must not replay the first's.
  const pkg = new URL('../../web/pkg/', import.meta.url);
  const second = await import(`${new URL('custodian_wasm.js', pkg).href}?second`);
  second.initSync({ module: readFileSync(new URL('custodian_wasm_bg.wasm', pkg)) });

  const mnemonics = new Set();
  const addresses = new Set();
  for (let i = 0; i < WALLETS; i++) {
    const { Custodian } = i % 2 === 0 ? wasm : second;
    const c = new Custodian();
    const created = await c.request({ method: 'wallet_create', params: { password: 'p', kdf: FLOOR_KDF } });
    assert.ok(validateMnemonic(created.mnemonic, wordlist));
    mnemonics.add(created.mnemonic);
    for (const account of created.accounts) addresses.add(account.address.toLowerCase());
    c.free();
  }
  assert.equal(mnemonics.size, WALLETS);
  assert.equal(addresses.size, 2 * WALLETS, 'one Ethereum and one Solana account each');
});
