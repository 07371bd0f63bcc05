// Installing a vault file (the wallet app's backup import): the generation read from a real
// sealed vault's header, install into an empty store only, and the installed copy opening in
// the real core with its password.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { VaultStoreError, openVaultStore, sealedVaultGeneration } from '../dist/store.js';
import { FLOOR_KDF, loadWasm } from './real-wasm.mjs';

const PASSWORD = 'install test password';
const wasm = await loadWasm();

/** A real wallet's sealed saves: generation 1 (create) and the next one (add account). */
async function realVaults() {
  const core = new wasm.Custodian();
  const created = await core.request({ method: 'wallet_create', params: { password: PASSWORD, kdf: FLOOR_KDF } });
  const first = core.takeSave();
  await core.request({ method: 'wallet_addAccount', params: { chain: 'ethereum' } });
  const second = core.takeSave();
  core.free();
  return { created, first, second };
}

const { created, first, second } = await realVaults();

test('the generation read from the header is the one the core reports', () => {
  assert.equal(sealedVaultGeneration(first.bytes), Number(first.generation));
  assert.equal(sealedVaultGeneration(second.bytes), Number(second.generation));
  assert.equal(Number(second.generation), Number(first.generation) + 1);
  // A view into a larger buffer reads the same.
  const padded = new Uint8Array(second.bytes.length + 10);
  padded.set(second.bytes, 5);
  assert.equal(sealedVaultGeneration(padded.subarray(5, 5 + second.bytes.length)), Number(second.generation));
});

test('bytes that are not a version-1 vault of consistent length have no generation', () => {
  const good = second.bytes;
  const edited = (edit) => {
    const copy = good.slice();
    edit(copy);
    return copy;
  };
  const salt = good[23];
  const cases = {
    empty: new Uint8Array(0),
    'magic only': good.subarray(0, 8),
    truncated: good.subarray(0, good.length - 1),
    'one byte appended': Uint8Array.of(...good, 0),
    'wrong magic': edited((b) => (b[0] ^= 1)),
    'version 2': edited((b) => (b[9] = 2)),
    'version 0': edited((b) => (b[9] = 0)),
    'salt length 15': edited((b) => (b[23] = 15)),
    'salt length 65': edited((b) => (b[23] = 65)),
    'ciphertext length off by one': edited((b) => (b[56 + salt + 3] ^= 1)),
    'generation above 2^53 - 1': edited((b) => (b[48 + salt] = 0x01)),
    'text file': new TextEncoder().encode('{"version":3,"crypto":{}}'),
  };
  for (const [name, bytes] of Object.entries(cases)) {
    assert.equal(sealedVaultGeneration(bytes), undefined, name);
  }
  assert.equal(sealedVaultGeneration('CSTDNVLT'), undefined, 'not bytes');
  assert.equal(Object.keys(cases).length, 12);
});

test('install stores a backup into an empty store; the core opens it locked and unlocks it', async () => {
  const indexedDB = new IDBFactory();
  const store = await openVaultStore({ indexedDB, name: 'custodian' });
  // Audit records left in the empty store (a removed wallet's) are not this vault's history.
  await store.save(undefined, { records: [{ seq: 0, bytes: new Uint8Array(60) }] });
  assert.equal(await store.install(second.bytes), Number(second.generation));
  let records;
  const loaded = await store.load((bytes, r) => ((records = r), bytes));
  assert.equal(loaded.generation, Number(second.generation));
  assert.deepEqual(loaded.value, second.bytes);
  assert.deepEqual(records, [], 'install cleared the leftover records');
  store.close();

  const core = new wasm.Custodian(loaded.value, records);
  assert.equal((await core.request({ method: 'wallet_status' })).state, 'locked');
  const { accounts, auditLog } = await core.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
  // The file holds the vault only: its log's entries are not in it, and the unlock says so.
  assert.deepEqual([auditLog.status, auditLog.reason, auditLog.firstBadSeq], ['damaged', 'missing', 0]);
  assert.deepEqual(
    accounts.slice(0, 2).map((a) => a.address),
    created.accounts.map((a) => a.address),
  );
  assert.equal(accounts.length, 3, 'the account added before the backup is in it');
  core.free();
});

test('install refuses a store that holds any vault, and changes nothing', async () => {
  const indexedDB = new IDBFactory();
  const store = await openVaultStore({ indexedDB, name: 'custodian' });
  await store.save({ bytes: first.bytes, generation: Number(first.generation) });
  // Even a backup with a newer generation must not replace the stored wallet.
  await assert.rejects(store.install(second.bytes), (error) => error instanceof VaultStoreError && error.kind === 'StorageConflict');
  const loaded = await store.load((bytes) => bytes);
  assert.equal(loaded.generation, Number(first.generation));
  assert.deepEqual(loaded.value, first.bytes);
  assert.equal(await store.latestGeneration(), Number(first.generation));
  store.close();
});

test('install refuses bytes that are not a vault without touching the store', async () => {
  const indexedDB = new IDBFactory();
  const store = await openVaultStore({ indexedDB, name: 'custodian' });
  await assert.rejects(store.install(second.bytes.subarray(1)), TypeError);
  await assert.rejects(store.install(new Uint8Array(200)), TypeError);
  assert.equal(await store.latestGeneration(), undefined);
  store.close();
});
