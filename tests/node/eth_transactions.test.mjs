// eth_signTransaction against ethers v6 and viem, on random transactions of every type Custodian
// signs: legacy (EIP-155), EIP-2930, EIP-1559 and EIP-7702 (with one or two authorizations
// signed by Custodian, viem or ethers).
//
// Each case is the JSON object a dapp sends (hex quantities; optional fields sometimes left
// out, alternate spellings sometimes used). Custodian signs it with an imported private key the
// test also holds, then:
//   - ethers `Transaction.from(raw)` parses it: every field equals the input, `from` is us;
//   - viem `parseTransaction` agrees on the fields and `recoverTransactionAddress` gives us;
//   - the raw bytes equal ethers' own `Wallet.signTransaction` of the same transaction
//     (RFC 6979 signatures are deterministic, so equal inputs must give equal bytes).
// Cases without `type` also check the inferred type against ethers and viem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction, Wallet, getAddress } from 'ethers';
import { parseTransaction, recoverTransactionAddress, getTransactionType } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { Rng, hex, qty, rejection, runSeed, switchChain, walletWithKey, SECP256K1_N, randomChainId } from './eth_helpers.mjs';

const CASES_PER_TYPE = 200;
/** Cases signed by one key before the next random key is imported. */
const CASES_PER_KEY = 20;
const TYPES = [0, 1, 2, 4];
const VIEM_TYPE = { legacy: 0, eip2930: 1, eip1559: 2, eip7702: 4 };

const seed = runSeed();

test(`eth_signTransaction: ${CASES_PER_TYPE} random cases per type match ethers and viem (seed ${seed})`, async (t) => {
  t.diagnostic(`seed ${seed} (replay with ETH_SEED=${seed})`);
  const rng = new Rng(seed);
  const counts = { 0: 0, 1: 0, 2: 0, 4: 0 };
  const untyped = { cases: 0, ethersDisagrees: 0, viemSkipped: 0 };
  const authSources = { custodian: 0, viem: 0, ethers: 0 };
  let wallet;
  for (const type of TYPES) {
    for (let i = 0; i < CASES_PER_TYPE; i++) {
      if (i % CASES_PER_KEY === 0) {
        const privateKey = rng.privateKey();
        wallet = { ...(await walletWithKey(privateKey)), privateKey, ethers: new Wallet(privateKey) };
        assert.equal(wallet.address, wallet.ethers.address);
      }
      const chainId = randomChainId(rng);
      await switchChain(wallet.c, chainId);
      const auths = type === 4 ? await randomAuthorizations(rng, wallet, chainId, authSources) : [];
      const { json, ethersTx, omittedType } = randomTransaction(rng, type, chainId, wallet.address, auths);
      const context = () => `seed ${seed}, type ${type}, case ${i}: ${JSON.stringify(json)}`;

      const raw = await wallet.c.request({ method: 'eth_signTransaction', params: [json] });
      assert.match(raw, /^0x[0-9a-f]+$/, context());

      // ethers parses it back to exactly the input, signed by us with a low s.
      const parsed = Transaction.from(raw);
      assert.equal(parsed.type, type, context());
      assert.equal(parsed.from, wallet.address, context());
      assert.ok(BigInt(parsed.signature.s) <= SECP256K1_N / 2n, `high s: ${context()}`);
      assert.deepEqual(fieldsOf(parsed), fieldsOf(Transaction.from(ethersTx)), context());

      // viem parses and recovers the same. viem reads authorization nonces as JS numbers and
      // throws above 2^53 - 1, though EIP-7702 allows up to 2^64 - 1: such cases skip viem.
      const viemCanParse = auths.every((a) => a.ethers.nonce <= BigInt(Number.MAX_SAFE_INTEGER));
      if (!viemCanParse) untyped.viemSkipped++;
      const viemTx = viemCanParse ? parseTransaction(raw) : null;
      if (viemTx) {
      assert.equal(VIEM_TYPE[viemTx.type], type, context());
      assert.equal(BigInt(viemTx.chainId), BigInt(chainId), context());
      assert.equal(BigInt(viemTx.nonce ?? 0), BigInt(ethersTx.nonce), context());
      assert.equal(viemTx.gas ?? 0n, ethersTx.gasLimit, context()); // viem leaves zero quantities out
      assert.equal(viemTx.value ?? 0n, ethersTx.value, context());
      assert.equal(viemTx.to ? getAddress(viemTx.to) : null, ethersTx.to, context());
      assert.equal(await recoverTransactionAddress({ serializedTransaction: raw }), wallet.address, context());
      }

      // Byte for byte what ethers signs.
      assert.equal(raw, await wallet.ethers.signTransaction(ethersTx), context());

      if (omittedType) {
        untyped.cases++;
        assert.equal(VIEM_TYPE[getTransactionType(json)], type, `viem infers another type: ${context()}`);
        const ethersInferred = Transaction.from({ ...ethersTx, type: null }).inferType();
        if (ethersInferred !== type) {
          // ethers' Transaction class picks EIP-2930 for a bare gasPrice (its inferTypes gives
          // [0, 1] and inferType takes the highest); Custodian, viem and geth's
          // eth_signTransaction (TransactionArgs) sign it as legacy.
          assert.deepEqual([type, ethersInferred, 'accessList' in json], [0, 1, false], context());
          untyped.ethersDisagrees++;
        }
      }
      counts[type]++;
    }
  }
  assert.deepEqual(counts, { 0: CASES_PER_TYPE, 1: CASES_PER_TYPE, 2: CASES_PER_TYPE, 4: CASES_PER_TYPE });
  assert.ok(untyped.cases > 50, `only ${untyped.cases} cases without type`);
  assert.ok(untyped.viemSkipped < CASES_PER_TYPE / 2, `viem skipped ${untyped.viemSkipped} cases`);
  assert.ok(Object.values(authSources).every((n) => n > 20), JSON.stringify(authSources));
  t.diagnostic(`signed ${JSON.stringify(counts)}; ${untyped.cases} without type, ethers' Transaction.inferType disagreed (bare gasPrice) on ${untyped.ethersDisagrees}; viem skipped (authorization nonce > 2^53 - 1) on ${untyped.viemSkipped}; authorizations by ${JSON.stringify(authSources)}`);
});

test('eth_signTransaction: a Custodian-signed transaction carries the fields ethers and viem infer', async () => {
  const privateKey = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
  const w = await walletWithKey(privateKey);
  const ethers = new Wallet(privateKey);
  await switchChain(w.c, 5);
  // Only the required fields: chainId comes from the active chain, value 0, empty data and
  // access list, type 2 because of the fee fields.
  const json = { nonce: '0x0', gas: '0x5208', maxFeePerGas: '0x1', maxPriorityFeePerGas: '0x1', to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8' };
  const raw = await w.c.request({ method: 'eth_signTransaction', params: [json] });
  const parsed = Transaction.from(raw);
  assert.deepEqual(
    [parsed.type, parsed.chainId, parsed.value, parsed.data, parsed.accessList],
    [2, 5n, 0n, '0x', []],
  );
  const full = { type: 2, chainId: 5n, nonce: 0, gasLimit: 21000n, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, to: getAddress(json.to), value: 0n, data: '0x', accessList: [] };
  assert.equal(raw, await ethers.signTransaction(full));
  // The same with viem's names for the type, ethers' `gasLimit` and JSON-RPC's `input`.
  for (const variant of [{ type: 'eip1559' }, { type: '0x2' }, { type: 2 }, { gasLimit: '0x5208', gas: undefined }, { input: '0x', data: undefined }]) {
    const again = await w.c.request({ method: 'eth_signTransaction', params: [stripUndefined({ ...json, ...variant })] });
    assert.equal(again, raw, JSON.stringify(variant));
  }
  // `chainId: 0` on a legacy transaction asks for a pre-EIP-155 signature (v = 27 or 28), as
  // ethers signs it; any other chain than the active one is refused.
  const unprotected = { ...json, maxFeePerGas: undefined, maxPriorityFeePerGas: undefined, gasPrice: '0x3b9aca00', chainId: '0x0' };
  const pre155 = await w.c.request({ method: 'eth_signTransaction', params: [stripUndefined(unprotected)] });
  assert.equal(Transaction.from(pre155).chainId, 0n);
  assert.ok([27, 28].includes(Transaction.from(pre155).signature.v));
  assert.equal(pre155, await ethers.signTransaction({ type: 0, chainId: 0n, nonce: 0, gasLimit: 21000n, gasPrice: 10n ** 9n, to: full.to, value: 0n, data: '0x' }));
  const e = await rejection(w.c.request({ method: 'eth_signTransaction', params: [{ ...json, chainId: '0x6' }] }));
  assert.deepEqual([e.code, e.data.kind], [-32602, 'InvalidTransaction']);
});

/** The fields a transaction is made of, normalised for comparison. */
function fieldsOf(tx) {
  const fee = tx.type === 0 || tx.type === 1
    ? { gasPrice: tx.gasPrice }
    : { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas };
  return {
    type: tx.type,
    chainId: tx.chainId,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    ...fee,
    to: tx.to,
    value: tx.value,
    data: tx.data,
    accessList: tx.type === 0 ? null : tx.accessList.map((e) => ({ address: e.address, storageKeys: [...e.storageKeys] })),
    authorizationList: tx.type === 4
      ? tx.authorizationList.map((a) => ({
          address: a.address,
          nonce: a.nonce,
          chainId: a.chainId,
          yParity: a.signature.yParity,
          r: a.signature.r,
          s: a.signature.s,
        }))
      : null,
  };
}

/**
 * One random transaction of `type` on `chainId`: the JSON a dapp sends, and the same
 * transaction in ethers' terms (bigints, every field explicit).
 */
function randomTransaction(rng, type, chainId, from, auths) {
  const nonce = Number(rng.edgy(53)); // ethers holds the nonce as a JS number
  const gasLimit = rng.edgy(64);
  const fees = {};
  if (type === 0 || type === 1) {
    fees.gasPrice = rng.edgy(128);
  } else {
    let max = rng.edgy(128);
    let tip = rng.edgy(128);
    if (tip > max) [max, tip] = [tip, max];
    fees.maxFeePerGas = max;
    fees.maxPriorityFeePerGas = tip;
  }
  // EIP-7702 transactions cannot create contracts; the others sometimes do.
  const to = type === 4 || rng.chance(0.85) ? getAddress(rng.address()) : null;
  const value = rng.chance(0.2) ? 0n : rng.edgy(256);
  const dataLength = rng.pick([0, 0, 4, rng.range(1, 68), rng.range(100, 600)]);
  const data = hex(rng.bytes(dataLength));
  const accessList = type === 0 ? null : randomAccessList(rng);

  const ethersTx = { type, chainId: BigInt(chainId), nonce, gasLimit, ...fees, to, value, data };
  if (accessList) ethersTx.accessList = accessList;
  if (type === 4) ethersTx.authorizationList = auths.map((a) => a.ethers);

  // The JSON object, with the variations dapps produce.
  const json = {};
  const omittedType = rng.chance(0.3);
  if (!omittedType) json.type = rng.pick([qty(type), type, ['legacy', 'eip2930', 'eip1559', null, 'eip7702'][type]]);
  if (rng.chance(0.8)) json.chainId = qty(chainId); // else the active chain, which it is
  if (rng.chance(0.3)) json.from = rng.bool() ? from : from.toLowerCase();
  json.nonce = qty(nonce);
  json[rng.chance(0.8) ? 'gas' : 'gasLimit'] = qty(gasLimit);
  for (const [k, v] of Object.entries(fees)) json[k] = qty(v);
  if (to !== null) json.to = rng.bool() ? to : to.toLowerCase();
  else if (rng.bool()) json.to = null;
  if (value !== 0n || rng.bool()) json.value = qty(value);
  if (dataLength > 0 || rng.bool()) json[rng.chance(0.8) ? 'data' : 'input'] = data;
  // An empty access list may be left out of a typed transaction, except when the type is
  // inferred: gasPrice + accessList is what makes a transaction EIP-2930.
  if (accessList && (accessList.length > 0 || rng.bool() || (type === 1 && omittedType))) {
    json.accessList = accessList.map((e) => ({ address: rng.bool() ? e.address : e.address.toLowerCase(), storageKeys: e.storageKeys }));
  }
  if (type === 4) json.authorizationList = auths.map((a) => a.json);
  if (json.type === null) delete json.type;
  return { json, ethersTx, omittedType: !('type' in json) };
}

function randomAccessList(rng) {
  const n = rng.pick([0, 0, 1, 2, 3]);
  return Array.from({ length: n }, () => ({
    address: getAddress(rng.address()),
    storageKeys: Array.from({ length: rng.pick([0, 1, 2, 3]) }, () => hex(rng.bytes(32))),
  }));
}

/**
 * One or two signed EIP-7702 authorizations, each by Custodian (our own account, on the active
 * chain or chain 0), by viem or by ethers (each with a fresh key, any chain id): the JSON
 * for Custodian and the object for ethers.
 */
async function randomAuthorizations(rng, wallet, chainId, sources) {
  const out = [];
  const n = rng.range(1, 2);
  for (let k = 0; k < n; k++) {
    const address = getAddress(rng.address());
    const source = rng.pick(['custodian', 'viem', 'ethers']);
    sources[source]++;
    let signed; // { chainId: bigint, address, nonce: bigint, yParity: 0|1, r, s }
    if (source === 'custodian') {
      const authChain = rng.bool() ? BigInt(chainId) : 0n;
      const nonce = rng.chance(0.8) ? rng.edgy(53) : rng.edgy(64);
      const res = await wallet.c.request({
        method: 'wallet_signAuthorization',
        params: { address, nonce: qty(nonce), chainId: qty(authChain) },
      });
      signed = { chainId: authChain, address, nonce, yParity: Number(res.yParity), r: res.r, s: res.s };
      assert.deepEqual([BigInt(res.chainId), res.address, BigInt(res.nonce)], [authChain, address, nonce]);
    } else if (source === 'viem') {
      const account = privateKeyToAccount(rng.privateKey());
      const authChain = rng.bool() ? chainId : randomChainId(rng);
      const nonce = Number(rng.edgy(53));
      const a = await account.signAuthorization({ address, chainId: authChain, nonce });
      signed = { chainId: BigInt(a.chainId), address, nonce: BigInt(a.nonce), yParity: a.yParity, r: a.r, s: a.s };
    } else {
      const signer = new Wallet(rng.privateKey());
      const a = signer.authorizeSync({ address, chainId: rng.chance(0.2) ? 0n : BigInt(randomChainId(rng)), nonce: rng.chance(0.8) ? rng.edgy(53) : rng.edgy(64) });
      signed = { chainId: a.chainId, address, nonce: a.nonce, yParity: a.signature.yParity, r: a.signature.r, s: a.signature.s };
    }
    const json = {
      chainId: qty(signed.chainId),
      address: rng.bool() ? address : address.toLowerCase(),
      nonce: qty(signed.nonce),
      r: signed.r,
      s: signed.s,
    };
    // viem's RPC form has yParity; older tools send v (27/28).
    if (rng.chance(0.8)) json.yParity = qty(signed.yParity);
    else json.v = qty(27 + signed.yParity);
    out.push({
      json,
      ethers: { address, nonce: signed.nonce, chainId: signed.chainId, signature: { r: signed.r, s: signed.s, yParity: signed.yParity } },
    });
  }
  return out;
}

function stripUndefined(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
