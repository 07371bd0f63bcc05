// solana_signIn (Sign-In With Solana) against the Wallet Standard's own reference code:
// @solana/wallet-standard-util's createSignInMessageText writes the text a wallet must sign
// and verifySignIn checks an output against its input. Random inputs, the requesting origin
// passed as `request(args, origin)` by a site the user connected and whose request the user
// approves (docs/sites.md); a sign-in for another domain is refused before the user is asked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PublicKey } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { createSignInMessageText, verifySignIn } from '@solana/wallet-standard-util';
import { custodianWithKey, equalBytes, fromBase64, prng, rejection, testSeed } from './sol_helpers.mjs';
import { requestAsSite } from './support.mjs';

const CASES = 40;

const rng = prng(testSeed('sol_sign_in'));
const seed = rng.bytes(32);
const wallet = custodianWithKey(seed);

const ORIGINS = [
  ['https://app.example', 'app.example'],
  ['https://dex.example.org:8443', 'dex.example.org:8443'],
  ['http://localhost:3000', 'localhost:3000'],
];

const alphanumeric = (n) => Array.from({ length: n }, () => rng.pick('abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789')).join('');
const isoTime = () => new Date(1_700_000_000_000 + rng.int(2 ** 31) * 1000).toISOString();

/** A random SolanaSignInInput; `empties` says whether it contains empty-string fields. */
function randomInput(authority, address) {
  const input = {};
  const maybe = (p) => rng.bool(p);
  if (maybe(0.6)) input.domain = authority;
  if (maybe(0.4)) input.address = address;
  if (maybe(0.7)) input.statement = rng.ascii(rng.range(1, 120));
  if (maybe(0.6)) input.uri = `https://${authority}/${alphanumeric(6)}`;
  if (maybe(0.6)) input.version = '1';
  if (maybe(0.5)) input.chainId = rng.pick(['mainnet', 'devnet', 'solana:mainnet', 'solana:testnet']);
  if (maybe(0.7)) input.nonce = alphanumeric(rng.range(8, 32));
  if (maybe(0.6)) input.issuedAt = isoTime();
  if (maybe(0.4)) input.expirationTime = isoTime();
  if (maybe(0.3)) input.notBefore = isoTime();
  if (maybe(0.3)) input.requestId = alphanumeric(10);
  if (maybe(0.4)) input.resources = Array.from({ length: rng.range(0, 3) }, () => `https://${alphanumeric(5)}.example/${alphanumeric(4)}`);
  // The reference treats an empty string as absent; so must Custodian.
  let empties = false;
  for (const field of ['statement', 'uri', 'nonce', 'requestId']) {
    if (input[field] === undefined && rng.bool(0.1)) {
      input[field] = '';
      empties = true;
    }
  }
  return { input, empties };
}

test(`solana_signIn: ${CASES} random inputs give the reference message text and verify`, async () => {
  const { custodian, address, publicKey } = await wallet;
  const tally = { cases: 0, verifiedByReference: 0, domainFromOrigin: 0, withAddressParam: 0 };
  for (let i = 0; i < CASES; i++) {
    const [origin, authority] = rng.pick(ORIGINS);
    const { input, empties } = randomInput(authority, address);
    const params = { input };
    if (rng.bool(0.5)) {
      params.address = address;
      tally.withAddressParam++;
    }
    const out = await requestAsSite(custodian, { method: 'solana_signIn', params }, origin);

    const expectedText = createSignInMessageText({ ...input, domain: input.domain ?? authority, address });
    const signedMessage = fromBase64(out.signedMessage);
    assert.equal(new TextDecoder().decode(signedMessage), expectedText, `case ${i}: ${JSON.stringify(input)}`);

    assert.equal(out.account.address, address);
    assert.ok(equalBytes(fromBase64(out.account.publicKey), publicKey.toBytes()));
    assert.equal(out.signatureType, 'ed25519');
    const signature = fromBase64(out.signature);
    assert.equal(ed25519.verify(signature, signedMessage, publicKey.toBytes()), true, `case ${i}: noble rejects it`);
    assert.ok(equalBytes(signature, ed25519.sign(signedMessage, seed)), `case ${i}: differs from noble's signature`);

    // The reference verifier compares field by field, and reads an empty string in the input
    // as a mismatch with the (absent) parsed field, so it only applies without empties.
    if (!empties) {
      const output = { account: { publicKey: publicKey.toBytes() }, signedMessage, signature };
      assert.equal(verifySignIn(input, output), true, `case ${i}: verifySignIn rejects it`);
      tally.verifiedByReference++;
    }
    if (input.domain === undefined) tally.domainFromOrigin++;
    tally.cases++;
  }
  console.log(`sol_sign_in: ${JSON.stringify(tally)}`);
  assert.equal(tally.cases, CASES);
  assert.ok(tally.verifiedByReference >= CASES / 4, 'verifySignIn ran on too few cases');
  assert.ok(tally.domainFromOrigin > 0 && tally.domainFromOrigin < CASES, 'both domain sources exercised');
});

test('solana_signIn refuses a domain that is not the requesting origin, and other bad input', async () => {
  const { custodian, address } = await wallet;
  const stranger = new PublicKey(rng.bytes(32)).toBase58();
  const refusals = [
    ['domain mismatch', { input: { domain: 'bank.example' } }, 'https://evil.example', /bank\.example.*evil\.example/],
    ['subdomain', { input: { domain: 'app.example' } }, 'https://app.example.evil.example', /comes from/],
    ['port mismatch', { input: { domain: 'app.example:8443' } }, 'https://app.example', /comes from/],
    ['opaque origin', { input: {} }, 'null', /web origin/],
    ['address mismatch', { input: { domain: 'app.example', address: stranger } }, 'https://app.example', /not this wallet's/],
    ['forged line', { input: { domain: 'app.example', statement: 'hi\nURI: https://evil.example' } }, 'https://app.example', /line break/],
    ['bad timestamp', { input: { domain: 'app.example', issuedAt: 'yesterday' } }, 'https://app.example', /RFC 3339/],
    ['no origin, no domain', { input: { nonce: 'abcdefgh' } }, undefined, /domain/],
  ];
  let refused = 0;
  for (const [what, params, origin, pattern] of refusals) {
    const e = await rejection(requestAsSite(custodian, { method: 'solana_signIn', params: { address, ...params } }, origin));
    assert.equal(e.code, -32602, `${what}: ${e.message}`);
    assert.match(e.message, pattern, what);
    refused++;
  }
  assert.equal(refused, refusals.length);

  // The same domain with the origin's default port written out is the same site.
  const out = await requestAsSite(custodian, { method: 'solana_signIn', params: { input: { domain: 'app.example:443' } } }, 'https://app.example');
  assert.match(new TextDecoder().decode(fromBase64(out.signedMessage)), /^app\.example:443 wants you to sign in/);
});
