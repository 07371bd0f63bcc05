// solana_signTransaction against @solana/web3.js and @noble/curves: 200 random transactions
// (SOL and SPL token transfers, associated token accounts, compute budget, memo, legacy and v0
// with address lookup tables, a second signer signing before or after Custodian) built by
// web3.js, signed by the real WASM module, then read back by web3.js.
//
// For every case: the message bytes come back unchanged, our slot holds exactly the signature
// @noble/curves computes over them (Ed25519 is deterministic, RFC 8032), web3.js's own
// verification accepts it, and every other slot is byte for byte what it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction, VersionedTransaction } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  custodianWithKey,
  equalBytes,
  fromBase64,
  prng,
  randomTransaction,
  splitTransaction,
  testSeed,
  toBase64,
} from './sol_helpers.mjs';

const CASES = 200;

test(`solana_signTransaction: ${CASES} random web3.js transactions verify and match @noble/curves`, async () => {
  const rng = prng(testSeed('sol_transactions'));
  const seed = rng.bytes(32);
  const { custodian, address, publicKey } = await custodianWithKey(seed);
  const tally = {
    cases: 0,
    legacy: 0,
    v0: 0,
    v0WithLookups: 0,
    otherSignedBefore: 0,
    otherSignedAfter: 0,
    otherPaysFee: 0,
    sol: 0,
    spl: 0,
    splChecked: 0,
    ata: 0,
    memo: 0,
    computeBudget: 0,
  };

  for (let i = 0; i < CASES; i++) {
    const c = randomTransaction(rng, publicKey);
    const params = { address, transaction: toBase64(c.wire) };
    if (rng.bool(0.3)) params.chain = rng.pick(['solana:mainnet', 'solana:devnet', 'solana:testnet']);
    const { signedTransaction } = await custodian.request({ method: 'solana_signTransaction', params });
    const signed = fromBase64(signedTransaction);
    const before = splitTransaction(c.wire);
    const after = splitTransaction(signed);
    const where = `case ${i} (${c.version}, other ${c.order})`;

    assert.equal(signed.length, c.wire.length, `${where}: length changed`);
    assert.ok(equalBytes(after.message, c.message), `${where}: message bytes changed`);
    assert.equal(after.signatures.length, before.signatures.length, `${where}: slot count changed`);

    const expected = ed25519.sign(c.message, seed);
    let ours;
    if (c.version === 'legacy') {
      const tx = Transaction.from(signed);
      ours = tx.signatures.findIndex((s) => s.publicKey.equals(publicKey));
      assert.ok(ours >= 0, `${where}: our key is not a signer`);
      // web3.js checks every signature present; absent ones (other signer later) are allowed.
      assert.equal(tx.verifySignatures(false), true, `${where}: web3.js rejects a signature`);
      assert.ok(equalBytes(tx.signatures[ours].signature, expected), `${where}: signature differs from noble's`);
      if (c.order === 'after') {
        tx.partialSign(c.other);
        assert.equal(tx.verifySignatures(true), true, `${where}: fully signed transaction does not verify`);
        assert.ok(equalBytes(tx.signatures[ours].signature, expected), `${where}: co-signing moved our signature`);
        tx.serialize(); // web3.js refuses to serialise an incompletely or wrongly signed transaction
      } else if (c.order === 'before') {
        assert.equal(tx.verifySignatures(true), true, `${where}: fully signed transaction does not verify`);
      }
    } else {
      const tx = VersionedTransaction.deserialize(signed);
      assert.ok(equalBytes(tx.message.serialize(), c.message), `${where}: web3.js reads another message`);
      const signers = tx.message.staticAccountKeys.slice(0, tx.message.header.numRequiredSignatures);
      ours = signers.findIndex((k) => k.equals(publicKey));
      assert.ok(ours >= 0, `${where}: our key is not a signer`);
      assert.equal(ed25519.verify(tx.signatures[ours], c.message, publicKey.toBytes()), true, `${where}: noble rejects our signature`);
      assert.ok(equalBytes(tx.signatures[ours], expected), `${where}: signature differs from noble's`);
      if (c.order !== 'none') {
        if (c.order === 'after') tx.sign([c.other]);
        const theirs = signers.findIndex((k) => k.equals(c.other.publicKey));
        assert.equal(ed25519.verify(tx.signatures[theirs], c.message, c.other.publicKey.toBytes()), true, `${where}: other signature invalid`);
        assert.ok(equalBytes(tx.signatures[ours], expected), `${where}: co-signing moved our signature`);
      }
    }

    // Every slot but ours is exactly as it was sent: the other signer's signature, or zeros.
    before.signatures.forEach((sig, slot) => {
      if (slot === ours) return;
      assert.ok(equalBytes(after.signatures[slot], sig), `${where}: slot ${slot} was touched`);
    });
    if (c.order === 'after') {
      const theirs = before.signatures.findIndex((_, slot) => slot !== ours);
      assert.ok(after.signatures[theirs].every((b) => b === 0), `${where}: the unsigned slot is not zero`);
    }

    tally.cases++;
    tally[c.version]++;
    if (c.lookups > 0) tally.v0WithLookups++;
    if (c.order === 'before') tally.otherSignedBefore++;
    if (c.order === 'after') tally.otherSignedAfter++;
    if (c.feePayerIsOther) tally.otherPaysFee++;
    for (const kind of c.kinds) tally[kind]++;
  }

  console.log(`sol_transactions: ${JSON.stringify(tally)}`);
  assert.equal(tally.cases, CASES);
  assert.equal(tally.legacy + tally.v0, CASES);
  // Each shape must really have been exercised, not just be possible. With the builder's
  // probabilities each expected count is >= 30, so 10 fails only for a broken builder.
  for (const [name, n] of Object.entries(tally)) {
    assert.ok(n >= 10, `only ${n} cases of ${name}`);
  }
});
