// wallet_previewRequest through the real WASM module: the preview a person sees before signing
// an unlimited ERC-20 approval, an EIP-2612 permit and a plain ETH transfer. The calldata is
// built with ethers' ABI coder from the ERC-20 interface, independently of Custodian's decoder.
// (The decoders and every warning are tested in crates/core/tests/eth_preview.rs and
// api_preview.rs.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interface, MaxUint256, parseEther, Wallet, Transaction } from 'ethers';
import { qty, rejection, switchChain, walletWithKey } from './eth_helpers.mjs';

const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const ROUTER = '0x3fC91A3afd70395Cd496C647d5a6CC9D4B2b7FAD'; // Uniswap Universal Router
const BOB = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const erc20 = new Interface(['function approve(address spender, uint256 amount) returns (bool)']);

const field = (fields, label) => fields.find((f) => f.label === label)?.value;
const codes = (p) => p.warnings.map((w) => `${w.severity}:${w.code}`);
const preview = (c, method, params, hints) =>
  c.request({ method: 'wallet_previewRequest', params: { request: { method, params }, ...(hints ? { hints } : {}) } });

test('wallet_previewRequest: unlimited approval, permit and native transfer, then the same request signs', async () => {
  const w = await walletWithKey(KEY);
  await switchChain(w.c, 1);
  let checked = 0;

  // approve(ROUTER, 2^256 - 1) on USDC, as a dapp sends it (no `from`: the first account signs).
  const approve = {
    to: USDC,
    data: erc20.encodeFunctionData('approve', [ROUTER, MaxUint256]),
    nonce: '0x0',
    gas: qty(60_000),
    maxFeePerGas: qty(30n * 10n ** 9n),
    maxPriorityFeePerGas: qty(10n ** 9n),
  };
  let p = await preview(w.c, 'eth_signTransaction', [approve]);
  assert.equal(p.from, w.address);
  assert.equal(p.actions[0].kind, 'tokenApproval');
  assert.equal(field(p.actions[0].fields, 'Spender'), ROUTER);
  assert.deepEqual(codes(p), ['warning:unlimited_approval', 'info:spender_unknown']);
  // The same approval to an account the caller knows has no code: danger.
  const toBob = { ...approve, data: erc20.encodeFunctionData('approve', [BOB, MaxUint256]) };
  p = await preview(w.c, 'eth_signTransaction', [toBob], { eoas: [BOB] });
  assert.deepEqual(codes(p), ['danger:spender_is_eoa', 'warning:unlimited_approval']);
  // What was previewed is what gets signed.
  const raw = await w.c.request({ method: 'eth_signTransaction', params: [approve] });
  assert.equal(Transaction.from(raw).data, approve.data);
  checked++;

  // An EIP-2612 permit for USDC, deadline in one hour.
  const deadline = Math.floor(Date.now() / 1000) + 3600;
  const permit = {
    types: {
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
      Permit: [
        { name: 'owner', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'value', type: 'uint256' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'Permit',
    domain: { name: 'USD Coin', version: '2', chainId: 1, verifyingContract: USDC },
    message: { owner: w.address, spender: ROUTER, value: '5000000', nonce: 0, deadline },
  };
  const hints = { contracts: [ROUTER], tokens: [{ address: USDC, symbol: 'USDC', decimals: 6 }] };
  p = await preview(w.c, 'eth_signTypedData_v4', [w.address, JSON.stringify(permit)], hints);
  assert.equal(p.kind, 'typedData');
  assert.equal(p.actions[0].kind, 'permit');
  assert.equal(field(p.actions[0].fields, 'Spender'), ROUTER);
  assert.equal(field(p.actions[0].fields, 'Allowance'), '5 USDC');
  const shown = field(p.actions[0].fields, 'Deadline');
  assert.match(shown, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in (59 minutes|1 hour)\)$/, shown);
  assert.equal(shown.slice(0, 19), new Date(deadline * 1000).toISOString().replace('T', ' ').slice(0, 19));
  assert.deepEqual(codes(p), []);
  const types = { Permit: permit.types.Permit };
  const signature = await w.c.request({ method: 'eth_signTypedData_v4', params: [w.address, permit] });
  assert.equal(signature, await new Wallet(KEY).signTypedData(permit.domain, types, permit.message));
  checked++;

  // 1.5 ETH to Bob on mainnet, then on Polygon (POL).
  const transfer = { from: w.address, to: BOB, value: qty(parseEther('1.5')), nonce: '0x1', gas: '0x5208', maxFeePerGas: qty(30n * 10n ** 9n), maxPriorityFeePerGas: qty(10n ** 9n) };
  p = await preview(w.c, 'eth_signTransaction', [transfer]);
  assert.deepEqual(p.chain, { id: 'eip155:1', name: 'Ethereum', testnet: false });
  assert.equal(p.actions[0].kind, 'nativeTransfer');
  assert.equal(field(p.fields, 'Value'), '1.5 ETH');
  assert.equal(field(p.fields, 'Max network fee'), '0.00063 ETH');
  assert.equal(p.summary, `Send 1.5 ETH to ${BOB}.`);
  await switchChain(w.c, 137);
  p = await preview(w.c, 'eth_signTransaction', [{ ...transfer, chainId: qty(137) }]);
  assert.equal(field(p.fields, 'Value'), '1.5 POL');
  checked++;

  // A request the wallet would refuse is refused by the preview too (wrong chain now).
  const e = await rejection(preview(w.c, 'eth_signTransaction', [{ ...transfer, chainId: '0x1' }]));
  assert.deepEqual([e.code, e.data.kind], [-32602, 'InvalidTransaction']);
  assert.match(e.message, /chain 1 but the wallet is on chain 137/);
  checked++;

  assert.equal(checked, 4);
});
