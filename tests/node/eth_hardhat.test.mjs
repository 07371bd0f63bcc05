// A real node accepts what Custodian signs: Hardhat's local network (from npm, on 127.0.0.1 and a
// free port) receives a legacy, an EIP-2930, an EIP-1559 and an EIP-7702 transfer signed by
// Custodian through eth_sendRawTransaction; each receipt has status 1 and the recipient's
// balance grows by exactly the value. The 7702 transaction also delegates the sender, which
// eth_getCode then shows as `0xef0100 || delegate`.
//
// The sender is Hardhat's account #0, whose key Hardhat prints and documents
// (hardhat.org, "Hardhat Network" reference): the node funds it with 10000 ETH.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { keccak256, getAddress, Transaction } from 'ethers';
import { Rng, hex, qty, runSeed, switchChain, walletWithKey } from './eth_helpers.mjs';

const HARDHAT_0_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const HARDHAT_0 = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
const CHAIN_ID = 31337;
/** Hardhat starts in about 2 s here; past 20 s the machine is too loaded to trust timings. */
const SLOW_START_MS = 20_000;
const GIVE_UP_MS = 90_000;

const hardhatBin = fileURLToPath(new URL('../../node_modules/.bin/hardhat', import.meta.url));
const hardhatDir = fileURLToPath(new URL('./hardhat/', import.meta.url));

let node; // the Hardhat child process
let url;
let startMs;

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  const t0 = performance.now();
  node = spawn(process.execPath, [hardhatBin, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: hardhatDir,
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Hardhat did not start in ${GIVE_UP_MS} ms:\n${output}`)), GIVE_UP_MS);
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('Started HTTP and WebSocket JSON-RPC server')) {
        clearTimeout(timer);
        resolve();
      }
    };
    node.stdout.on('data', onData);
    node.stderr.on('data', onData);
    node.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Hardhat exited with ${code} before starting:\n${output}`));
    });
  });
  node.removeAllListeners('exit');
  // Keep draining its output so the pipe never fills and blocks the node.
  node.stdout.resume();
  node.stderr.resume();
  startMs = Math.round(performance.now() - t0);
});

after(() => {
  if (node && node.exitCode === null) node.kill('SIGTERM');
});

test('Hardhat accepts Custodian-signed legacy, EIP-2930, EIP-1559 and EIP-7702 transfers', async (t) => {
  t.diagnostic(`Hardhat node started in ${startMs} ms${startMs > SLOW_START_MS ? ' (slower than 20 s)' : ''}`);
  const seed = runSeed();
  t.diagnostic(`seed ${seed}`);
  const rng = new Rng(seed);
  assert.equal(BigInt(await rpc('eth_chainId', [])), BigInt(CHAIN_ID));
  const version = await rpc('web3_clientVersion', []);
  t.diagnostic(version);

  const w = await walletWithKey(HARDHAT_0_KEY);
  assert.equal(w.address, HARDHAT_0);
  await switchChain(w.c, CHAIN_ID);

  const recipient = getAddress(rng.address()); // a fresh account: balance 0
  const delegate = getAddress(rng.address());
  const sent = [];
  for (const type of [0, 1, 2, 4]) {
    const nonce = BigInt(await rpc('eth_getTransactionCount', [HARDHAT_0, 'pending']));
    const value = BigInt(rng.range(1, 1_000_000)) * 10n ** 12n; // up to 1 ETH, in micro-ether steps
    const gasPrice = BigInt(await rpc('eth_gasPrice', []));
    const tx = { nonce: qty(nonce), to: recipient, value: qty(value), gas: qty(type === 4 ? 100_000 : 21_000) };
    if (type === 0) {
      // No `type`: a bare gasPrice is signed as legacy (EIP-155).
      tx.gasPrice = qty(gasPrice);
    } else if (type === 1) {
      Object.assign(tx, { type: '0x1', gasPrice: qty(gasPrice), accessList: [{ address: recipient, storageKeys: [hex(rng.bytes(32))] }] });
      tx.gas = qty(21_000 + 2_400 + 1_900); // EIP-2930: per address and per storage key
    } else {
      const block = await rpc('eth_getBlockByNumber', ['latest', false]);
      const tip = 10n ** 9n;
      Object.assign(tx, { type: qty(type), maxFeePerGas: qty(2n * BigInt(block.baseFeePerGas) + tip), maxPriorityFeePerGas: qty(tip) });
    }
    if (type === 4) {
      // The sender delegates itself; its nonce is bumped by the transaction before the
      // authorization is processed, hence nonce + 1 (EIP-7702).
      const auth = await w.c.request({ method: 'wallet_signAuthorization', params: { address: delegate, nonce: qty(nonce + 1n) } });
      tx.authorizationList = [auth];
    }
    const before = BigInt(await rpc('eth_getBalance', [recipient, 'latest']));
    const raw = await w.c.request({ method: 'eth_signTransaction', params: [tx] });
    assert.equal(Transaction.from(raw).type, type);
    const hash = await rpc('eth_sendRawTransaction', [raw]);
    assert.equal(hash, keccak256(raw));
    const receipt = await waitForReceipt(hash);
    assert.equal(receipt.status, '0x1', `type ${type}: ${JSON.stringify(receipt)}`);
    assert.equal(getAddress(receipt.from), HARDHAT_0);
    assert.equal(BigInt(receipt.type), BigInt(type));
    const after = BigInt(await rpc('eth_getBalance', [recipient, 'latest']));
    assert.equal(after - before, value, `type ${type}: recipient balance`);
    sent.push(type);
  }
  assert.deepEqual(sent, [0, 1, 2, 4]);
  // The 7702 authorization took effect: the account's code is the delegation designator.
  assert.equal(await rpc('eth_getCode', [HARDHAT_0, 'latest']), '0xef0100' + delegate.slice(2).toLowerCase());
  assert.equal(BigInt(await rpc('eth_getTransactionCount', [HARDHAT_0, 'latest'])), 5n); // 4 txs + the authorization
});

async function rpc(method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function waitForReceipt(hash) {
  // Hardhat mines each transaction at once (automine); the loop covers a slow machine.
  for (let i = 0; i < 100; i++) {
    const receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (receipt) return receipt;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no receipt for ${hash}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
