// personal_sign (EIP-191) against ethers v6 and viem on random messages: UTF-8 text and 0x hex
// bytes. The signature must equal ethers' `Wallet.signMessage` byte for byte (RFC 6979), and
// ethers' and viem's `verifyMessage` must recover our address.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Wallet, getBytes, verifyMessage as ethersVerify } from 'ethers';
import { verifyMessage as viemVerify } from 'viem';
import { Rng, hex, randomText, rejection, runSeed, walletWithKey } from './eth_helpers.mjs';

const MESSAGES = 100;
const MESSAGES_PER_KEY = 20;
const seed = runSeed();

/** What MetaMask (and so Custodian) reads as hex bytes rather than as text. */
const LOOKS_HEX = /^(0[xX])?[0-9a-fA-F]+$/;

test(`personal_sign: ${MESSAGES} random messages match ethers and verify in viem (seed ${seed})`, async (t) => {
  t.diagnostic(`seed ${seed} (replay with ETH_SEED=${seed})`);
  const rng = new Rng(seed);
  const counts = { text: 0, hex: 0 };
  let w;
  for (let i = 0; i < MESSAGES; i++) {
    if (i % MESSAGES_PER_KEY === 0) {
      const privateKey = rng.privateKey();
      w = { ...(await walletWithKey(privateKey)), ethers: new Wallet(privateKey) };
    }
    const kind = i % 2 === 0 ? 'text' : 'hex';
    let data;
    let ethersMessage;
    let viemMessage;
    if (kind === 'text') {
      do data = randomText(rng, 200);
      while (LOOKS_HEX.test(data));
      ethersMessage = data; // ethers signs a string as its UTF-8 bytes
      viemMessage = data;
    } else {
      const bytes = rng.bytes(rng.pick([1, 2, 20, 32, 33, rng.range(1, 300)]));
      data = hex(bytes);
      if (rng.bool()) data = '0x' + data.slice(2).toUpperCase();
      ethersMessage = getBytes(data);
      viemMessage = { raw: data };
    }
    const account = rng.bool() ? w.address : w.address.toLowerCase();
    const context = `seed ${seed}, case ${i}: ${JSON.stringify(data)}`;
    const signature = await w.c.request({ method: 'personal_sign', params: [data, account] });
    assert.match(signature, /^0x[0-9a-f]{128}(1b|1c)$/, context);
    assert.equal(signature, await w.ethers.signMessage(ethersMessage), context);
    assert.equal(ethersVerify(ethersMessage, signature), w.address, context);
    assert.equal(await viemVerify({ address: w.address, message: viemMessage, signature }), true, context);
    counts[kind]++;
  }
  assert.deepEqual(counts, { text: MESSAGES / 2, hex: MESSAGES / 2 });
});

test('personal_sign reads ambiguous data as MetaMask does', async () => {
  const privateKey = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
  const w = await walletWithKey(privateKey);
  const ethers = new Wallet(privateKey);
  const sign = (data) => w.c.request({ method: 'personal_sign', params: [data, w.address] });
  // Hex digits without 0x are bytes (MetaMask's normalizeMessageData); ethers would sign the text.
  assert.equal(await sign('cafe'), await ethers.signMessage(getBytes('0xcafe')));
  // An odd number of digits gets a leading zero.
  assert.equal(await sign('0xabc'), await ethers.signMessage(getBytes('0x0abc')));
  // A bare "0x" has no digits: it is the two characters, not an empty message.
  assert.equal(await sign('0x'), await ethers.signMessage('0x'));
  assert.notEqual(await sign('0x'), await ethers.signMessage(new Uint8Array(0)));
  // The empty string is the empty message.
  assert.equal(await sign(''), await ethers.signMessage(''));
  // Someone else's address is refused, not signed with ours.
  const other = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  const e = await rejection(w.c.request({ method: 'personal_sign', params: ['0x00', other] }));
  assert.deepEqual([e.code, e.data.kind], [4100, 'UnknownAccount']);
});
