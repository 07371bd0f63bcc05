// The audit log's records through the real Worker host and the real core (docs/web.md,
// "Storage"): every logged event's record is stored with its vault in IndexedDB, a restarted
// Worker hands them back and the log unlocks intact and exports a chain that verifies; the vault
// without its records still unlocks, with the log reported damaged.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { CustodianClient } from '../dist/client.js';
import { FLOOR_KDF, loadWasm, realWorkers } from './real-wasm.mjs';

const PASSWORD = 'audit records password';
let wasm;
const clients = [];

before(async () => {
  wasm = await loadWasm();
});

after(() => {
  for (const client of clients) client.terminate();
});

function rawStore(indexedDB, name, store) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => {
        db.close();
        resolve(request.result);
      };
      request.onerror = () => reject(request.error);
    };
  });
}

test('records are stored with the vault, and a restarted worker unlocks the log intact', async () => {
  const indexedDB = new IDBFactory();
  const workers = realWorkers(wasm, indexedDB);
  const client = new CustodianClient({ spawn: workers.spawn, dbName: 'custodian' });
  clients.push(client);
  const created = await client.request({ method: 'wallet_create', params: { password: PASSWORD, kdf: FLOOR_KDF } });
  const address = created.accounts[0].address;
  await client.request({ method: 'personal_sign', params: ['0x01', address] });
  await client.request({ method: 'personal_sign', params: ['0x02', address] });
  await client.request({ method: 'wallet_lock' });
  // vault.created, two signatures, vault.locked.
  const stored = await rawStore(indexedDB, 'custodian', 'audit');
  assert.deepEqual(stored.map((r) => r.seq), [0, 1, 2, 3]);
  assert.ok(stored.every((r) => r.bytes instanceof Uint8Array && r.bytes.length > 100));

  client.restart();
  const unlocked = await client.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
  assert.deepEqual(unlocked.auditLog, { status: 'intact' });
  const exported = await client.request({ method: 'wallet_auditExport' });
  assert.equal(exported.entries, 5);
  const verified = await client.request({
    method: 'wallet_auditVerify',
    params: { jsonl: exported.jsonl, publicKey: exported.publicKey },
  });
  assert.deepEqual(verified, { entries: 5 });
  client.terminate();
});

test('a vault whose records were lost still unlocks, and says so', async () => {
  const indexedDB = new IDBFactory();
  const client = new CustodianClient({ spawn: realWorkers(wasm, indexedDB).spawn, dbName: 'custodian' });
  clients.push(client);
  const created = await client.request({ method: 'wallet_create', params: { password: PASSWORD, kdf: FLOOR_KDF } });
  await client.request({ method: 'personal_sign', params: ['0x01', created.accounts[0].address] });
  await client.request({ method: 'wallet_lock' });
  await new Promise((resolve, reject) => {
    const open = indexedDB.open('custodian');
    open.onsuccess = () => {
      const db = open.result;
      const transaction = db.transaction('audit', 'readwrite');
      transaction.objectStore('audit').delete(1);
      transaction.oncomplete = () => {
        db.close();
        resolve();
      };
      transaction.onerror = () => reject(transaction.error);
    };
  });
  client.restart();
  const unlocked = await client.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
  assert.equal(unlocked.auditLog.status, 'damaged');
  assert.equal(unlocked.auditLog.reason, 'missing');
  assert.equal(unlocked.auditLog.firstBadSeq, 1);
  const exported = await client.request({ method: 'wallet_auditExport' });
  await assert.rejects(
    client.request({ method: 'wallet_auditVerify', params: { jsonl: exported.jsonl, publicKey: exported.publicKey } }),
    (error) => error.data?.line === 3,
  );
  client.terminate();
});
