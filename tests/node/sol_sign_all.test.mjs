// solana_signAllTransactions: a batch of 10 web3.js transactions is signed as a whole (each
// checked against @noble/curves), and a batch with one bad transaction is refused as a whole,
// naming the bad one's index.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemProgram, Transaction } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  custodianWithKey,
  equalBytes,
  fromBase64,
  prng,
  randomTransaction,
  rejection,
  splitTransaction,
  testSeed,
  toBase64,
} from './sol_helpers.mjs';

const BATCH = 10;

const rng = prng(testSeed('sol_sign_all'));
const seed = rng.bytes(32);
const wallet = custodianWithKey(seed);

test(`solana_signAllTransactions signs all ${BATCH} transactions of a batch`, async () => {
  const { custodian, address, publicKey } = await wallet;
  const cases = Array.from({ length: BATCH }, () => randomTransaction(rng, publicKey));
  const { signedTransactions } = await custodian.request({
    method: 'solana_signAllTransactions',
    params: { address, transactions: cases.map((c) => toBase64(c.wire)) },
  });
  assert.equal(signedTransactions.length, BATCH);
  let verified = 0;
  cases.forEach((c, i) => {
    const before = splitTransaction(c.wire);
    const after = splitTransaction(fromBase64(signedTransactions[i]));
    assert.ok(equalBytes(after.message, c.message), `transaction ${i}: message changed`);
    const expected = ed25519.sign(c.message, seed);
    let changed = 0;
    after.signatures.forEach((sig, slot) => {
      if (equalBytes(sig, before.signatures[slot])) return;
      changed++;
      assert.ok(equalBytes(sig, expected), `transaction ${i}: slot ${slot} is not our signature`);
      assert.equal(ed25519.verify(sig, c.message, publicKey.toBytes()), true);
    });
    assert.equal(changed, 1, `transaction ${i}: exactly our slot changes`);
    verified++;
  });
  assert.equal(verified, BATCH);
});

test('one bad transaction refuses the whole batch and names its index', async () => {
  const { custodian, address, publicKey } = await wallet;
  const stranger = rng.keypair();
  const notOurs = new Transaction({ feePayer: stranger.publicKey, recentBlockhash: rng.address().toBase58() }).add(
    SystemProgram.transfer({ fromPubkey: stranger.publicKey, toPubkey: publicKey, lamports: 1n }),
  );
  const good = randomTransaction(rng, publicKey).wire;
  const bad = {
    truncated: toBase64(good.slice(0, good.length - 1 - rng.int(good.length - 1))),
    notASigner: toBase64(notOurs.serialize({ requireAllSignatures: false, verifySignatures: false })),
    notBase64: 'this is not base64!',
    empty: '',
  };
  let refused = 0;
  for (const [what, tx] of Object.entries(bad)) {
    const index = rng.int(BATCH);
    const transactions = Array.from({ length: BATCH }, (_, i) =>
      i === index ? tx : toBase64(randomTransaction(rng, publicKey).wire),
    );
    const e = await rejection(
      custodian.request({ method: 'solana_signAllTransactions', params: { address, transactions } }),
    );
    assert.equal(e.code, -32602, `${what}: ${e.message}`);
    assert.equal(e.data?.kind, 'InvalidSolanaRequest', what);
    assert.match(e.message, new RegExp(`^transaction ${index}: `), what);
    if (what === 'notASigner') assert.match(e.message, /not a required signer/);
    if (what === 'notBase64') assert.match(e.message, /base64/);
    console.log(`sol_sign_all: ${what} at ${index} -> ${e.code} ${e.message}`);
    refused++;
  }
  assert.equal(refused, Object.keys(bad).length);
});
