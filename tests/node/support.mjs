// Shared pieces of the Node cross-checks: driving a real `Custodian` from the release WASM
// package, and the independent derivations (ethers for Ethereum, @scure/bip39 + SLIP-0010 +
// @solana/web3.js for Solana) that its answers are compared with.

import assert from 'node:assert/strict';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { mnemonicToSeedSync } from '@scure/bip39';
import { Keypair } from '@solana/web3.js';
import { HDNodeWallet } from 'ethers';
import { wasm } from './wasm.mjs';

export { wasm };

/** The weakest Argon2id cost the vault accepts (OWASP's minimum), so tests stay fast. */
export const FLOOR_KDF = Object.freeze({ memoryKib: 19456, iterations: 2, parallelism: 1 });

/** The five account indexes the cross-checks compare. */
export const INDEXES = [0, 1, 2, 3, 4];

/**
 * Sends one request; resolves `{ok: true, result}` or `{ok: false, error}`. A rejection that is
 * not a protocol error object (e.g. a WebAssembly.RuntimeError) is thrown, so a trap always
 * fails the test instead of passing as "some error".
 */
export async function send(custodian, method, params, origin) {
  try {
    const result = await custodian.request({ method, params }, origin);
    return { ok: true, result };
  } catch (error) {
    assertProtocolError(error);
    return { ok: false, error };
  }
}

/** Sends a request that must succeed and returns its result. */
export async function call(custodian, method, params, origin) {
  const outcome = await send(custodian, method, params, origin);
  if (!outcome.ok) {
    assert.fail(`${method} failed: ${JSON.stringify(outcome.error)}`);
  }
  return outcome.result;
}

/** Sends a request that must fail with `code` and `data.kind`; returns the error. */
export async function callFails(custodian, method, params, { code, kind }) {
  const outcome = await send(custodian, method, params);
  assert.equal(outcome.ok, false, `${method} succeeded: ${JSON.stringify(outcome.result)}`);
  assert.equal(outcome.error.code, code, JSON.stringify(outcome.error));
  assert.equal(outcome.error.data?.kind, kind, JSON.stringify(outcome.error));
  return outcome.error;
}

/** The error shape docs/protocol.md promises: a plain object `{code, message, data: {kind}}`. */
export function assertProtocolError(error) {
  if (error instanceof Error || typeof error !== 'object' || error === null) {
    throw error instanceof Error ? error : new Error(`rejected with a non-object: ${String(error)}`);
  }
  assert.ok(Number.isInteger(error.code), `error without an integer code: ${JSON.stringify(error)}`);
  assert.equal(typeof error.message, 'string', JSON.stringify(error));
}

/** A Custodian holding `mnemonic` (unlocked), with the import's result. */
export async function importMnemonic(mnemonic, { passphrase, password = 'pw-import', kdf = FLOOR_KDF } = {}) {
  const custodian = new wasm.Custodian();
  const params = { password, mnemonic, kdf };
  if (passphrase !== undefined) params.passphrase = passphrase;
  const imported = await call(custodian, 'wallet_import', params);
  return { custodian, imported };
}

/** Adds HD accounts until each chain has indexes 0..=last; returns every account in order. */
export async function addAccountsUpTo(custodian, last) {
  for (let i = 1; i <= last; i++) {
    await call(custodian, 'wallet_addAccount', { chain: 'ethereum' });
    await call(custodian, 'wallet_addAccount', { chain: 'solana' });
  }
  return call(custodian, 'wallet_listAccounts');
}

/** The addresses of `chain` in `accounts`, ordered by account index. */
export function addressesOf(accounts, chain) {
  return accounts
    .filter((a) => a.chain === chain)
    .sort((a, b) => accountIndex(a) - accountIndex(b))
    .map((a) => a.address);
}

function accountIndex(account) {
  const parts = account.path.split('/');
  // Ethereum m/44'/60'/0'/0/i, Solana m/44'/501'/i'/0'.
  const text = account.chain === 'ethereum' ? parts[5] : parts[3];
  return Number.parseInt(text, 10);
}

/** ethers' Ethereum account `index` (MetaMask's path m/44'/60'/0'/0/index). */
export function ethersAccount(phrase, passphrase, index) {
  return HDNodeWallet.fromPhrase(phrase, passphrase ?? '', `m/44'/60'/0'/0/${index}`);
}

/** ethers' addresses of accounts 0..count-1, with one BIP-39 seed computation. */
export function ethersAddresses(phrase, passphrase, count) {
  const parent = HDNodeWallet.fromPhrase(phrase, passphrase ?? '', "m/44'/60'/0'/0");
  return Array.from({ length: count }, (_, i) => parent.deriveChild(i).address);
}

/**
 * SLIP-0010 for ed25519, written from the spec
 * (https://github.com/satoshilabs/slips/blob/master/slip-0010.md), not from Custodian's code:
 * master = HMAC-SHA512("ed25519 seed", seed); every step is hardened,
 * child = HMAC-SHA512(chain code, 0x00 || key || ser32(index + 2^31)).
 * `indexes` are the unhardened numbers of the path. Returns `{key, chainCode}`.
 */
export function slip10Ed25519(seed, indexes) {
  let digest = hmac(sha512, new TextEncoder().encode('ed25519 seed'), seed);
  for (const index of indexes) {
    const data = new Uint8Array(37);
    data.set(digest.subarray(0, 32), 1);
    new DataView(data.buffer).setUint32(33, (index + 0x80000000) >>> 0, false);
    digest = hmac(sha512, digest.subarray(32), data);
  }
  return { key: digest.slice(0, 32), chainCode: digest.slice(32) };
}

/** The 32-byte Ed25519 seed of Phantom's Solana account `index` (m/44'/501'/index'/0'). */
export function solanaSeed(phrase, passphrase, index) {
  return solanaSeeds(phrase, passphrase, index + 1)[index];
}

/** The Ed25519 seeds of Solana accounts 0..count-1, with one BIP-39 seed computation. */
export function solanaSeeds(phrase, passphrase, count) {
  const seed = mnemonicToSeedSync(phrase, passphrase ?? '');
  return Array.from({ length: count }, (_, i) => slip10Ed25519(seed, [44, 501, i, 0]).key);
}

/** @solana/web3.js's keypair for Solana account `index`. */
export function solanaKeypair(phrase, passphrase, index) {
  return Keypair.fromSeed(solanaSeed(phrase, passphrase, index));
}

/** @solana/web3.js's addresses of Solana accounts 0..count-1. */
export function solanaAddresses(phrase, passphrase, count) {
  return solanaSeeds(phrase, passphrase, count).map((s) => Keypair.fromSeed(s).publicKey.toBase58());
}

/**
 * A small seeded PRNG (mulberry32), so a failing fuzz run can be replayed with its seed.
 * `next()` is a float in [0, 1); `int(n)` in [0, n); `pick(array)`.
 */
export function prng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (items) => items[int(items.length)];
  const bytes = (n) => Uint8Array.from({ length: n }, () => int(256));
  return { next, int, pick, bytes };
}

/** The seed for a fuzz run: `CUSTODIAN_FUZZ_SEED` to replay one, else fresh. */
export function fuzzSeed() {
  const fromEnv = process.env.CUSTODIAN_FUZZ_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number.parseInt(fromEnv, 10) >>> 0;
  return (Date.now() ^ (Math.random() * 0x100000000)) >>> 0;
}

/**
 * A site's request as the wallet host carries it out (docs/sites.md): the site at `origin`
 * connects if it is not yet, and the user approves the connect and then the request in the
 * wallet's own UI (no origin). Any answer other than 4100 `ConsentRequired` is the site's
 * answer, as without consent. Without an origin, the wallet's own request.
 */
export async function requestAsSite(custodian, args, origin) {
  if (origin === undefined) return custodian.request(args);
  const visible = await custodian.request({ method: 'wallet_listAccounts', params: {} }, origin);
  if (visible.length === 0) {
    await approveIfHeld(custodian, custodian.request({ method: 'wallet_connect', params: {} }, origin));
  }
  return approveIfHeld(custodian, custodian.request(args, origin));
}

/** Awaits a site's request; if the core holds it for the user, approves it as the user. */
async function approveIfHeld(custodian, pending) {
  try {
    return await pending;
  } catch (error) {
    if (error?.code !== 4100 || error?.data?.kind !== 'ConsentRequired') throw error;
    return custodian.request({ method: 'wallet_approveRequest', params: { requestId: error.data.requestId } });
  }
}
