// Shared pieces of the Solana cross-checks: a seeded PRNG (so a failure can be replayed), a
// Custodian holding an Ed25519 key whose seed the test knows, the wire-format split the tests
// use to compare bytes, and a transaction builder on top of @solana/web3.js and
// @solana/spl-token.
//
// Replay a run with SOL_TEST_SEED=<the printed seed> node --test tests/node/sol_*.test.mjs

import assert from 'node:assert/strict';
import {
  AddressLookupTableAccount,
  ComputeBudgetProgram,
  Keypair,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
} from '@solana/web3.js';
import {
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
  createTransferInstruction,
  getAssociatedTokenAddressSync,
} from '@solana/spl-token';
import { wasm } from './wasm.mjs';

/** The cheapest Argon2id cost the vault accepts (RFC 9106 / OWASP floor): keeps tests fast. */
export const KDF = { memoryKib: 19456, iterations: 2, parallelism: 1 };

/** SPL Memo program v2. */
export const MEMO_PROGRAM_ID = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

/**
 * The run's seed: `SOL_TEST_SEED` if set, else a fresh one. Printed, so any failure can be
 * replayed exactly.
 */
export function testSeed(file) {
  const fromEnv = process.env.SOL_TEST_SEED;
  const seed = fromEnv !== undefined ? Number(fromEnv) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
  console.log(`${file}: seed ${seed} (replay with SOL_TEST_SEED=${seed})`);
  return seed;
}

/**
 * sfc32 seeded through splitmix32: small, fast, and good enough to pick test inputs. Not for
 * keys anyone uses.
 */
export function prng(seed) {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();
  const rng = {
    u32,
    /** An integer in [0, n) for n <= 2^32. */
    int: (n) => Math.floor((u32() / 2 ** 32) * n),
    /** An integer in [lo, hi]. */
    range: (lo, hi) => lo + rng.int(hi - lo + 1),
    /** A uniformly random u64 as a bigint. */
    u64: () => (BigInt(u32()) << 32n) | BigInt(u32()),
    /** A u64 whose size in bits is itself random, so small and huge values both occur. */
    amount: () => {
      const bits = BigInt(rng.range(1, 64));
      return rng.u64() & ((1n << bits) - 1n);
    },
    bool: (p = 0.5) => u32() / 2 ** 32 < p,
    pick: (items) => items[rng.int(items.length)],
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
    /** A deterministic keypair (an Ed25519 seed from this PRNG). */
    keypair: () => Keypair.fromSeed(rng.bytes(32)),
    /** A deterministic address; on the curve, so it may own associated token accounts. */
    address: () => rng.keypair().publicKey,
    /** Printable ASCII text of the given length. */
    ascii: (n) => String.fromCharCode(...Array.from({ length: n }, () => rng.range(0x20, 0x7e))),
  };
  return rng;
}

export const toBase64 = (bytes) => Buffer.from(bytes).toString('base64');
export const fromBase64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
export const toHex = (bytes) => Buffer.from(bytes).toString('hex');
export const equalBytes = (a, b) => Buffer.from(a).equals(Buffer.from(b));

/**
 * A Custodian (the real WASM module) whose vault holds exactly one Solana account, imported
 * from the 32-byte Ed25519 `seed`, so the test can sign the same bytes with @noble/curves.
 */
export async function custodianWithKey(seed) {
  const custodian = new wasm.Custodian();
  await custodian.request({
    method: 'wallet_import',
    params: { password: 'correct horse', privateKey: toHex(seed), curve: 'ed25519', kdf: KDF },
  });
  const accounts = await custodian.request({ method: 'wallet_listAccounts' });
  const solana = accounts.filter((a) => a.chain === 'solana');
  assert.equal(solana.length, 1, 'one imported Solana account');
  const expected = Keypair.fromSeed(seed).publicKey.toBase58();
  assert.equal(solana[0].address, expected, 'Custodian derives the same address as web3.js');
  return { custodian, address: solana[0].address, publicKey: new PublicKey(expected) };
}

/** Awaits a request that must fail and returns the `{code, message, data}` it rejected with. */
export async function rejection(promise) {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return e;
  }
}

/** Reads a compact-u16 (Solana's "shortvec") at `offset`: `[value, bytesRead]`. */
export function readCompactU16(bytes, offset) {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    const byte = bytes[offset + i];
    if (byte === undefined) throw new Error('compact-u16 runs past the end');
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('compact-u16 longer than 3 bytes');
}

/**
 * Splits a serialized transaction into its signature slots and the message bytes those
 * signatures cover. Written here from the wire format rather than taken from web3.js, so the
 * byte comparisons do not depend on web3.js re-serialising faithfully.
 */
export function splitTransaction(wire) {
  const [count, used] = readCompactU16(wire, 0);
  const signatures = [];
  for (let i = 0; i < count; i++) {
    signatures.push(wire.slice(used + 64 * i, used + 64 * (i + 1)));
  }
  return { signatures, message: wire.slice(used + 64 * count) };
}

/**
 * Builds one random transaction in which `me` is a required signer.
 *
 * Returns `{wire, message, version, other, order, feePayerIsOther, kinds, lookups}`: the
 * serialized transaction (other signer already signed if `order === 'before'`), the message
 * bytes, the second signer (a Keypair, or null) and which instruction kinds it contains.
 */
export function randomTransaction(rng, me) {
  const version = rng.bool(0.5) ? 'legacy' : 'v0';
  const order = rng.pick(['none', 'none', 'before', 'after']);
  const other = order === 'none' ? null : rng.keypair();
  const feePayerIsOther = other !== null && rng.bool(0.5);
  const feePayer = feePayerIsOther ? other.publicKey : me;
  const recentBlockhash = rng.address().toBase58();
  const kinds = new Set();
  const ixs = [];
  // Accounts a v0 message may load from a lookup table instead of listing them.
  const lookupCandidates = [];

  if (rng.bool(0.4)) {
    ixs.push(ComputeBudgetProgram.setComputeUnitLimit({ units: rng.range(1, 1_400_000) }));
    kinds.add('computeBudget');
  }
  if (rng.bool(0.4)) {
    ixs.push(ComputeBudgetProgram.setComputeUnitPrice({ microLamports: rng.amount() }));
    kinds.add('computeBudget');
  }
  const count = rng.range(1, 4);
  let meSigns = feePayer.equals(me);
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(['sol', 'sol', 'splChecked', 'spl', 'ata', 'memo']);
    kinds.add(kind);
    const recipient = rng.address();
    lookupCandidates.push(recipient);
    if (kind === 'sol') {
      ixs.push(SystemProgram.transfer({ fromPubkey: me, toPubkey: recipient, lamports: rng.amount() }));
      meSigns = true;
    } else if (kind === 'memo') {
      const text = rng.ascii(rng.range(0, 80));
      // A memo may name signers that vouch for it; sometimes us, sometimes nobody.
      const keys = rng.bool(0.5) ? [{ pubkey: me, isSigner: true, isWritable: false }] : [];
      meSigns ||= keys.length > 0;
      ixs.push(new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys, data: Buffer.from(text) }));
    } else {
      const programId = rng.bool(0.7) ? TOKEN_PROGRAM_ID : TOKEN_2022_PROGRAM_ID;
      const mint = rng.address();
      const source = getAssociatedTokenAddressSync(mint, me, false, programId);
      const destination = getAssociatedTokenAddressSync(mint, recipient, false, programId);
      lookupCandidates.push(mint, destination);
      if (kind === 'splChecked') {
        const decimals = rng.range(0, 9);
        ixs.push(createTransferCheckedInstruction(source, mint, destination, me, rng.amount(), decimals, [], programId));
      } else if (kind === 'spl') {
        ixs.push(createTransferInstruction(source, destination, me, rng.amount(), [], programId));
      } else {
        ixs.push(createAssociatedTokenAccountIdempotentInstruction(me, destination, recipient, mint, programId));
      }
      meSigns = true;
    }
  }
  if (!meSigns) {
    ixs.push(SystemProgram.transfer({ fromPubkey: me, toPubkey: rng.address(), lamports: rng.amount() }));
    kinds.add('sol');
  }
  if (other !== null && !feePayerIsOther) {
    // The second signer takes part through an instruction of its own.
    ixs.push(SystemProgram.transfer({ fromPubkey: other.publicKey, toPubkey: me, lamports: rng.amount() }));
    kinds.add('sol');
  }

  if (version === 'legacy') {
    const tx = new Transaction({ feePayer, recentBlockhash });
    tx.add(...ixs);
    if (order === 'before') tx.partialSign(other);
    // Plain Uint8Arrays (web3.js gives Buffers, whose slice() shares memory): tests mutate copies.
    const wire = Uint8Array.from(tx.serialize({ requireAllSignatures: false, verifySignatures: false }));
    return { wire, message: Uint8Array.from(tx.serializeMessage()), version, other, order, feePayerIsOther, kinds, lookups: 0 };
  }

  // v0: one or two fabricated lookup tables holding some of the accounts used (and some
  // unrelated ones), so the message loads part of its accounts by index.
  const tables = [];
  for (let t = rng.range(0, 2); t > 0; t--) {
    const addresses = lookupCandidates.filter(() => rng.bool(0.6));
    for (let j = rng.range(0, 5); j > 0; j--) addresses.splice(rng.int(addresses.length + 1), 0, rng.address());
    tables.push(
      new AddressLookupTableAccount({
        key: rng.address(),
        state: {
          deactivationSlot: 2n ** 64n - 1n,
          lastExtendedSlot: 0,
          lastExtendedSlotStartIndex: 0,
          authority: undefined,
          addresses,
        },
      }),
    );
  }
  const message = new TransactionMessage({ payerKey: feePayer, recentBlockhash, instructions: ixs }).compileToV0Message(tables);
  const vtx = new VersionedTransaction(message);
  if (order === 'before') vtx.sign([other]);
  return {
    wire: vtx.serialize(),
    message: message.serialize(),
    version,
    other,
    order,
    feePayerIsOther,
    kinds,
    lookups: message.addressTableLookups.length,
  };
}
