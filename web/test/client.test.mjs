// The Worker RPC client over a MessageChannel: id matching, crashes, restarts, timeouts, and
// errors re-thrown with their code and data.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CustodianClient } from '../dist/client.js';
import {
  DisconnectedError,
  InternalError,
  InvalidParamsError,
  ProviderRpcError,
  RequestTimeoutError,
  UnauthorizedError,
  WorkerCrashedError,
} from '../dist/errors.js';
import { PROTOCOL_VERSION } from '../dist/protocol.js';
import { PortWorker, fakeWorkers, nextClientEvent, sleep, until } from './harness.mjs';

/** Deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffled(items, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

test('200 concurrent requests answered in random order are each matched to their caller', async () => {
  const channel = new MessageChannel();
  const received = [];
  const order = [];
  channel.port2.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'init') {
      channel.port2.postMessage({ v: PROTOCOL_VERSION, type: 'ready' });
      return;
    }
    received.push(message);
    if (received.length < 200) return;
    // All 200 are in: answer in a shuffled order, half of them with errors.
    for (const request of shuffled(received, 0xc0ffee)) {
      const n = request.params.n;
      order.push(n);
      channel.port2.postMessage(
        n % 2 === 0
          ? { v: PROTOCOL_VERSION, type: 'response', id: request.id, result: { n, triple: n * 3 } }
          : { v: PROTOCOL_VERSION, type: 'response', id: request.id, error: { code: 4100, message: `no ${n}`, data: { kind: 'Locked', n } } },
      );
    }
  });
  channel.port2.start();
  const client = new CustodianClient({ spawn: () => new PortWorker(channel.port1) });
  const outcomes = await Promise.allSettled(
    Array.from({ length: 200 }, (_, n) => client.request({ method: 'test_echo', params: { n } })),
  );
  assert.equal(outcomes.length, 200);
  // The answers really did arrive out of order.
  assert.notDeepEqual(order, [...order].sort((a, b) => a - b));
  let fulfilled = 0;
  let rejected = 0;
  outcomes.forEach((outcome, n) => {
    if (n % 2 === 0) {
      assert.equal(outcome.status, 'fulfilled');
      assert.deepEqual(outcome.value, { n, triple: n * 3 });
      fulfilled += 1;
    } else {
      assert.equal(outcome.status, 'rejected');
      assert.ok(outcome.reason instanceof UnauthorizedError);
      assert.equal(outcome.reason.message, `no ${n}`);
      assert.deepEqual(outcome.reason.data, { kind: 'Locked', n });
      rejected += 1;
    }
  });
  assert.equal(fulfilled, 100);
  assert.equal(rejected, 100);
  assert.equal(client.pendingCount, 0);
  assert.equal(new Set(received.map((r) => r.id)).size, 200, 'ids are unique');
  client.terminate();
});

test('200 concurrent requests through the worker host reach the core one at a time, in order', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, n) =>
      // Later requests are quicker: a host that ran them concurrently would finish them out of order.
      client.request({ method: 'test_echo', params: { value: `r${n}`, delayMs: n % 3 === 0 ? 2 : 0 } }),
    ),
  );
  assert.deepEqual(results, Array.from({ length: 200 }, (_, n) => `r${n}`));
  const seen = workers.lastCore.calls.filter((call) => call.method === 'test_echo').map((call) => call.params.value);
  assert.deepEqual(seen, Array.from({ length: 200 }, (_, n) => `r${n}`));
  client.terminate();
});

test('requests sent before the worker is ready are queued and answered in order', async () => {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  const workers = fakeWorkers({ open: async (init, open) => (await gate, open(init)) });
  const client = new CustodianClient({ spawn: workers.spawn });
  const pending = [1, 2, 3].map((value) => client.request({ method: 'test_echo', params: { value } }));
  await sleep(10);
  assert.equal(client.state, 'starting');
  release();
  assert.deepEqual(await Promise.all(pending), [1, 2, 3]);
  assert.equal(client.state, 'ready');
  client.terminate();
});

test('a crashed worker rejects every pending request with WorkerCrashedError (4900) and is restarted', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.ready();
  const pending = Array.from({ length: 5 }, (_, n) =>
    client.request({ method: 'test_echo', params: { value: n, delayMs: 300 } }),
  );
  await sleep(20);
  const stopped = nextClientEvent(client, (event) => event.type === 'stopped');
  const readyAgain = nextClientEvent(client, (event) => event.type === 'ready');
  workers.spawned[0].crash('script error');
  const outcomes = await Promise.allSettled(pending);
  assert.equal(outcomes.length, 5);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof WorkerCrashedError);
    assert.ok(outcome.reason instanceof DisconnectedError);
    assert.ok(outcome.reason instanceof ProviderRpcError);
    assert.equal(outcome.reason.code, 4900);
    assert.deepEqual(outcome.reason.data, { kind: 'WorkerCrashed' });
  }
  assert.ok((await stopped).error instanceof WorkerCrashedError);
  assert.equal(workers.spawned[0].terminated, true);
  await readyAgain;
  assert.equal(workers.spawned.length, 2, 'a fresh worker was started');
  assert.equal(await client.request({ method: 'test_echo', params: { value: 'after' } }), 'after');
  client.terminate();
});

test('a trap inside the core answers its request, then restarts the worker', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.ready();
  const trapped = client.request({ method: 'test_trap' });
  const queued = client.request({ method: 'test_echo', params: { value: 'never' } });
  await assert.rejects(trapped, (error) => error instanceof InternalError && error.code === -32603);
  await assert.rejects(queued, WorkerCrashedError);
  await client.ready();
  assert.equal(workers.spawned.length, 2);
  assert.equal(workers.cores.length, 2);
  assert.ok(!workers.cores[0].calls.some((call) => call.params?.value === 'never'), 'the poisoned core ran nothing more');
  assert.equal(await client.request({ method: 'test_echo', params: { value: 'ok' } }), 'ok');
  client.terminate();
});

test('a non-RPC exception from the core is an internal error, and the worker keeps running', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await assert.rejects(client.request({ method: 'test_throw' }), (error) => {
    assert.ok(error instanceof InternalError);
    assert.equal(error.message, 'Internal error.');
    assert.deepEqual(error.data, { kind: 'Internal' });
    return true;
  });
  assert.equal(await client.request({ method: 'test_echo', params: { value: 1 } }), 1);
  assert.equal(workers.spawned.length, 1);
  client.terminate();
});

test('a worker that cannot start fails its requests and is retried only on the next request', async () => {
  let attempts = 0;
  const workers = fakeWorkers({
    open: async (init, open) => {
      attempts += 1;
      if (attempts === 1) throw new Error('wasm fetch failed: 404');
      return open(init);
    },
  });
  const client = new CustodianClient({ spawn: workers.spawn });
  await assert.rejects(client.request({ method: 'eth_chainId' }), (error) => {
    assert.ok(error instanceof WorkerCrashedError);
    assert.match(error.message, /could not start/);
    assert.equal(error.data.reason.data.kind, 'StartFailed');
    assert.match(error.data.reason.data.reason, /404/);
    return true;
  });
  await sleep(20);
  assert.equal(client.state, 'failed');
  assert.equal(workers.spawned.length, 1, 'no restart loop');
  assert.equal(await client.request({ method: 'eth_chainId' }), '0x1');
  assert.equal(workers.spawned.length, 2);
  client.terminate();
});

test('a request times out with RequestTimeoutError and its late answer is dropped', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn, timeoutMs: 5000 });
  await client.ready();
  const slow = client.request({ method: 'test_echo', params: { value: 'late', delayMs: 100 } }, { timeoutMs: 20 });
  await assert.rejects(slow, (error) => {
    assert.ok(error instanceof RequestTimeoutError);
    assert.equal(error.code, -32603);
    assert.deepEqual(error.data, { kind: 'Timeout' });
    return true;
  });
  assert.equal(client.pendingCount, 0);
  // The worker is still busy with the slow one; the next answer is matched correctly anyway.
  assert.equal(await client.request({ method: 'test_echo', params: { value: 'next' } }), 'next');
  assert.throws(() => new CustodianClient({ spawn: workers.spawn, timeoutMs: -1 }), RangeError);
  await assert.rejects(client.request({ method: 'eth_chainId' }, { timeoutMs: 0 }), RangeError);
  client.terminate();
});

test('core errors are re-thrown as real errors with code, message and data', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await assert.rejects(client.request({ method: 'eth_requestAccounts' }), (error) => {
    assert.ok(error instanceof Error);
    assert.ok(error instanceof ProviderRpcError);
    assert.equal(error.code, -32602);
    assert.ok(error instanceof InvalidParamsError);
    assert.equal(error.message, 'There is no wallet yet.');
    assert.deepEqual(error.data, { kind: 'NoVault' });
    return true;
  });
  await client.request({ method: 'wallet_create', params: { password: 'pw' } });
  await client.request({ method: 'wallet_lock' });
  await assert.rejects(client.request({ method: 'eth_requestAccounts' }), (error) => {
    assert.ok(error instanceof UnauthorizedError);
    assert.equal(error.code, 4100);
    assert.deepEqual(error.data, { kind: 'Locked' });
    assert.deepEqual(error.toJSON(), { code: 4100, message: 'The wallet is locked.', data: { kind: 'Locked' } });
    return true;
  });
  await assert.rejects(client.request({ method: 'no_such_method' }), (error) => {
    assert.equal(error.constructor, ProviderRpcError);
    assert.equal(error.code, -32601);
    return true;
  });
  client.terminate();
});

test('origins: a serialized origin reaches the core, "*" and other non-origins are refused', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.request({ method: 'eth_accounts', params: [] }, { origin: 'https://dapp.example' });
  assert.deepEqual(workers.lastCore.calls.at(-1), { method: 'eth_accounts', params: [], origin: 'https://dapp.example' });
  await client.request({ method: 'eth_accounts', params: [] });
  assert.deepEqual(workers.lastCore.calls.at(-1), { method: 'eth_accounts', params: [] });
  for (const origin of ['*', 'null', 'https://dapp.example/', 'https://dapp.example/path', 'dapp.example', '']) {
    await assert.rejects(client.request({ method: 'eth_accounts' }, { origin }), TypeError, origin);
  }
  client.terminate();
});

test('malformed requests are refused before they are sent', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await assert.rejects(client.request({}), (error) => error.code === -32600);
  await assert.rejects(client.request(null), (error) => error.code === -32600);
  await assert.rejects(client.request({ method: 'x', params: 5 }), InvalidParamsError);
  await assert.rejects(client.request({ method: 'x', params: [() => 1] }), InvalidParamsError, 'not cloneable');
  assert.equal(client.pendingCount, 0);
  client.terminate();
});

test('terminate rejects pending and later requests with DisconnectedError and does not restart', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.ready();
  const pending = client.request({ method: 'test_echo', params: { value: 1, delayMs: 300 } });
  client.terminate();
  await assert.rejects(pending, (error) => error instanceof DisconnectedError && !(error instanceof WorkerCrashedError));
  await assert.rejects(client.request({ method: 'eth_chainId' }), DisconnectedError);
  await assert.rejects(client.ready(), DisconnectedError);
  assert.equal(client.state, 'terminated');
  assert.equal(workers.spawned.length, 1);
  assert.equal(workers.spawned[0].terminated, true);
});

test('restart() replaces the worker; the fresh one reloads the stored vault, locked', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.request({ method: 'wallet_create', params: { password: 'pw' } });
  assert.deepEqual((await client.request({ method: 'wallet_status' })).unlocked, true);
  client.restart();
  await client.ready();
  assert.deepEqual(await client.request({ method: 'wallet_status' }), { hasVault: true, unlocked: false, generation: 1 });
  await client.request({ method: 'wallet_unlock', params: { password: 'pw' } });
  assert.equal((await client.request({ method: 'eth_accounts' })).length, 1);
  assert.equal(workers.spawned.length, 2);
  client.terminate();
});

test('the init message names the database and the wasm URL', async () => {
  const workers = fakeWorkers();
  const client = new CustodianClient({ spawn: workers.spawn, dbName: 'wallet-2', wasmUrl: new URL('https://cdn.example/c.wasm') });
  await client.ready();
  assert.deepEqual(workers.spawned[0].posted[0], { v: 1, type: 'init', dbName: 'wallet-2', wasmUrl: 'https://cdn.example/c.wasm' });
  client.terminate();
  await until(() => workers.spawned[0].terminated);
});

/** The smallest valid WebAssembly module: the magic number and version, nothing else. */
const EMPTY_MODULE_BYTES = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

test('a module compiled by the page reaches each Worker in its init message; requests sent meanwhile wait for it', async () => {
  const module = new WebAssembly.Module(EMPTY_MODULE_BYTES);
  const inits = [];
  const workers = fakeWorkers({ open: (init, open) => (inits.push(init), open(init)) });
  let compiled;
  const client = new CustodianClient({ spawn: workers.spawn, dbName: 'w', wasmModule: new Promise((resolve) => (compiled = resolve)) });
  const answer = client.request({ method: 'eth_chainId' });
  await sleep(20);
  // Spawned at once, but no init until the module is ready: the request waits in the Worker.
  assert.equal(workers.spawned.length, 1);
  assert.deepEqual(workers.spawned[0].posted.map((m) => m.type), ['request']);
  assert.equal(client.state, 'starting');
  compiled(module);
  assert.equal(await answer, '0x1');
  const init = workers.spawned[0].posted[1];
  assert.equal(init.type, 'init');
  assert.equal(init.module, module);
  assert.deepEqual(Object.keys(init).sort(), ['dbName', 'module', 'type', 'v']);
  // The host received a real module through the structured clone, and nothing else changed.
  assert.equal(inits.length, 1);
  assert.ok(inits[0].module instanceof WebAssembly.Module);
  assert.deepEqual(WebAssembly.Module.exports(inits[0].module), []);

  // A restarted Worker gets the same compiled module, not a new compile.
  client.restart();
  await client.ready();
  assert.equal(workers.spawned.length, 2);
  assert.equal(workers.spawned[1].posted.find((m) => m.type === 'init').module, module);
  assert.equal(inits.length, 2);
  client.terminate();
});

test('a module that could not be compiled (or is not a module) leaves the Worker to load the .wasm itself', async () => {
  for (const wasmModule of [Promise.reject(new TypeError('integrity mismatch')), Promise.resolve({ not: 'a module' })]) {
    const inits = [];
    const workers = fakeWorkers({ open: (init, open) => (inits.push(init), open(init)) });
    const client = new CustodianClient({ spawn: workers.spawn, dbName: 'w', wasmUrl: '/c.wasm', wasmModule });
    await client.ready();
    assert.deepEqual(workers.spawned[0].posted[0], { v: 1, type: 'init', dbName: 'w', wasmUrl: '/c.wasm' });
    assert.equal(inits[0].module, undefined);
    assert.equal(await client.request({ method: 'eth_chainId' }), '0x1');
    client.terminate();
  }
});

test('createCustodian hands over a module only when asked: `wasmModule` given, or `compileInPage`', async () => {
  const { createCustodian } = await import('../dist/index.js');
  const module = new WebAssembly.Module(EMPTY_MODULE_BYTES);
  const fetched = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url) => {
    fetched.push(String(url));
    throw new TypeError('no network in this test');
  };
  try {
    const byDefault = fakeWorkers();
    const plain = createCustodian({ spawn: byDefault.spawn, dbName: 'a' });
    await plain.ready();
    assert.deepEqual(byDefault.spawned[0].posted[0], { v: 1, type: 'init', dbName: 'a' });
    plain.terminate();

    const given = fakeWorkers();
    const handed = createCustodian({ spawn: given.spawn, dbName: 'b', wasmModule: Promise.resolve(module), compileInPage: false });
    await handed.ready();
    assert.equal(given.spawned[0].posted[0].module, module);
    handed.terminate();

    // compileInPage: the page's compile fails here (no network), so the Worker loads the file itself.
    const compiling = fakeWorkers();
    const fallback = createCustodian({ spawn: compiling.spawn, dbName: 'c', compileInPage: true });
    await fallback.ready();
    assert.deepEqual(compiling.spawned[0].posted[0], { v: 1, type: 'init', dbName: 'c' });
    fallback.terminate();
    assert.equal(fetched.length, 1, 'only compileInPage fetched');
    assert.match(fetched[0], /\/pkg\/custodian_wasm_bg\.wasm$/);
  } finally {
    globalThis.fetch = realFetch;
  }
});
