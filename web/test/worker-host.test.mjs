// The Worker host: persist before answering, events after the answer, and what happens when
// storing fails or another tab got there first.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { CustodianClient } from '../dist/client.js';
import { InternalError, WorkerCrashedError } from '../dist/errors.js';
import { PROTOCOL_VERSION } from '../dist/protocol.js';
import { openStoredWallet, serveWorker } from '../dist/worker-host.js';
import { openVaultStore } from '../dist/store.js';
import { FakeCustodian } from './fake-custodian.mjs';
import { fakeWorkers, sleep } from './harness.mjs';

const openHosts = new Set();
after(() => {
  for (const close of openHosts) close();
});

/** Runs the host on a bare channel and returns what it posts, to check message order. */
function bareHost(open) {
  const channel = new MessageChannel();
  const received = [];
  channel.port1.addEventListener('message', (event) => received.push(event.data));
  channel.port1.start();
  const stop = serveWorker(channel.port2, { open });
  const send = (message) => channel.port1.postMessage({ v: PROTOCOL_VERSION, ...message });
  const close = () => {
    openHosts.delete(close);
    stop();
    channel.port1.close();
  };
  openHosts.add(close);
  return { received, send, close };
}

test('the answer is posted only after the save has completed, and events after the answer', async () => {
  const timeline = [];
  const core = new FakeCustodian(null);
  const host = bareHost(async () => ({
    core,
    save: async ({ vault, auditRecords }) => {
      assert.deepEqual(auditRecords, [], 'the fake core logs nothing');
      timeline.push(`save ${vault.generation} started`);
      await sleep(30);
      timeline.push(`save ${vault.generation} done`);
    },
  }));
  host.send({ type: 'init', dbName: 'x' });
  host.send({ type: 'request', id: 7, method: 'wallet_create', params: { password: 'pw' } });
  while (host.received.length < 3) await sleep(5);
  await sleep(10);
  // Timeline entries interleave with message arrival: check both orders.
  assert.deepEqual(timeline, ['save 1 started', 'save 1 done']);
  assert.deepEqual(
    host.received.map((m) => m.type),
    ['ready', 'response', 'event'],
  );
  assert.equal(host.received[1].id, 7);
  assert.deepEqual(host.received[2], { v: 1, type: 'event', event: 'accountsChanged', data: [host.received[1].result.accounts[0]] });
  host.close();
});

test('nothing is answered while the save is still running', async () => {
  let finishSave;
  const host = bareHost(async () => ({
    core: new FakeCustodian(null),
    save: () => new Promise((resolve) => (finishSave = resolve)),
  }));
  host.send({ type: 'init', dbName: 'x' });
  host.send({ type: 'request', id: 1, method: 'wallet_create', params: { password: 'pw' } });
  host.send({ type: 'request', id: 2, method: 'eth_chainId' });
  await sleep(50);
  assert.deepEqual(host.received.map((m) => m.type), ['ready']);
  finishSave();
  await sleep(20);
  assert.deepEqual(host.received.map((m) => [m.type, m.id]), [['ready', undefined], ['response', 1], ['event', undefined], ['response', 2]]);
  host.close();
});

test('messages that are not this protocol are ignored', async () => {
  const core = new FakeCustodian(null);
  const host = bareHost(async () => ({ core, save: async () => {} }));
  host.send({ type: 'init', dbName: 'x' });
  await sleep(10);
  const channelSend = host.send;
  channelSend({ type: 'request', id: -1, method: 'eth_chainId' });
  channelSend({ type: 'request', id: 1, method: 42 });
  channelSend({ type: 'request', id: 1, method: 'eth_chainId', origin: 5 });
  channelSend({ type: 'bogus', id: 1 });
  channelSend({ type: 'init', dbName: 'other' });
  await sleep(20);
  assert.deepEqual(host.received.map((m) => m.type), ['ready']);
  assert.equal(core.calls.length, 0);
  host.close();
});

test('a failed save is reported to the caller, and the restarted worker holds what was stored', async () => {
  const workers = fakeWorkers({
    save: (vault, save) => (vault.generation === 2 ? Promise.reject(new Error('QuotaExceededError')) : save(vault)),
  });
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.request({ method: 'wallet_create', params: { password: 'pw' } });
  const switching = client.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x5' }] });
  const queued = client.request({ method: 'eth_chainId' });
  await assert.rejects(switching, (error) => {
    assert.ok(error instanceof InternalError);
    assert.deepEqual(error.data, { kind: 'StorageFailed' });
    return true;
  });
  await assert.rejects(queued, WorkerCrashedError);
  await client.ready();
  assert.equal(workers.spawned.length, 2);
  assert.deepEqual(await client.request({ method: 'wallet_status' }), { hasVault: true, unlocked: false, generation: 1 });
  assert.equal(await client.request({ method: 'eth_chainId' }), '0x1', 'the unsaved switch is gone');
  client.terminate();
});

test('a worker killed mid-save leaves a vault that opens', async () => {
  let hang = false;
  const workers = fakeWorkers({
    save: (vault, save) => (hang ? new Promise(() => {}) : save(vault)),
  });
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.request({ method: 'wallet_create', params: { password: 'pw' } });
  hang = true;
  const switching = client.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x5' }] });
  await sleep(20);
  client.restart(); // what closing the tab or terminating the Worker does to the save
  await assert.rejects(switching, WorkerCrashedError);
  hang = false;
  await client.ready();
  await client.request({ method: 'wallet_unlock', params: { password: 'pw' } });
  assert.equal((await client.request({ method: 'eth_accounts' })).length, 1);
  client.terminate();
});

test('two tabs on one database: the stale one gets StorageConflict, restarts, and sees the other tab\'s change', async () => {
  const indexedDB = new IDBFactory();
  const tabA = new CustodianClient({ spawn: fakeWorkers({ indexedDB }).spawn });
  await tabA.request({ method: 'wallet_create', params: { password: 'pw' } });
  const workersB = fakeWorkers({ indexedDB });
  const tabB = new CustodianClient({ spawn: workersB.spawn });
  await tabB.request({ method: 'wallet_unlock', params: { password: 'pw' } });

  await tabA.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x5' }] });
  await assert.rejects(tabB.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: '0x89' }] }), (error) => {
    assert.ok(error instanceof InternalError);
    assert.deepEqual(error.data, { kind: 'StorageConflict' });
    assert.match(error.message, /reload/);
    return true;
  });
  await tabB.ready();
  assert.equal(workersB.spawned.length, 2);
  assert.equal(await tabB.request({ method: 'eth_chainId' }), '0x5');
  assert.equal(await tabA.request({ method: 'eth_chainId' }), '0x5');
  tabA.terminate();
  tabB.terminate();
});

test('a stored vault that does not open makes the start fail instead of offering an empty wallet', async () => {
  const indexedDB = new IDBFactory();
  const workers = fakeWorkers({ indexedDB });
  const db = await new Promise((resolve) => {
    const request = indexedDB.open('custodian', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('vaults', { keyPath: 'generation' });
    request.onsuccess = () => resolve(request.result);
  });
  const transaction = db.transaction('vaults', 'readwrite');
  transaction.objectStore('vaults').put({ generation: 3, bytes: new TextEncoder().encode('{"format":"fake-vault/9"}'), savedAt: 0 });
  await new Promise((resolve) => (transaction.oncomplete = resolve));
  db.close();
  const client = new CustodianClient({ spawn: workers.spawn });
  await assert.rejects(client.ready(), (error) => {
    assert.ok(error instanceof WorkerCrashedError);
    assert.match(error.data.reason.data.reason, /none of its copies/);
    return true;
  });
  client.terminate();
});

test('a generation handed over as a BigInt (a u64 from the binding) is stored as a number', async () => {
  class BigIntCore extends FakeCustodian {
    takeSave() {
      const sealed = super.takeSave();
      return sealed === undefined ? undefined : { bytes: sealed.bytes, generation: BigInt(sealed.generation) };
    }
  }
  const indexedDB = new IDBFactory();
  const workers = fakeWorkers({
    indexedDB,
    open: (init) => openStoredWallet({ indexedDB, name: init.dbName, construct: (sealed) => new BigIntCore(sealed) }),
  });
  const client = new CustodianClient({ spawn: workers.spawn });
  await client.request({ method: 'wallet_create', params: { password: 'pw' } });
  await client.request({ method: 'test_touch' });
  const store = await openVaultStore({ indexedDB, name: 'custodian' });
  assert.equal(await store.latestGeneration(), 2);
  store.close();
  client.terminate();
});

test('a store already being opened (worker.ts opens it while the module loads) is the one the wallet loads from and saves to', async () => {
  const stored = new IDBFactory();
  const elsewhere = new IDBFactory(); // what `indexedDB` names: never touched when `store` is given
  const first = await openStoredWallet({ indexedDB: stored, name: 'w', construct: (sealed) => new FakeCustodian(sealed) });
  await first.core.request({ method: 'wallet_create', params: { password: 'pw' } });
  await first.save({ vault: first.core.takeSave(), auditRecords: [] });
  let constructed = 0;
  const opened = await openStoredWallet({
    indexedDB: elsewhere,
    name: 'w',
    construct: (sealed) => {
      constructed += 1;
      return new FakeCustodian(sealed);
    },
    store: openVaultStore({ indexedDB: stored, name: 'w' }),
  });
  assert.equal(constructed, 1);
  assert.deepEqual(await opened.core.request({ method: 'wallet_status' }), { hasVault: true, unlocked: false, generation: 1 });
  assert.deepEqual(await elsewhere.databases(), []);
  await opened.core.request({ method: 'wallet_unlock', params: { password: 'pw' } });
  await opened.core.request({ method: 'test_touch' });
  await opened.save({ vault: opened.core.takeSave(), auditRecords: [] });
  const check = await openVaultStore({ indexedDB: stored, name: 'w' });
  assert.equal(await check.latestGeneration(), 2);
  check.close();
});

/**
 * A host that has answered nothing yet: its first save (request 1, `wallet_create`) hangs
 * until `finishFirst()`, so requests sent meanwhile queue up as one group. Later saves go to
 * `later`; `saves` lists the generation of every save asked for.
 */
async function hostWithFirstSaveHeld(later = () => Promise.resolve()) {
  const saves = [];
  let release;
  const host = bareHost(async () => ({
    core: new FakeCustodian(null),
    save: ({ vault }) => {
      saves.push(vault.generation);
      return saves.length === 1 ? new Promise((resolve) => (release = resolve)) : later();
    },
  }));
  host.send({ type: 'init', dbName: 'x' });
  host.send({ type: 'request', id: 1, method: 'wallet_create', params: { password: 'pw' } });
  while (release === undefined) await sleep(2);
  return { host, saves, finishFirst: () => release() };
}

test('requests that queue up during a save are answered after one save that covers them all', async () => {
  const { host, saves, finishFirst } = await hostWithFirstSaveHeld();
  // While generation 1 is being stored, three more requests arrive; two of them change state.
  host.send({ type: 'request', id: 2, method: 'wallet_switchEthereumChain', params: [{ chainId: '0x5' }] });
  host.send({ type: 'request', id: 3, method: 'eth_chainId' });
  host.send({ type: 'request', id: 4, method: 'wallet_switchEthereumChain', params: [{ chainId: '0xa' }] });
  await sleep(20);
  assert.deepEqual(host.received.map((m) => m.type), ['ready'], 'nothing answered before the first save completes');
  finishFirst();
  while (host.received.filter((m) => m.type === 'response').length < 4) await sleep(2);
  await sleep(10);
  // One save (generation 2) holds the changes of requests 2 to 4; nothing is answered before it.
  assert.deepEqual(saves, [1, 2]);
  assert.deepEqual(
    host.received.map((m) => [m.type, m.id ?? m.event]),
    [
      ['ready', undefined],
      ['response', 1],
      ['event', 'accountsChanged'],
      ['response', 2],
      ['event', 'chainChanged'],
      ['response', 3],
      ['response', 4],
      ['event', 'chainChanged'],
    ],
  );
  assert.equal(host.received.find((m) => m.id === 3).result, '0x5', 'each request saw the state its predecessors left');
  assert.deepEqual(host.received.filter((m) => m.type === 'event' && m.event === 'chainChanged').map((m) => m.data), ['0x5', '0xa']);
  host.close();
});

test('when the save of a group fails, every request of the group gets the storage error', async () => {
  const { host, saves, finishFirst } = await hostWithFirstSaveHeld(() => Promise.reject(new Error('QuotaExceededError')));
  host.send({ type: 'request', id: 2, method: 'test_touch' });
  host.send({ type: 'request', id: 3, method: 'eth_chainId' });
  host.send({ type: 'request', id: 4, method: 'test_touch' });
  await sleep(10);
  finishFirst();
  while (!host.received.some((m) => m.type === 'fatal')) await sleep(2);
  await sleep(10);
  const storageFailed = { code: -32603, message: 'The vault could not be stored in this browser; the change was not saved.', data: { kind: 'StorageFailed' } };
  assert.deepEqual(
    host.received.slice(2).map((m) => [m.type, m.id, m.error]),
    [
      ['event', undefined, undefined],
      ['response', 2, storageFailed],
      ['response', 3, storageFailed],
      ['fatal', 4, storageFailed],
    ],
  );
  assert.equal(saves.length, 2, 'one save for the group');
  host.close();
});

test('a trap inside a group answers no request of it with success, and stores nothing of it', async () => {
  const { host, saves: saved, finishFirst } = await hostWithFirstSaveHeld();
  host.send({ type: 'request', id: 2, method: 'wallet_switchEthereumChain', params: [{ chainId: '0x5' }] });
  host.send({ type: 'request', id: 3, method: 'test_trap' });
  host.send({ type: 'request', id: 4, method: 'eth_chainId' });
  await sleep(10);
  finishFirst();
  while (!host.received.some((m) => m.type === 'fatal')) await sleep(2);
  await sleep(10);
  assert.deepEqual(host.received.slice(1).map((m) => [m.type, m.id]), [['response', 1], ['event', undefined], ['fatal', 3]]);
  assert.deepEqual(saved, [1], 'the switch made before the trap was not stored');
  host.close();
});
