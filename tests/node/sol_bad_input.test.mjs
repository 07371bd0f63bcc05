// Bad transaction bytes through the real WASM module: every truncation, lying lengths, account
// indexes out of range, our key absent, random corruption. Each must come back as a precise
// -32602 error, never a trap: a panic inside WebAssembly would poison the instance, so the
// wallet must still sign correctly afterwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { VersionedMessage } from '@solana/web3.js';
import {
  custodianWithKey,
  equalBytes,
  fromBase64,
  prng,
  randomTransaction,
  readCompactU16,
  rejection,
  splitTransaction,
  testSeed,
  toBase64,
} from './sol_helpers.mjs';

const TRANSACTIONS = 8;
const MUTATIONS = 400;

const rng = prng(testSeed('sol_bad_input'));
const seed = rng.bytes(32);
const wallet = custodianWithKey(seed);

async function sign(wire) {
  const { custodian, address } = await wallet;
  return custodian.request({ method: 'solana_signTransaction', params: { address, transaction: toBase64(wire) } });
}

async function refused(wire, pattern, what) {
  const e = await rejection(sign(wire));
  assert.equal(e.code, -32602, `${what}: ${e.message}`);
  assert.equal(e.data?.kind, 'InvalidSolanaRequest', what);
  if (pattern) assert.match(e.message, pattern, what);
  if (process.env.SOL_SHOW_ERRORS) console.log(`${what} -> ${e.message}`);
  return e;
}

/** The wallet still works: a fresh transaction signs and verifies (no poisoned instance). */
async function stillSigns() {
  const { publicKey } = await wallet;
  const c = randomTransaction(rng, publicKey);
  const { signedTransaction } = await sign(c.wire);
  const signed = splitTransaction(fromBase64(signedTransaction));
  assert.ok(signed.signatures.some((s) => equalBytes(s, ed25519.sign(c.message, seed))));
}

/** Byte offsets of the message's parts: header, account count, keys, blockhash, instructions. */
function layout(wire) {
  const [sigCount, sigLen] = readCompactU16(wire, 0);
  let at = sigLen + 64 * sigCount;
  const versioned = (wire[at] & 0x80) !== 0;
  if (versioned) at += 1;
  const header = at;
  at += 3;
  const keyCountAt = at;
  const [keyCount, keyLen] = readCompactU16(wire, at);
  at += keyLen + 32 * keyCount + 32;
  const instructionCountAt = at;
  // The first account index of the first instruction that has accounts.
  let firstAccountIndexAt;
  const [instructions, countLen] = readCompactU16(wire, at);
  at += countLen;
  for (let i = 0; i < instructions && firstAccountIndexAt === undefined; i++) {
    at += 1; // program id index
    const [accounts, accountsLen] = readCompactU16(wire, at);
    at += accountsLen;
    if (accounts > 0) firstAccountIndexAt = at;
    at += accounts;
    const [data, dataLen] = readCompactU16(wire, at);
    at += dataLen + data;
  }
  return { versioned, header, keyCountAt, keyCount, instructionCountAt, firstAccountIndexAt };
}

test(`every truncation of ${TRANSACTIONS} transactions is refused as truncated`, async () => {
  const { publicKey } = await wallet;
  let count = 0;
  for (let t = 0; t < TRANSACTIONS; t++) {
    const { wire } = randomTransaction(rng, publicKey);
    for (let length = 0; length < wire.length; length++) {
      await refused(wire.slice(0, length), /truncated/, `prefix ${length} of ${wire.length}`);
      count++;
    }
  }
  console.log(`sol_bad_input: ${count} truncations refused`);
  assert.ok(count > TRANSACTIONS * 100);
  await stillSigns();
});

test('lying lengths, program and account indexes out of range, our key absent, trailing bytes', async () => {
  const { publicKey } = await wallet;
  let checked = 0;
  let lookupBoundaries = 0;
  let accountBoundaries = 0;
  // At least 2 x TRANSACTIONS transactions, and on until 3 account-index cases hit a v0
  // message with lookup-table accounts (about one in four does).
  let rounds = 0;
  for (; rounds < TRANSACTIONS * 2 || lookupBoundaries < 3; rounds++) {
    assert.ok(rounds < 1000, 'the builder makes no v0 messages with lookups');
    const { wire, message, version } = randomTransaction(rng, publicKey);
    const at = layout(wire);

    // Account count larger than the keys present.
    const lyingKeys = wire.slice();
    lyingKeys[at.keyCountAt] = 0x7f;
    await refused(lyingKeys, /truncated|account/, `${version}: lying key count`);

    // Signature count that disagrees with the header.
    const lyingSigs = wire.slice();
    lyingSigs[0] += 1;
    await refused(lyingSigs, undefined, `${version}: lying signature count`);

    // The first instruction's program id index beyond every account.
    const badProgram = wire.slice();
    badProgram[at.instructionCountAt + 1] = 0xfe;
    await refused(badProgram, /index|program/, `${version}: program index out of range`);

    // An instruction account index one past the last account: the static keys plus every
    // lookup-table entry the message loads (the off-by-one boundary).
    const parsed = VersionedMessage.deserialize(message);
    const loaded = parsed.addressTableLookups.reduce((n, l) => n + l.writableIndexes.length + l.readonlyIndexes.length, 0);
    const total = parsed.staticAccountKeys.length + loaded;
    // (A message whose instructions pass no accounts, e.g. compute budget and a memo, has
    // no index to corrupt.)
    if (at.firstAccountIndexAt !== undefined) {
      const badAccount = wire.slice();
      badAccount[at.firstAccountIndexAt] = total;
      await refused(badAccount, new RegExp(`index ${total}, but the message has only ${total} accounts`), `${version}: account index out of range`);
      if (loaded > 0) lookupBoundaries++;
      accountBoundaries++;
    }

    // More required signers than accounts (0x7f: in a legacy message the top bit would make
    // the byte a version prefix instead).
    const badHeader = wire.slice();
    badHeader[at.header] = at.versioned ? 0xff : 0x7f;
    await refused(badHeader, /signers|truncated/, `${version}: header beyond the keys`);

    // Bytes after the message are not part of anything the signature covers.
    await refused(new Uint8Array([...wire, 0]), /trailing|after|extra|bytes/i, `${version}: trailing byte`);
    checked += 5;
  }

  // Our key absent from the signers.
  const stranger = rng.keypair().publicKey;
  const { wire } = randomTransaction(rng, stranger);
  await refused(wire, /not a required signer/, 'our key absent');
  checked++;

  assert.equal(checked, rounds * 5 + 1);
  assert.ok(accountBoundaries >= TRANSACTIONS, `only ${accountBoundaries} account-index cases`);
  console.log(`sol_bad_input: ${rounds} transactions, ${accountBoundaries} account-index boundaries (${lookupBoundaries} past lookup-table accounts)`);
  await stillSigns();
});

test(`${MUTATIONS} random corruptions: a precise error or a valid signature, never a trap`, async () => {
  const { publicKey } = await wallet;
  const outcomes = { refused: 0, signed: 0 };
  for (let i = 0; i < MUTATIONS; i++) {
    const c = randomTransaction(rng, publicKey);
    const wire = c.wire.slice();
    const flips = rng.range(1, 3);
    for (let f = 0; f < flips; f++) wire[rng.int(wire.length)] = rng.u32() & 0xff;
    let result;
    try {
      result = await sign(wire);
    } catch (e) {
      assert.equal(e.code, -32602, `mutation ${i}: ${e.message}`);
      assert.equal(e.data?.kind, 'InvalidSolanaRequest');
      outcomes.refused++;
      continue;
    }
    // Still a valid transaction (e.g. a changed amount or signature byte): our signature must
    // be over exactly the message as sent.
    const signed = splitTransaction(fromBase64(result.signedTransaction));
    const sent = splitTransaction(wire);
    assert.ok(equalBytes(signed.message, sent.message), `mutation ${i}: message changed`);
    assert.ok(signed.signatures.some((s) => ed25519.verify(s, sent.message, publicKey.toBytes())), `mutation ${i}`);
    outcomes.signed++;
  }
  console.log(`sol_bad_input: ${JSON.stringify(outcomes)}`);
  assert.equal(outcomes.refused + outcomes.signed, MUTATIONS);
  await stillSigns();
});

test('random bytes of every small length are refused', async () => {
  let count = 0;
  for (let length = 0; length < 300; length++) {
    const bytes = rng.bytes(length);
    const e = await rejection(sign(bytes));
    assert.equal(e.code, -32602, `length ${length}: ${e.message}`);
    count++;
  }
  assert.equal(count, 300);
  await stillSigns();
});
