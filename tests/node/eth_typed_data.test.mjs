// eth_signTypedData_v4 (EIP-712) against ethers v6 and viem: the EIP's own Mail example (with
// its published signature), then random payloads (nested structs, arrays of structs, fixed,
// dynamic and two-dimensional arrays, bytes, bytesN, intN/uintN at their boundaries, partial
// domains). Each signature must equal ethers' `Wallet.signTypedData` byte for byte (RFC 6979)
// and viem's `verifyTypedData` must accept it. Values out of their type's range must be
// refused by Custodian (kind InvalidTypedData) and by ethers alike.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Wallet, keccak256, toUtf8Bytes } from 'ethers';
import { verifyTypedData } from 'viem';
import { Rng, hex, qty, rejection, runSeed, switchChain, walletWithKey, randomChainId } from './eth_helpers.mjs';
import { domainType, leafTypes, randomDomain, randomTypes, randomValue, toViem } from './eth_typed_data_gen.mjs';

const CASES = 100;
const CASES_PER_KEY = 25;
const OUT_OF_RANGE_CASES = 60;
const seed = runSeed();

test('eth_signTypedData_v4: the EIP-712 Mail example gives the published signature', async () => {
  // EIP-712, "Example": the signer's key is keccak256("cow"); the EIP lists v, r, s
  // (https://eips.ethereum.org/EIPS/eip-712, assets/eip-712/Example.js).
  const privateKey = keccak256(toUtf8Bytes('cow'));
  const w = await walletWithKey(privateKey);
  assert.equal(w.address, '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826');
  const types = {
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person' },
      { name: 'contents', type: 'string' },
    ],
  };
  const domain = {
    name: 'Ether Mail',
    version: '1',
    chainId: 1,
    verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
  };
  const message = {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  };
  const typedData = { types: { EIP712Domain: domainType(domain), ...types }, primaryType: 'Mail', domain, message };
  const expected =
    '0x' +
    '4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d' +
    '07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562' +
    '1c';
  // As an object and as the JSON string ethers' JsonRpcSigner sends.
  for (const payload of [typedData, JSON.stringify(typedData)]) {
    const signature = await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, payload] });
    assert.equal(signature, expected);
  }
  assert.equal(await new Wallet(privateKey).signTypedData(domain, types, message), expected);
  assert.equal(
    await verifyTypedData({ address: w.address, domain, types, primaryType: 'Mail', message, signature: expected }),
    true,
  );
});

test(`eth_signTypedData_v4: ${CASES} random payloads match ethers and verify in viem (seed ${seed})`, async (t) => {
  t.diagnostic(`seed ${seed} (replay with ETH_SEED=${seed})`);
  const rng = new Rng(seed);
  const seen = new Set();
  const domainSizes = new Set();
  let count = 0;
  let w;
  for (let i = 0; i < CASES; i++) {
    if (i % CASES_PER_KEY === 0) {
      const privateKey = rng.privateKey();
      w = { ...(await walletWithKey(privateKey)), ethers: new Wallet(privateKey) };
    }
    const chainId = randomChainId(rng);
    await switchChain(w.c, chainId);
    const { types, primaryType } = randomTypes(rng);
    const domain = randomDomain(rng, chainId);
    const message = randomValue(rng, types, primaryType);
    for (const l of leafTypes(types)) seen.add(l);
    domainSizes.add(Object.keys(domain).length);
    // Usually with EIP712Domain spelled out (as ethers and viem send it); without it Custodian
    // derives it from the domain's keys, as they do.
    const withDomainType = rng.chance(0.7);
    const typedData = {
      types: withDomainType ? { EIP712Domain: domainType(domain), ...types } : types,
      primaryType,
      domain,
      message,
    };
    const payload = rng.bool() ? typedData : JSON.stringify(typedData);
    const context = `seed ${seed}, case ${i}: ${JSON.stringify(typedData)}`;

    const signature = await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, payload] });
    assert.equal(signature, await w.ethers.signTypedData(domain, types, message), context);
    const viemDomain = { ...domain };
    if ('chainId' in viemDomain) viemDomain.chainId = BigInt(viemDomain.chainId);
    const valid = await verifyTypedData({
      address: w.address,
      domain: viemDomain,
      types,
      primaryType,
      message: toViem(types, primaryType, message),
      signature,
    });
    assert.equal(valid, true, context);
    count++;
  }
  assert.equal(count, CASES);
  // The generator must actually have produced every shape the test claims to cover.
  for (const shape of ['address', 'bool', 'string', 'bytes', 'bytesN', 'uintN', 'intN', 'struct', 'struct[]', 'atomic[]', '2-d array']) {
    assert.ok(seen.has(shape), `no ${shape} in ${CASES} cases`);
  }
  assert.deepEqual([...domainSizes].sort(), [0, 1, 2, 3, 4, 5]);
});

test(`eth_signTypedData_v4: ${OUT_OF_RANGE_CASES} out-of-range values are refused by Custodian and ethers (seed ${seed})`, async () => {
  const rng = new Rng(seed ^ 0x5eed);
  const privateKey = rng.privateKey();
  const w = await walletWithKey(privateKey);
  const ethers = new Wallet(privateKey);
  const kinds = {};
  for (let i = 0; i < OUT_OF_RANGE_CASES; i++) {
    const bits = (rng.int(32) + 1) * 8;
    const B = BigInt(bits);
    const [type, value, kind] = rng.pick([
      () => [`uint${bits}`, (1n << B).toString(), 'uint above max'],
      () => [`uint${bits}`, '-1', 'uint negative'],
      () => [`int${bits}`, (1n << (B - 1n)).toString(), 'int above max'],
      () => [`int${bits}`, (-(1n << (B - 1n)) - 1n).toString(), 'int below min'],
      () => {
        const n = rng.range(1, 32);
        const wrong = rng.pick([n - 1, n + 1].filter((k) => k >= 0 && k <= 33));
        return [`bytes${n}`, hex(rng.bytes(wrong)), 'bytesN wrong length'];
      },
    ])();
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    // The bad value sits inside a struct inside an array, so the check must reach it.
    const types = {
      Outer: [
        { name: 'ok', type: 'uint8' },
        { name: 'items', type: 'Inner[]' },
      ],
      Inner: [{ name: 'v', type }],
    };
    const message = { ok: 1, items: [{ v: value }] };
    const typedData = { types: { EIP712Domain: [{ name: 'name', type: 'string' }], ...types }, primaryType: 'Outer', domain: { name: 'x' }, message };
    const context = `seed ${seed}, case ${i}: ${type} = ${value}`;
    const e = await rejection(w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData] }));
    assert.deepEqual([e.code, e.data.kind], [-32602, 'InvalidTypedData'], `${context}: ${JSON.stringify(e)}`);
    await assert.rejects(ethers.signTypedData({ name: 'x' }, types, message), context);
  }
  assert.equal(Object.values(kinds).reduce((a, b) => a + b, 0), OUT_OF_RANGE_CASES);
  assert.equal(Object.keys(kinds).length, 5, JSON.stringify(kinds));
});

test('eth_signTypedData_v4: a domain for another chain is refused', async () => {
  const w = await walletWithKey('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
  await switchChain(w.c, 10);
  const typedData = { types: { A: [{ name: 'x', type: 'uint8' }] }, primaryType: 'A', domain: { chainId: 1 }, message: { x: 1 } };
  const e = await rejection(w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData] }));
  assert.equal(e.data.kind, 'InvalidTypedData');
  typedData.domain.chainId = qty(10);
  await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData] });
});
