// solana_signMessage against @noble/curves: random messages sign and verify, the signature is
// byte for byte noble's (Ed25519 is deterministic), bytes that are a transaction message are
// refused, and the RFC 8032 §7.1 vectors come out of the protocol unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PublicKey } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { wasm } from './wasm.mjs';
import {
  KDF,
  custodianWithKey,
  equalBytes,
  fromBase64,
  prng,
  randomTransaction,
  rejection,
  testSeed,
  toBase64,
} from './sol_helpers.mjs';

const MESSAGES = 50;
const TRANSACTION_MESSAGES = 20;

const rng = prng(testSeed('sol_messages'));
const seed = rng.bytes(32);
const wallet = custodianWithKey(seed);

/**
 * A random message that cannot be a transaction message: it starts with a byte in
 * 0x20..0x7f, which as a legacy header means at least 32 required signers and so at least
 * 32 x 32 = 1024 bytes of account keys, and it is shorter than that. (What *is* refused is
 * tested below with real transaction messages.)
 */
function randomMessage() {
  const length = rng.range(0, 400);
  switch (rng.int(3)) {
    case 0:
      return new TextEncoder().encode(rng.ascii(length));
    case 1: {
      const words = ['gm', 'Sign to prove you own this wallet', 'héllo', '日本語', '✓', 'nonce', '\n', String(rng.u32())];
      let text = 'Message: ';
      while (text.length < length) text += rng.pick(words) + ' ';
      return new TextEncoder().encode(text);
    }
    default: {
      const bytes = rng.bytes(length);
      if (length > 0) bytes[0] = rng.range(0x20, 0x7f);
      return bytes;
    }
  }
}

test(`solana_signMessage: ${MESSAGES} random messages verify with @noble/curves and equal its signature`, async () => {
  const { custodian, address, publicKey } = await wallet;
  let verified = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const message = randomMessage();
    const out = await custodian.request({
      method: 'solana_signMessage',
      params: { address, message: toBase64(message) },
    });
    assert.equal(out.signatureType, 'ed25519');
    assert.ok(equalBytes(fromBase64(out.signedMessage), message), `message ${i}: signedMessage is not the input`);
    const signature = fromBase64(out.signature);
    assert.equal(signature.length, 64);
    assert.equal(ed25519.verify(signature, message, publicKey.toBytes()), true, `message ${i}: noble rejects it`);
    assert.ok(equalBytes(signature, ed25519.sign(message, seed)), `message ${i}: differs from noble's signature`);
    verified++;
  }
  assert.equal(verified, MESSAGES);
});

test(`solana_signMessage refuses ${TRANSACTION_MESSAGES} transaction messages (legacy and v0), also with bytes appended`, async () => {
  const { custodian, address, publicKey } = await wallet;
  const versions = { legacy: 0, v0: 0 };
  let refused = 0;
  while (versions.legacy + versions.v0 < TRANSACTION_MESSAGES) {
    const c = randomTransaction(rng, publicKey);
    if (versions[c.version] >= TRANSACTION_MESSAGES / 2) continue;
    versions[c.version]++;
    // Trailing bytes must not be a way around the check: verifiers read the prefix.
    const candidates = [c.message, new Uint8Array([...c.message, ...rng.bytes(rng.range(1, 40))])];
    for (const message of candidates) {
      const e = await rejection(
        custodian.request({ method: 'solana_signMessage', params: { address, message: toBase64(message) } }),
      );
      assert.equal(e.code, -32602, e.message);
      assert.equal(e.data?.kind, 'InvalidSolanaRequest');
      assert.match(e.message, /refusing to sign a transaction as a message/);
      refused++;
    }
  }
  assert.deepEqual(versions, { legacy: TRANSACTION_MESSAGES / 2, v0: TRANSACTION_MESSAGES / 2 });
  assert.equal(refused, 2 * TRANSACTION_MESSAGES);
});

test('solana_signMessage refuses the off-chain message header', async () => {
  const { custodian, address } = await wallet;
  const header = new Uint8Array([0xff, ...new TextEncoder().encode('solana offchain'), 0, ...rng.bytes(40)]);
  const e = await rejection(
    custodian.request({ method: 'solana_signMessage', params: { address, message: toBase64(header) } }),
  );
  assert.equal(e.code, -32602);
  assert.match(e.message, /off-chain/);
});

test('RFC 8032 §7.1 Ed25519 vectors through wallet_import and solana_signMessage', async () => {
  const file = JSON.parse(readFileSync(new URL('../vectors/rfc8032_ed25519.json', import.meta.url), 'utf8'));
  const hex = (h) => new Uint8Array(Buffer.from(h, 'hex'));
  let signed = 0;
  for (const v of file.vectors) {
    const custodian = new wasm.Custodian();
    await custodian.request({
      method: 'wallet_import',
      params: { password: 'rfc 8032', privateKey: v.secret_key, curve: 'ed25519', kdf: KDF },
    });
    const [account] = await custodian.request({ method: 'wallet_listAccounts' });
    assert.equal(account.address, new PublicKey(hex(v.public_key)).toBase58(), `${v.name}: public key`);
    const out = await custodian.request({
      method: 'solana_signMessage',
      params: { address: account.address, message: toBase64(hex(v.message)) },
    });
    assert.equal(Buffer.from(fromBase64(out.signature)).toString('hex'), v.signature, `${v.name}: signature`);
    signed++;
  }
  // None of the five RFC messages reads as a transaction message, so all five are signed.
  assert.equal(signed, 5);
});
