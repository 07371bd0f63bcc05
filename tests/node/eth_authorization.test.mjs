// wallet_signAuthorization (EIP-7702) against viem: for random delegates, chain ids and nonces,
// Custodian's signed tuple equals viem's `signAuthorization` with the same key (r, s and
// yParity: RFC 6979 is deterministic), and viem's `recoverAuthorizationAddress` gives our
// address.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAddress } from 'ethers';
import { privateKeyToAccount } from 'viem/accounts';
import { recoverAuthorizationAddress } from 'viem/utils';
import { Rng, qty, rejection, runSeed, switchChain, walletWithKey, randomChainId, SECP256K1_N } from './eth_helpers.mjs';

const CASES = 200;
const CASES_PER_KEY = 40;
const seed = runSeed();

test(`wallet_signAuthorization: ${CASES} random authorizations equal viem's (seed ${seed})`, async (t) => {
  t.diagnostic(`seed ${seed} (replay with ETH_SEED=${seed})`);
  const rng = new Rng(seed);
  const chains = { active: 0, all: 0, omitted: 0 };
  let w;
  let count = 0;
  for (let i = 0; i < CASES; i++) {
    if (i % CASES_PER_KEY === 0) {
      const privateKey = rng.privateKey();
      w = { ...(await walletWithKey(privateKey)), viem: privateKeyToAccount(privateKey) };
      assert.equal(w.viem.address, w.address);
    }
    const active = randomChainId(rng);
    await switchChain(w.c, active);
    const delegate = getAddress(rng.address());
    // viem holds nonces as JS numbers.
    const nonce = Number(rng.edgy(53));
    const params = { nonce: qty(nonce) };
    // viem's older name for the delegate is `contractAddress`; Custodian accepts both.
    params[rng.chance(0.8) ? 'address' : 'contractAddress'] = rng.bool() ? delegate : delegate.toLowerCase();
    const which = rng.pick(['active', 'all', 'omitted']);
    const chainId = which === 'all' ? 0 : active;
    if (which !== 'omitted') params.chainId = qty(chainId);
    if (rng.bool()) params.account = w.address;
    chains[which]++;
    const context = `seed ${seed}, case ${i}: ${JSON.stringify(params)}`;

    const ours = await w.c.request({ method: 'wallet_signAuthorization', params: rng.bool() ? params : [params] });
    const theirs = await w.viem.signAuthorization({ address: delegate, chainId, nonce });
    assert.deepEqual(
      ours,
      {
        chainId: qty(chainId),
        address: delegate,
        nonce: qty(nonce),
        yParity: qty(theirs.yParity),
        r: theirs.r,
        s: theirs.s,
      },
      context,
    );
    assert.ok(BigInt(ours.s) <= SECP256K1_N / 2n, `high s: ${context}`);
    const authorization = { address: delegate, chainId, nonce, r: ours.r, s: ours.s, yParity: Number(ours.yParity) };
    assert.equal(await recoverAuthorizationAddress({ authorization }), w.address, context);
    count++;
  }
  assert.equal(count, CASES);
  assert.ok(Object.values(chains).every((n) => n > 30), JSON.stringify(chains));
  t.diagnostic(`chain ids: ${JSON.stringify(chains)}`);
});

test('wallet_signAuthorization refuses another chain and malformed fields', async () => {
  const w = await walletWithKey('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
  const delegate = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  const sign = (params) => rejection(w.c.request({ method: 'wallet_signAuthorization', params }));
  const cases = [
    [{ address: delegate, nonce: '0x0', chainId: '0x2' }, 'InvalidAuthorization'], // active chain is 1
    [{ address: delegate }, 'InvalidAuthorization'], // no nonce
    [{ address: delegate, nonce: '0x10000000000000000' }, 'InvalidAuthorization'], // > 2^64 - 1
    [{ address: delegate.slice(0, 41), nonce: '0x0' }, 'InvalidAuthorization'], // truncated
    [{ address: delegate, nonce: '0x0', account: '0x0000000000000000000000000000000000000001' }, 'UnknownAccount'],
  ];
  for (const [params, kind] of cases) {
    const e = await sign(params);
    assert.equal(e.data.kind, kind, JSON.stringify(params));
  }
  assert.equal(cases.length, 5);
});
