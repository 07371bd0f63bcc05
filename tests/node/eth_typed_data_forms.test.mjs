// eth_signTypedData_v4: which JSON forms of a value Custodian accepts, against ethers v6
// (`TypedDataEncoder`, `Wallet.signTypedData`) and viem (`hashTypedData`). Custodian reads
// values strictly (crates/core/src/chains/ethereum/typed_values.rs, docs/ethereum.md "Typed
// data values"):
//   - every form ethers accepts, Custodian accepts with ethers' digest (the signature is equal
//     byte for byte, RFC 6979), except the few listed in EXCEPTIONS, where ethers reads
//     something other than what a dapp shows;
//   - every form neither ethers nor viem accepts, Custodian refuses with -32602 InvalidTypedData
//     and a message naming the field's path and type (and not its value);
//   - forms only viem accepts are refused too (listed in VIEM_ONLY, with why).
// Then random integers written in every form ethers reads, and the same rules on the domain.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey, TypedDataEncoder, Wallet } from 'ethers';
import { hashTypedData } from 'viem';
import { Rng, rejection, runSeed, walletWithKey } from './eth_helpers.mjs';

const PRIVATE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const DOMAIN = { name: 'forms' };
const A = '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB';
const MAX_UINT256 = `0x${'f'.repeat(64)}`;
const seed = runSeed();

/** [type, JSON value] pairs: canonical forms, the odd forms each library reads, and garbage. */
const FORMS = [
  ['bool', [true, false, 'true', 'false', 0, 1, '0', '1', '', null, 'yes', [], {}]],
  ['uint256', [
    1, '1', '0x1', '0x01', '0X1', ' 1', '1 ', '\t1\n', '\u00a01\u3000', '01', '00', '+1', '-0', '0b1', '0o7', '0B1', '0O7',
    '0xAB', '0xab', '0x0', 1000, MAX_UINT256, 9007199254740991,
    '1e3', 1.5, '1.0', '0x', '', ' ', '1_000', '0x-1', '-0x1', '-1', -1, '0xg', '0b2', '\uff11', '1\u0085', true, null, [1], {},
    9007199254740992, 1e21, `0x1${'0'.repeat(64)}`,
  ]],
  ['int256', [
    -1, '-1', ' -1', '-0x1', '-0b11', '-0o7', '- 7', '-01', '-0', '+5', '-+1', '- -1', '-', '--1', ' -0x1', '+0x1', '0x-1',
    `0x${'f'.repeat(64)}`, `-${2n ** 255n}`, `${2n ** 255n}`, -9007199254740992,
  ]],
  ['int8', ['0xff', '-128', '-0x80', 127, '0x7f', 128, '-129']],
  ['address', [
    A, A.toLowerCase(), `0x${A.slice(2).toUpperCase()}`, A.slice(2), A.slice(2).toLowerCase(),
    `0X${A.slice(2)}`, '0xBbBBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB', 'XE65GB6LDNXYOFTX0NSV3FUWKOWIXAMJK36',
    'vitalik.eth', '0x1234', ` ${A}`, 1, null,
  ]],
  ['bytes', ['0x', '0x1234', '0xABCD', '0X12', '1234', '0x123', 'hello', '0xzz', '', '0x 12', [1, 2], 12, null]],
  ['bytes2', ['0x1234', '0xABCD', '0XAB12', '1234', '0x12', '0x123456', '0x123', '', '0x1', [1, 2]]],
  ['bytes32', [`0x${'ab'.repeat(32)}`, 'ab'.repeat(32), `0x${'ab'.repeat(31)}`]],
  ['string', ['abc', '', 123, true, null]],
];

/**
 * Forms ethers accepts that Custodian refuses, and why: in each, what ethers signs is not what
 * the dapp's value says.
 */
const EXCEPTIONS = new Map([
  ['bool "true"', 'ethers reads bools by JavaScript truthiness; Custodian takes only JSON true/false'],
  ['bool "false"', 'ethers signs true for the string "false"'],
  ['bool 0', 'truthiness: a number is not a bool'],
  ['bool 1', 'truthiness: a number is not a bool'],
  ['bool "0"', 'ethers signs true for the string "0"'],
  ['bool "1"', 'truthiness: a string is not a bool'],
  ['bool ""', 'ethers signs false for an empty string'],
  ['bool null', 'ethers signs false for null (a missing field)'],
  ['bool "yes"', 'truthiness: a string is not a bool'],
  ['bool []', 'ethers signs true for an empty list'],
  ['bool {}', 'ethers signs true for an object'],
  ['uint256 " "', 'no digits: ethers reads whitespace as 0'],
  ['int256 "-+1"', 'two signs: ethers reads -(+1)'],
  ['int256 "- -1"', 'two signs: ethers reads -(-1) = 1'],
  ['int256 "-"', 'no digits: ethers reads a lone minus as 0'],
  ['address "XE65GB6LDNXYOFTX0NSV3FUWKOWIXAMJK36"', 'ICAP: a different text for an address no dapp shows this way'],
]);

/** Forms only viem accepts, refused by Custodian. */
const VIEM_ONLY = new Map([
  ['uint256 ""', 'viem reads an empty string as 0'],
  ['uint256 true', 'viem reads true as 1'],
  ['uint256 [1]', 'viem reads a one-item list as its item (BigInt([1]) is 1n)'],
  ['uint256 9007199254740992', 'a JSON number beyond 2^53 - 1 may already be rounded (ethers refuses it)'],
  ['uint256 1e+21', 'the same, written with an exponent'],
  ['int256 -9007199254740992', 'the same, negative'],
  ['bytes "1234"', 'viem drops the first two characters and signs 0x34'],
  ['bytes "0x123"', 'viem pads odd hex to 0x0123'],
  ['bytes "hello"', 'not hex'],
  ['bytes "0xzz"', 'not hex'],
  ['bytes ""', 'no 0x'],
  ['bytes "0x 12"', 'not hex'],
  ['bytes2 "0x123"', 'odd hex'],
  ['string 123', 'viem stringifies a number'],
  ['string true', 'viem stringifies a bool'],
]);

const label = (type, value) => `${type} ${JSON.stringify(value)}`;

function outcome(fn) {
  try {
    return { ok: true, digest: fn() };
  } catch (error) {
    return { ok: false, error: String(error?.shortMessage ?? error?.message ?? error).split('\n')[0] };
  }
}

function typedData(types, primaryType, message, domain = DOMAIN, domainType = [{ name: 'name', type: 'string' }]) {
  return { types: { EIP712Domain: domainType, ...types }, primaryType, domain, message };
}

test('typed data value forms: ethers\' forms signed as ethers signs them, forms neither reads refused', async (t) => {
  const w = await walletWithKey(PRIVATE_KEY);
  const key = new SigningKey(PRIVATE_KEY);
  const tally = { both: 0, ethersOnly: 0, viemOnly: 0, neither: 0, exceptions: 0 };
  const exceptionsSeen = new Set();
  const viemOnlySeen = new Set();
  for (const [type, values] of FORMS) {
    for (const value of values) {
      const name = label(type, value);
      const types = { T: [{ name: 'v', type }] };
      const message = { v: value };
      const ethers = outcome(() => TypedDataEncoder.hash(DOMAIN, types, message));
      const viem = outcome(() => hashTypedData({ domain: DOMAIN, types, primaryType: 'T', message }));
      let custodian;
      try {
        custodian = { ok: true, signature: await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData(types, 'T', message)] }) };
      } catch (error) {
        custodian = { ok: false, error };
      }

      if (ethers.ok && !EXCEPTIONS.has(name)) {
        assert.ok(custodian.ok, `${name}: ethers accepts it, Custodian must too: ${JSON.stringify(custodian.error)}`);
        assert.equal(custodian.signature, key.sign(ethers.digest).serialized, `${name}: ethers' digest`);
        tally[viem.ok ? 'both' : 'ethersOnly'] += 1;
        continue;
      }
      assert.equal(custodian.ok, false, `${name}: must be refused (ethers ${ethers.ok ? 'accepts, listed exception' : ethers.error}; viem ${viem.ok ? 'accepts' : viem.error})`);
      assert.deepEqual([custodian.error.code, custodian.error.data?.kind], [-32602, 'InvalidTypedData'], name);
      // The message names where and what, never the value itself.
      assert.match(custodian.error.message, new RegExp(`\`message\\.v\` \\(${type}\\)`), `${name}: ${custodian.error.message}`);
      if (typeof value === 'string') {
        assert.ok(!custodian.error.message.includes(JSON.stringify(value)), `${name}: the value is echoed: ${custodian.error.message}`);
        if (value.trim().length >= 8) assert.ok(!custodian.error.message.includes(value.trim()), `${name}: the value is echoed`);
      }
      if (ethers.ok) {
        exceptionsSeen.add(name);
        tally.exceptions += 1;
      } else if (viem.ok) {
        assert.ok(VIEM_ONLY.has(name), `${name}: viem accepts it; list it in VIEM_ONLY with a reason`);
        viemOnlySeen.add(name);
        tally.viemOnly += 1;
      } else {
        tally.neither += 1;
      }
    }
  }
  // Every listed exception is real (ethers does accept it), and every viem-only form too.
  assert.deepEqual([...exceptionsSeen].sort(), [...EXCEPTIONS.keys()].sort());
  assert.deepEqual([...viemOnlySeen].sort(), [...VIEM_ONLY.keys()].sort());
  const total = FORMS.reduce((n, [, values]) => n + values.length, 0);
  assert.equal(Object.values(tally).reduce((a, b) => a + b, 0), total);
  assert.equal(total, 130);
  t.diagnostic(JSON.stringify(tally));
  // Both kinds of outcome were exercised in bulk, not just a handful.
  assert.ok(tally.both >= 30 && tally.neither >= 30 && tally.ethersOnly >= 9, JSON.stringify(tally));
});

test('what ethers signs for the bool "false", and why it is refused', () => {
  const types = { T: [{ name: 'v', type: 'bool' }] };
  assert.equal(TypedDataEncoder.hash(DOMAIN, types, { v: 'false' }), TypedDataEncoder.hash(DOMAIN, types, { v: true }));
  assert.throws(() => hashTypedData({ domain: DOMAIN, types, primaryType: 'T', message: { v: 'false' } }));
});

test(`random integers in every form ethers reads: 300 cases, ethers' digest (seed ${seed})`, async (t) => {
  t.diagnostic(`seed ${seed} (replay with ETH_SEED=${seed})`);
  const rng = new Rng(seed ^ 0xf0f0);
  const w = await walletWithKey(PRIVATE_KEY);
  const ethers = new Wallet(PRIVATE_KEY);
  const spaces = [' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028'];
  const pad = () => (rng.chance(0.3) ? rng.pick(spaces).repeat(rng.range(1, 2)) : '');
  const forms = new Set();
  let count = 0;
  for (let i = 0; i < 300; i++) {
    const signed = rng.bool();
    const bits = (rng.int(32) + 1) * 8;
    const B = BigInt(bits);
    const [lo, hi] = signed ? [-(1n << (B - 1n)), (1n << (B - 1n)) - 1n] : [0n, (1n << B) - 1n];
    let v = 0n;
    for (let k = 0; k < 9; k++) v = (v << 32n) | BigInt(rng.u32());
    v = rng.chance(0.2) ? rng.pick([lo, hi, 0n]) : lo + (v % (hi - lo + 1n));
    const magnitude = v < 0n ? -v : v;
    const zeros = '0'.repeat(rng.int(3));
    const [form, body] = rng.pick([
      ['dec', () => `${zeros}${magnitude.toString(10)}`],
      ['hex', () => `${rng.pick(['0x', '0X'])}${zeros}${rng.bool() ? magnitude.toString(16) : magnitude.toString(16).toUpperCase()}`],
      ['oct', () => `${rng.pick(['0o', '0O'])}${magnitude.toString(8)}`],
      ['bin', () => `${rng.pick(['0b', '0B'])}${magnitude.toString(2)}`],
    ]).map((x) => (typeof x === 'function' ? x() : x));
    let value;
    if (v < 0n) {
      // ethers negates what follows a leading '-'; BigInt also reads a signed decimal.
      value = form === 'dec' && rng.bool() ? `${pad()}-${body}${pad()}` : `-${pad()}${body}${pad()}`;
    } else {
      value = form === 'dec' && rng.chance(0.2) ? `${pad()}+${body}${pad()}` : `${pad()}${body}${pad()}`;
    }
    if (rng.chance(0.1) && v >= -9007199254740991n && v <= 9007199254740991n) value = Number(v);
    forms.add(typeof value === 'number' ? 'number' : form);
    const type = `${signed ? 'int' : 'uint'}${bits}`;
    const types = { T: [{ name: 'v', type }] };
    const context = `seed ${seed}, case ${i}: ${type} ${JSON.stringify(value)} (${v})`;
    const expected = await ethers.signTypedData(DOMAIN, types, { v: value });
    const signature = await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData(types, 'T', { v: value })] });
    assert.equal(signature, expected, context);
    count++;
  }
  assert.equal(count, 300);
  assert.deepEqual([...forms].sort(), ['bin', 'dec', 'hex', 'number', 'oct']);
});

test('refusals name the path through structs and arrays; the domain is read by the same rules', async () => {
  const w = await walletWithKey(PRIVATE_KEY);
  const key = new SigningKey(PRIVATE_KEY);
  const types = {
    Order: [{ name: 'items', type: 'Item[]' }, { name: 'grid', type: 'uint8[2][]' }],
    Item: [{ name: 'to', type: 'address' }, { name: 'data', type: 'bytes' }, { name: 'ok', type: 'bool' }],
  };
  const good = { to: A, data: '0x1234', ok: true };
  const cases = [
    [{ items: [good, { ...good, data: '1234' }], grid: [] }, '`message.items[1].data` (bytes)'],
    [{ items: [good, { ...good, ok: 'false' }], grid: [] }, '`message.items[1].ok` (bool)'],
    [{ items: [{ ...good, to: '0xBbBBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' }], grid: [] }, '`message.items[0].to` (address) has mixed case that is not its EIP-55 checksum'],
    [{ items: [], grid: [[1, 2], [3, '1_000']] }, '`message.grid[1][1]` (uint8)'],
    [{ items: [], grid: [[1, 2, 3]] }, '`message.grid[0]` (uint8[2]) must have 2 items, not 3'],
    [{ items: [{ to: A, data: '0x' }], grid: [] }, '`message.items[0].ok` (bool) is missing'],
  ];
  for (const [message, expected] of cases) {
    const e = await rejection(w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData(types, 'Order', message)] }));
    assert.deepEqual([e.code, e.data.kind], [-32602, 'InvalidTypedData']);
    assert.ok(e.message.includes(expected), `${expected} in ${e.message}`);
  }
  assert.equal(cases.length, 6);

  // The domain: verifyingContract and salt by the same rules; chainId in any form ethers reads.
  const domainType = [
    { name: 'name', type: 'string' },
    { name: 'chainId', type: 'uint256' },
    { name: 'verifyingContract', type: 'address' },
    { name: 'salt', type: 'bytes32' },
  ];
  const message = { items: [good], grid: [[1, 2]] };
  const domain = { name: 'forms', chainId: ' 0x1 ', verifyingContract: A.toLowerCase(), salt: `0X${'AB'.repeat(32)}` };
  const signature = await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData(types, 'Order', message, domain, domainType)] });
  assert.equal(signature, key.sign(TypedDataEncoder.hash(domain, types, message)).serialized);
  for (const [bad, expected] of [
    [{ ...domain, verifyingContract: `0X${A.slice(2)}` }, '`domain.verifyingContract` (address)'],
    [{ ...domain, salt: 'ab'.repeat(32) }, '`domain.salt` (bytes32)'],
    [{ ...domain, name: 7 }, '`domain.name` (string)'],
    [{ ...domain, chainId: '1_0' }, 'domain chainId is not a valid number'],
  ]) {
    const e = await rejection(w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, typedData(types, 'Order', message, bad, domainType)] }));
    assert.equal(e.data.kind, 'InvalidTypedData');
    assert.ok(e.message.includes(expected), `${expected} in ${e.message}`);
    assert.throws(() => TypedDataEncoder.hash(bad, types, message));
  }
});
