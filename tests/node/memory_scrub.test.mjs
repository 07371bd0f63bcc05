// Memory scrubbing, proven (issue 10, docs/threat-model.md §Memory): after a wallet is created
// with the default KDF, has signed with every key type, been locked, unlocked, used and locked
// again, the WASM module's whole linear memory holds no copy of any secret it ever had:
// mnemonic, entropy, seed, every BIP-32 / SLIP-10 key and chain code on both derivation paths,
// the Ed25519 expanded key, every signature nonce, the password, Argon2's output and the vault
// key. The Argon2 working memory (64 MiB) must be wiped too.
//
// The secrets are recomputed outside the module (@scure/bip39, @scure/bip32, @noble/*,
// hash-wasm, ethers), from the mnemonic the module returned and the public vault header.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm } from './wasm.mjs';
import {
  PASSWORD, exerciseWallet, residueStats, scanMemory, secretNeedles,
} from './memory_scan.mjs';

// The exports (with `memory`): initSync returns the already initialised instance.
const exports = wasm.initSync();

test('after lock, linear memory holds no secret and no Argon2 block', { timeout: 120_000 }, async (t) => {
  const run = await exerciseWallet(wasm.Custodian, PASSWORD);
  assert.equal(run.state, 'locked');
  assert.equal(run.signatures.length, 10, 'five signing methods, twice');

  const memory = new Uint8Array(exports.memory.buffer).slice();
  const { needles, kdf } = await secretNeedles(run);
  t.diagnostic(`linear memory ${memory.length} bytes; ${needles.length} needles; KDF m=${kdf.m} t=${kdf.t} p=${kdf.p}`);

  // Argon2 ran with the default 64 MiB in this memory.
  assert.deepEqual(kdf, { m: 65536, t: 3, p: 1 });
  assert.ok(memory.length >= 64 * 1024 * 1024, 'memory grew for Argon2');

  // The scan finds what it looks for: the sealed vault bytes (public) are still in memory,
  // so a needle taken from them must be found.
  const sealed = Uint8Array.from(run.saves.at(-1));
  const probe = Buffer.from(sealed.slice(24, 56)).toString('hex');
  assert.ok(scanMemory(memory, [{ name: 'salt', hex: probe }]).length > 0, 'scanner self-check');

  const hits = scanMemory(memory, needles);
  const byName = {};
  for (const h of hits) (byName[h.name] ??= []).push(h.offset);
  assert.deepEqual(byName, {}, `secrets left in linear memory:\n${JSON.stringify(byName, null, 1)}`);

  // Argon2 fills 65,536 blocks of 1 KiB with pseudo-random data; wiped, none remain. The
  // module's own data (curve tables, ciphertext, stack) is a few hundred dense blocks at most.
  const stats = residueStats(memory);
  t.diagnostic(`non-zero bytes ${stats.nonZero}; dense 1 KiB blocks ${stats.denseBlocks}`);
  assert.ok(stats.denseBlocks < 1024, `${stats.denseBlocks} dense 1 KiB blocks: Argon2 memory not wiped?`);
  assert.ok(stats.nonZero < 8 * 1024 * 1024, `${stats.nonZero} non-zero bytes left`);
});

// The shortest path to a leak: create, lock, look. With little work after `wallet_create`,
// freed heap blocks are not yet reused, so a copy of the new mnemonic that was freed without
// being wiped (the JSON result, before crates/wasm wiped it) is still there to be found.
test('create then lock: no copy of the new mnemonic or keys in freed memory', { timeout: 120_000 }, async () => {
  const custodian = new wasm.Custodian();
  const created = await custodian.request({ method: 'wallet_create', params: { password: PASSWORD } });
  const sealed = custodian.takeSave();
  await custodian.request({ method: 'wallet_lock', params: {} });
  const memory = new Uint8Array(exports.memory.buffer).slice();
  const { needles } = await secretNeedles({
    mnemonic: created.mnemonic, saves: [Array.from(sealed.bytes)], signatures: [],
  });
  const hits = scanMemory(memory, needles);
  assert.deepEqual(hits, [], `secrets left in linear memory: ${JSON.stringify(hits)}`);
  custodian.free();
});
