// The real module when the platform's random source fails (docs/threat-model.md §Randomness):
// `crypto.getRandomValues` throws, as it would where no CSPRNG is available. A request that
// needs randomness must be refused with the typed error RandomnessUnavailable, never trap
// (a trap is a RuntimeError "unreachable" that poisons the instance); nothing may be handed
// to the host to persist; and the stored vault from before still opens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm } from './wasm.mjs';

const PASSWORD = 'correct horse battery staple';
// Argon2id at the vault format's floor (docs/vault-format.md §KDF), to keep the test fast.
const kdf = { memoryKib: 19456, iterations: 2, parallelism: 1 };

/** Runs `fn` with `crypto.getRandomValues` throwing, then puts it back. */
async function withoutRandomness(fn) {
  const original = globalThis.crypto.getRandomValues;
  let calls = 0;
  globalThis.crypto.getRandomValues = () => {
    calls += 1;
    throw new Error('no randomness here');
  };
  try {
    await fn();
  } finally {
    globalThis.crypto.getRandomValues = original;
  }
  return calls;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('the request was expected to fail');
}

test('a failing getRandomValues gives RandomnessUnavailable, not a trap, and saves nothing', async () => {
  const wallet = new wasm.Custodian();
  await wallet.request({ method: 'wallet_create', params: { password: PASSWORD, kdf } });
  const stored = wallet.takeSave();
  assert.ok(stored?.bytes instanceof Uint8Array);
  const before = await wallet.request({ method: 'wallet_listAccounts' });
  wallet.takeEvents();

  let error;
  const calls = await withoutRandomness(async () => {
    error = await rejection(wallet.request({ method: 'wallet_addAccount', params: { chain: 'ethereum' } }));
  });
  assert.ok(calls >= 1, 'the request asked the platform for randomness');
  assert.equal(error instanceof Error, false, `a typed error, not a trap: ${error}`);
  assert.equal(error.code, -32603);
  assert.equal(error.data.kind, 'RandomnessUnavailable');
  assert.equal(wallet.takeSave(), undefined, 'nothing to persist');
  assert.deepEqual(wallet.takeEvents(), []);

  // The instance still answers (no trap), refusing every request the same way.
  const again = await rejection(wallet.request({ method: 'wallet_status' }));
  assert.equal(again.data.kind, 'RandomnessUnavailable');

  // The bytes stored before the failure open to the same accounts in a new instance.
  const reopened = new wasm.Custodian(stored.bytes);
  await reopened.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
  assert.deepEqual(await reopened.request({ method: 'wallet_listAccounts' }), before);
});

test('a request that draws no randomness is unaffected by a failing getRandomValues', async () => {
  const wallet = new wasm.Custodian();
  let status;
  const calls = await withoutRandomness(async () => {
    status = await wallet.request({ method: 'wallet_status' });
  });
  assert.equal(calls, 0);
  assert.equal(status.state, 'empty');
});
