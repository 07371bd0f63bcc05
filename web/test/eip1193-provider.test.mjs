// The EIP-1193 provider, used unchanged by ethers v6 (BrowserProvider) and viem v2 (custom
// transport), over the real client and worker host with the fake core. The fake signs with
// ethers' Wallet, so verifying through the libraries checks that requests and results travelled
// the whole path intact, and the address compared against is the published one for the key.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrowserProvider, TypedDataEncoder, verifyMessage as ethersVerifyMessage, verifyTypedData as ethersVerifyTypedData } from 'ethers';
import { createWalletClient, custom, recoverMessageAddress, verifyMessage, verifyTypedData } from 'viem';
import { createCustodian } from '../dist/index.js';
import { DisconnectedError, UnsupportedMethodError, WorkerCrashedError } from '../dist/errors.js';
import { NODE_READ_METHODS } from '../dist/provider.js';
import { FAKE_ADDRESS } from './fake-custodian.mjs';
import { fakeWorkers, recordProviderEvents, sleep, until } from './harness.mjs';

const TYPED = {
  domain: { name: 'Ether Mail', version: '1', chainId: 1, verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC' },
  types: {
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person' },
      { name: 'contents', type: 'string' },
    ],
  },
  primaryType: 'Mail',
  message: {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  },
};

async function unlockedWallet(options = {}) {
  const workers = fakeWorkers();
  const custodian = createCustodian({ spawn: workers.spawn, ...options });
  await custodian.request({ method: 'wallet_create', params: { password: 'correct horse' } });
  return { custodian, workers };
}

test('ethers BrowserProvider: getSigner returns the wallet address and signMessage verifies', async () => {
  const { custodian, workers } = await unlockedWallet();
  const browserProvider = new BrowserProvider(custodian.provider);
  const signer = await browserProvider.getSigner();
  assert.equal(signer.address, FAKE_ADDRESS);
  const message = 'Sign in to dapp.example\nNonce: 42';
  const signature = await signer.signMessage(message);
  assert.equal(ethersVerifyMessage(message, signature), FAKE_ADDRESS);
  assert.equal(await recoverMessageAddress({ message, signature }), FAKE_ADDRESS, 'viem agrees');
  const methods = workers.lastCore.calls.map((call) => call.method);
  assert.ok(methods.includes('eth_chainId'));
  assert.ok(methods.includes('eth_accounts'));
  assert.deepEqual(workers.lastCore.calls.filter((call) => call.method === 'personal_sign').length, 1);
  assert.equal((await browserProvider.getNetwork()).chainId, 1n);
  browserProvider.destroy();
  custodian.terminate();
});

test('ethers BrowserProvider: getSigner on a locked wallet asks eth_requestAccounts and surfaces 4100', async () => {
  const { custodian, workers } = await unlockedWallet();
  await custodian.request({ method: 'wallet_lock' });
  const browserProvider = new BrowserProvider(custodian.provider);
  await assert.rejects(browserProvider.getSigner(), (error) => {
    assert.equal(error.error?.code ?? error.info?.error?.code, 4100);
    return true;
  });
  assert.ok(workers.lastCore.calls.some((call) => call.method === 'eth_requestAccounts'));
  browserProvider.destroy();
  custodian.terminate();
});

test('ethers: signTypedData (eth_signTypedData_v4) verifies', async () => {
  const { custodian } = await unlockedWallet();
  const browserProvider = new BrowserProvider(custodian.provider);
  const signer = await browserProvider.getSigner();
  const signature = await signer.signTypedData(TYPED.domain, TYPED.types, TYPED.message);
  assert.equal(ethersVerifyTypedData(TYPED.domain, TYPED.types, TYPED.message, signature), FAKE_ADDRESS);
  // The digest is the one EIP-712 publishes for its "Ether Mail" example.
  assert.equal(
    TypedDataEncoder.hash(TYPED.domain, TYPED.types, TYPED.message),
    '0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2',
  );
  browserProvider.destroy();
  custodian.terminate();
});

test('viem custom transport: addresses, signMessage and signTypedData verify', async () => {
  const { custodian, workers } = await unlockedWallet();
  const walletClient = createWalletClient({ transport: custom(custodian.provider) });
  assert.deepEqual(await walletClient.getAddresses(), [FAKE_ADDRESS]);
  assert.deepEqual(await walletClient.requestAddresses(), [FAKE_ADDRESS]);
  assert.equal(await walletClient.getChainId(), 1);
  const message = 'hello from viem';
  const signature = await walletClient.signMessage({ account: FAKE_ADDRESS, message });
  assert.equal(await verifyMessage({ address: FAKE_ADDRESS, message, signature }), true);
  assert.equal(await recoverMessageAddress({ message, signature }), FAKE_ADDRESS);
  assert.equal(ethersVerifyMessage(message, signature), FAKE_ADDRESS, 'ethers agrees');
  const raw = await walletClient.signMessage({ account: FAKE_ADDRESS, message: { raw: '0xdeadbeef' } });
  assert.equal(await recoverMessageAddress({ message: { raw: '0xdeadbeef' }, signature: raw }), FAKE_ADDRESS);
  const typedSignature = await walletClient.signTypedData({ account: FAKE_ADDRESS, ...TYPED });
  assert.equal(await verifyTypedData({ address: FAKE_ADDRESS, ...TYPED, signature: typedSignature }), true);
  const signs = workers.lastCore.calls.filter((call) => call.method === 'personal_sign');
  assert.deepEqual(signs[0].params, ['0x68656c6c6f2066726f6d207669656d', FAKE_ADDRESS]);
  custodian.terminate();
});

test('viem sees the wallet\'s error codes (4100 locked, -32602 unknown account, 4200 unsupported)', async () => {
  const { custodian } = await unlockedWallet();
  const walletClient = createWalletClient({ transport: custom(custodian.provider) });
  await assert.rejects(
    walletClient.signMessage({ account: '0x0000000000000000000000000000000000000001', message: 'x' }),
    (error) => error.code === -32602,
  );
  await assert.rejects(
    walletClient.request({ method: 'eth_blockNumber' }),
    (error) => error.code === 4200,
  );
  await custodian.request({ method: 'wallet_lock' });
  await assert.rejects(walletClient.requestAddresses(), (error) => error.code === 4100);
  custodian.terminate();
});

test('node methods: refused with 4200 without a fallback, never reaching the core', async () => {
  const { custodian, workers } = await unlockedWallet();
  await assert.rejects(custodian.provider.request({ method: 'eth_blockNumber' }), (error) => {
    assert.ok(error instanceof UnsupportedMethodError);
    assert.equal(error.code, 4200);
    assert.match(error.message, /fallback/);
    return true;
  });
  assert.ok(!workers.lastCore.calls.some((call) => call.method === 'eth_blockNumber'));
  // eth_sendTransaction is not a node read: the wallet itself refuses it.
  await assert.rejects(custodian.provider.request({ method: 'eth_sendTransaction', params: [{}] }), (error) => error.code === 4200);
  assert.ok(workers.lastCore.calls.some((call) => call.method === 'eth_sendTransaction'));
  custodian.terminate();
});

test('node methods go to the fallback provider; wallet methods never do', async () => {
  const forwarded = [];
  const fallback = {
    request: async (args) => {
      forwarded.push(args);
      if (args.method === 'eth_blockNumber') return '0x10';
      if (args.method === 'eth_getBalance') return '0xde0b6b3a7640000';
      throw Object.assign(new Error('not served here'), { code: -32601 });
    },
  };
  const { custodian, workers } = await unlockedWallet({ fallback });
  const browserProvider = new BrowserProvider(custodian.provider);
  assert.equal(await browserProvider.getBlockNumber(), 16);
  assert.equal(await browserProvider.getBalance(FAKE_ADDRESS), 10n ** 18n);
  const signer = await browserProvider.getSigner();
  await signer.signMessage('m');
  assert.deepEqual(
    [...new Set(forwarded.map((args) => args.method))].sort(),
    ['eth_blockNumber', 'eth_getBalance'],
  );
  for (const args of forwarded) assert.ok(NODE_READ_METHODS.includes(args.method));
  assert.ok(!workers.lastCore.calls.some((call) => NODE_READ_METHODS.includes(call.method)));
  assert.ok(!NODE_READ_METHODS.includes('eth_sendRawTransaction'));
  browserProvider.destroy();
  custodian.terminate();
});

test('fallbackMethods replaces the forwarded list', async () => {
  const forwarded = [];
  const fallback = { request: async (args) => (forwarded.push(args), '0xabc') };
  const { custodian } = await unlockedWallet({ fallback, fallbackMethods: ['eth_sendRawTransaction'] });
  assert.equal(await custodian.provider.request({ method: 'eth_sendRawTransaction', params: ['0x02'] }), '0xabc');
  assert.deepEqual(forwarded, [{ method: 'eth_sendRawTransaction', params: ['0x02'] }]);
  await assert.rejects(custodian.provider.request({ method: 'eth_blockNumber' }), (error) => error.code === -32601);
  custodian.terminate();
});

test('events: connect, accountsChanged, chainChanged, message; disconnect and reconnect around a crash', async () => {
  const workers = fakeWorkers();
  const custodian = createCustodian({ spawn: workers.spawn });
  const { provider } = custodian;
  assert.equal(provider.isCustodian, true);
  const seen = recordProviderEvents(provider);
  await until(() => seen.length === 1);
  assert.deepEqual(seen.shift(), ['connect', { chainId: '0x1' }]);
  assert.equal(provider.isConnected(), true);

  await provider.request({ method: 'wallet_create', params: { password: 'pw' } });
  await provider.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x5' }] });
  await provider.request({ method: 'test_emit', params: { event: 'message', data: { type: 'eth_subscription', data: 7 } } });
  await until(() => seen.length === 3);
  assert.deepEqual(seen.splice(0), [
    ['accountsChanged', [FAKE_ADDRESS]],
    ['chainChanged', '0x5'],
    ['message', { type: 'eth_subscription', data: 7 }],
  ]);

  workers.spawned[0].crash();
  await until(() => seen.length === 3);
  const [disconnect, connect, accounts] = seen.splice(0);
  assert.equal(disconnect[0], 'disconnect');
  assert.ok(disconnect[1] instanceof WorkerCrashedError);
  assert.equal(disconnect[1].code, 4900);
  // The restarted Worker reloaded the stored vault: same chain, but locked.
  assert.deepEqual(connect, ['connect', { chainId: '0x5' }]);
  assert.deepEqual(accounts, ['accountsChanged', []]);
  assert.equal(provider.isConnected(), true);

  custodian.terminate();
  await sleep(10);
  assert.deepEqual(seen, [], 'no events after terminate (listeners are detached)');
  await assert.rejects(provider.request({ method: 'eth_chainId' }), DisconnectedError);
});

test('removeListener stops delivery, and a throwing listener does not stop the others', async () => {
  const workers = fakeWorkers();
  const custodian = createCustodian({ spawn: workers.spawn });
  const { provider } = custodian;
  await custodian.ready();
  const got = [];
  const removed = (accounts) => got.push(['removed', accounts]);
  const thrower = () => {
    throw new Error('listener bug');
  };
  const reported = [];
  // What browsers and Workers provide; without it the error is rethrown from a microtask.
  globalThis.reportError = (error) => reported.push(error.message);
  provider.on('accountsChanged', removed).on('accountsChanged', thrower).on('accountsChanged', (a) => got.push(['kept', a]));
  assert.equal(provider.removeListener('accountsChanged', removed), provider);
  await provider.request({ method: 'wallet_create', params: { password: 'pw' } });
  await until(() => got.length === 1 && reported.length === 1);
  delete globalThis.reportError;
  assert.deepEqual(got, [['kept', [FAKE_ADDRESS]]]);
  assert.deepEqual(reported, ['listener bug']);
  assert.throws(() => provider.on('connect', 'not a function'), TypeError);
  custodian.terminate();
});

test('a provider with an origin sends it on every request, including its own eth_chainId', async () => {
  const workers = fakeWorkers();
  const custodian = createCustodian({ spawn: workers.spawn, origin: 'https://dapp.example' });
  await custodian.provider.request({ method: 'eth_accounts' });
  await until(() => workers.lastCore.calls.some((call) => call.method === 'eth_chainId'));
  for (const call of workers.lastCore.calls) assert.equal(call.origin, 'https://dapp.example', call.method);
  await custodian.request({ method: 'wallet_status' });
  assert.equal(workers.lastCore.calls.at(-1).origin, undefined, 'the app\'s own requests carry none');
  custodian.terminate();
});

test('bad provider options are refused at creation, and the Worker started for it is stopped', () => {
  const workers = fakeWorkers();
  assert.throws(() => createCustodian({ spawn: workers.spawn, origin: '*' }), TypeError);
  assert.throws(() => createCustodian({ spawn: workers.spawn, fallback: {} }), TypeError);
  assert.equal(workers.spawned.length, 2);
  assert.ok(workers.spawned.every((worker) => worker.terminated));
});
