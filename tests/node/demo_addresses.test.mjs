// The placeholder export, checked by the libraries dapps already use: ethers and viem for the
// EIP-55 checksum, @solana/web3.js for the Ed25519 point.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAddress } from 'ethers';
import { isAddress } from 'viem';
import { PublicKey } from '@solana/web3.js';
import { wasm, workspaceVersion } from './wasm.mjs';

const ROUNDS = 20;

test('module reports the workspace version', () => {
  assert.equal(wasm.version(), workspaceVersion());
});

test('demo_addresses returns exactly two public addresses', () => {
  const result = wasm.demo_addresses();
  assert.deepEqual(Object.keys(result).sort(), ['ethereum', 'solana']);
});

test('Ethereum address carries a valid EIP-55 checksum (ethers, viem)', () => {
  let checked = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const { ethereum } = wasm.demo_addresses();
    assert.match(ethereum, /^0x[0-9a-fA-F]{40}$/);
    // getAddress re-derives the checksum from the lowercase form: equal means Custodian's is right.
    assert.equal(getAddress(ethereum.toLowerCase()), ethereum);
    assert.equal(isAddress(ethereum, { strict: true }), true);
    // A wrong-case letter must break the checksum, or the test above proves nothing.
    const flipped = flipFirstLetterCase(ethereum);
    if (flipped !== ethereum) {
      assert.equal(isAddress(flipped, { strict: true }), false);
      checked++;
    }
  }
  assert.ok(checked > 0, 'no address with a letter in 20 rounds');
});

test('Solana address is a 32-byte Ed25519 point in base58 (@solana/web3.js)', () => {
  for (let i = 0; i < ROUNDS; i++) {
    const { solana } = wasm.demo_addresses();
    const key = new PublicKey(solana);
    assert.equal(key.toBytes().length, 32);
    assert.equal(key.toBase58(), solana);
    assert.equal(PublicKey.isOnCurve(key.toBytes()), true, `${solana} is not on the curve`);
  }
});

test('every call draws fresh keys', () => {
  const seen = { ethereum: new Set(), solana: new Set() };
  for (let i = 0; i < ROUNDS; i++) {
    const { ethereum, solana } = wasm.demo_addresses();
    seen.ethereum.add(ethereum);
    seen.solana.add(solana);
  }
  assert.equal(seen.ethereum.size, ROUNDS);
  assert.equal(seen.solana.size, ROUNDS);
});

function flipFirstLetterCase(address) {
  const i = address.slice(2).search(/[a-fA-F]/);
  if (i < 0) return address;
  const at = i + 2;
  const c = address[at];
  const swapped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  return address.slice(0, at) + swapped + address.slice(at + 1);
}
