// The IndexedDB vault store (in-memory IndexedDB from fake-indexeddb): newest-that-opens,
// write-new-then-drop-old, and compare-and-swap against a same or newer generation.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { VaultStore, VaultStoreError, openVaultStore } from '../dist/store.js';

const bytes = (text) => new TextEncoder().encode(text);
const text = (value) => new TextDecoder().decode(value);

/** Opens the raw database the store uses, to look at or plant records behind its back. */
function rawDb(indexedDB, name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function rawRequest(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function storedGenerations(indexedDB, name) {
  const db = await rawDb(indexedDB, name);
  const keys = await rawRequest(db.transaction('vaults').objectStore('vaults').getAllKeys());
  db.close();
  return keys;
}

async function plant(indexedDB, name, record) {
  const db = await rawDb(indexedDB, name);
  const transaction = db.transaction('vaults', 'readwrite');
  transaction.objectStore('vaults').put(record);
  await new Promise((resolve) => (transaction.oncomplete = resolve));
  db.close();
}

/** Wraps an IDBDatabase so a test can watch or sabotage its transactions. */
function sabotaged(db, { onTransaction }) {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'transaction') {
        return (...args) => onTransaction(() => target.transaction(...args), args);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * `db` whose write transactions abort right after the `vaults` store is asked to `method`
 * (`add`, `delete`): the request is queued, then the transaction dies before it commits.
 */
function abortingAfter(db, method) {
  return sabotaged(db, {
    onTransaction: (open, args) => {
      const transaction = open();
      if (args[1] !== 'readwrite') return transaction;
      const objectStore = transaction.objectStore.bind(transaction);
      transaction.objectStore = (storeName) => {
        const inner = objectStore(storeName);
        if (storeName !== 'vaults') return inner;
        return new Proxy(inner, {
          get(target, property) {
            if (property === method) {
              return (...args) => {
                const request = target[method](...args);
                transaction.abort();
                return request;
              };
            }
            const value = Reflect.get(target, property, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      };
      return transaction;
    },
  });
}

async function freshStore(name = 'custodian') {
  const indexedDB = new IDBFactory();
  const store = await openVaultStore({ indexedDB, name });
  return { indexedDB, store, name };
}

const record = (seq, fill) => ({ seq, bytes: new Uint8Array(4).fill(fill) });

async function storedAudit(indexedDB, name) {
  const db = await rawDb(indexedDB, name);
  const all = await rawRequest(db.transaction('audit').objectStore('audit').getAll());
  db.close();
  return all.map((r) => [r.seq, r.bytes[0]]);
}

const identity = (value) => value;

test('an empty store loads nothing', async () => {
  const { store } = await freshStore();
  assert.equal(await store.load(identity), undefined);
  assert.equal(await store.latestGeneration(), undefined);
  store.close();
});

test('save keeps the newest generation only, and load returns it', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('one'), generation: 1 });
  await store.save({ bytes: bytes('two'), generation: 2 });
  await store.save({ bytes: bytes('three'), generation: 3 });
  const loaded = await store.load(text);
  assert.deepEqual(loaded, { value: 'three', generation: 3, skipped: [] });
  assert.deepEqual(await storedGenerations(indexedDB, name), [3]);
  store.close();
});

test('a save stores a copy, not a view of a larger buffer', async () => {
  const { store } = await freshStore();
  const memory = new Uint8Array(1024).fill(7);
  await store.save({ bytes: memory.subarray(10, 14), generation: 1 });
  const loaded = await store.load(identity);
  assert.equal(loaded.value.length, 4);
  assert.equal(loaded.value.buffer.byteLength, 4);
  store.close();
});

test('load skips newer copies that do not open, keeps them, and reports them', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('good'), generation: 4 });
  await plant(indexedDB, name, { generation: 6, bytes: bytes('garbage'), savedAt: 0 });
  await plant(indexedDB, name, { generation: 5, bytes: 'not bytes at all', savedAt: 0 });
  const open = (value) => {
    if (text(value) !== 'good') throw new Error('not a vault');
    return text(value);
  };
  assert.deepEqual(await store.load(open), { value: 'good', generation: 4, skipped: [6] });
  assert.equal(await store.latestGeneration(), 6);
  assert.deepEqual(await storedGenerations(indexedDB, name), [4, 5, 6], 'nothing was deleted by loading');
  store.close();
});

test('nothing opens: load returns undefined while latestGeneration says a vault exists', async () => {
  const { indexedDB, store, name } = await freshStore();
  await plant(indexedDB, name, { generation: 9, bytes: bytes('from a newer version'), savedAt: 0 });
  const refuse = () => {
    throw new Error('unsupported version');
  };
  assert.equal(await store.load(refuse), undefined);
  assert.equal(await store.latestGeneration(), 9);
  store.close();
});

test('saving a generation that is already stored, or older, is a conflict and changes nothing', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('a2'), generation: 2 });
  for (const generation of [2, 1]) {
    await assert.rejects(store.save({ bytes: bytes('b'), generation }), (error) => {
      assert.ok(error instanceof VaultStoreError);
      assert.equal(error.kind, 'StorageConflict');
      return true;
    });
  }
  assert.deepEqual(await store.load(text), { value: 'a2', generation: 2, skipped: [] });
  assert.deepEqual(await storedGenerations(indexedDB, name), [2]);
  store.close();
});

test('two stores on one database (two tabs): the second writer of a generation loses, the first keeps its data', async () => {
  const indexedDB = new IDBFactory();
  const tabA = await openVaultStore({ indexedDB, name: 'w' });
  const tabB = await openVaultStore({ indexedDB, name: 'w' });
  await tabA.save({ bytes: bytes('base'), generation: 1 });
  const [a, b] = await Promise.allSettled([
    tabA.save({ bytes: bytes('from A'), generation: 2 }),
    tabB.save({ bytes: bytes('from B'), generation: 2 }),
  ]);
  assert.equal(a.status, 'fulfilled');
  assert.equal(b.status, 'rejected');
  assert.equal(b.reason.kind, 'StorageConflict');
  assert.deepEqual(await tabB.load(text), { value: 'from A', generation: 2, skipped: [] });
  tabA.close();
  tabB.close();
});

test('each save is one strict transaction: the new copy is added and older ones deleted together', async () => {
  const { indexedDB, store: setup, name } = await freshStore();
  setup.close();
  const realDb = await rawDb(indexedDB, name);
  const log = [];
  const store = new VaultStore(
    sabotaged(realDb, {
      onTransaction: (open, args) => {
        const transaction = open();
        log.push({ mode: args[1] ?? 'readonly', options: args[2] });
        return transaction;
      },
    }),
  );
  await store.save({ bytes: bytes('one'), generation: 1 });
  await store.save({ bytes: bytes('two'), generation: 2 });
  const writes = log.filter((entry) => entry.mode === 'readwrite');
  assert.deepEqual(writes.map((w) => w.options), [{ durability: 'strict' }, { durability: 'strict' }]);
  assert.deepEqual(await storedGenerations(indexedDB, name), [2]);
  store.close();
});

test('a tab closed before the new record commits leaves the previous vault intact', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('previous'), generation: 1 });
  store.close();
  const db = await rawDb(indexedDB, name);
  // The write transaction dies after the record was handed to it but before it commits,
  // as when the tab is closed or the Worker killed mid-save.
  const dying = new VaultStore(abortingAfter(db, 'add'));
  await assert.rejects(dying.save({ bytes: bytes('new'), generation: 2 }), (error) => error.kind === 'StorageFailed');
  dying.close();
  const reopened = await openVaultStore({ indexedDB, name });
  assert.deepEqual(await reopened.load(text), { value: 'previous', generation: 1, skipped: [] });
  reopened.close();
});

test('a save that fails deletes nothing: the older copies stay until a save commits', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('old'), generation: 1 }, { records: [record(0, 1)] });
  store.close();
  const db = await rawDb(indexedDB, name);
  // The transaction aborts after the clean-up was queued in it (the tab closed, the disk full).
  const failing = new VaultStore(abortingAfter(db, 'delete'));
  await assert.rejects(
    failing.save({ bytes: bytes('new'), generation: 2 }, { records: [record(1, 2)], pruneBelow: 1 }),
    (error) => error.kind === 'StorageFailed',
  );
  failing.close();
  assert.deepEqual(await storedGenerations(indexedDB, name), [1]);
  assert.deepEqual(await storedAudit(indexedDB, name), [[0, 1]]);
});

test('copies left over by an interrupted clean-up of an earlier version are removed by the next save', async () => {
  const { indexedDB, store, name } = await freshStore();
  // Versions before 2026-11-25 deleted older copies in a second transaction, which a closed
  // tab could skip, leaving generations 1 and 2 side by side.
  await plant(indexedDB, name, { generation: 1, bytes: bytes('old'), savedAt: 1 });
  await plant(indexedDB, name, { generation: 2, bytes: bytes('new'), savedAt: 2 });
  assert.deepEqual(await store.load(text), { value: 'new', generation: 2, skipped: [] });
  await store.save({ bytes: bytes('newer'), generation: 3 });
  assert.deepEqual(await storedGenerations(indexedDB, name), [3]);
  store.close();
});

test('input guards name the parameter', async () => {
  const { store } = await freshStore();
  await assert.rejects(store.save({ bytes: bytes('x'), generation: -1 }), /vault.generation/);
  await assert.rejects(store.save({ bytes: bytes('x'), generation: 1.5 }), /vault.generation/);
  await assert.rejects(store.save({ bytes: 'x', generation: 1 }), /vault.bytes/);
  await assert.rejects(openVaultStore({ indexedDB: new IDBFactory(), name: '' }), /options.name/);
  store.close();
});

test('audit records are stored with their vault, handed to open, and pruned after the vault', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('one'), generation: 1 }, { records: [record(0, 1), record(1, 2)] });
  let seen;
  const loaded = await store.load((vaultBytes, records) => {
    seen = records.map((r) => [r.seq, r.bytes[0]]);
    return text(vaultBytes);
  });
  assert.equal(loaded.value, 'one');
  assert.deepEqual(seen, [[0, 1], [1, 2]]);
  // A newer record for a seq replaces the older; pruning removes those below the bound.
  await store.save({ bytes: bytes('two'), generation: 2 }, { records: [record(1, 3), record(2, 4)], pruneBelow: 1 });
  assert.deepEqual(await storedAudit(indexedDB, name), [[1, 3], [2, 4]]);
  assert.deepEqual(await storedGenerations(indexedDB, name), [2]);
  store.close();
});

test('a conflicting save stores none of its audit records either', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save({ bytes: bytes('mine'), generation: 2 }, { records: [record(0, 1)] });
  await assert.rejects(
    store.save({ bytes: bytes('stale'), generation: 2 }, { records: [record(1, 9)] }),
    (error) => error instanceof VaultStoreError && error.kind === 'StorageConflict',
  );
  assert.deepEqual(await storedAudit(indexedDB, name), [[0, 1]]);
  store.close();
});

test('a version-1 database is upgraded with its vaults kept', async () => {
  const indexedDB = new IDBFactory();
  const name = 'old';
  const old = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('vaults', { keyPath: 'generation' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const transaction = old.transaction('vaults', 'readwrite');
  transaction.objectStore('vaults').put({ generation: 5, bytes: bytes('kept'), savedAt: 0 });
  await new Promise((resolve) => (transaction.oncomplete = resolve));
  old.close();
  const store = await openVaultStore({ indexedDB, name });
  let records;
  const loaded = await store.load((vaultBytes, r) => ((records = r), text(vaultBytes)));
  assert.deepEqual(loaded, { value: 'kept', generation: 5, skipped: [] });
  assert.deepEqual(records, []);
  await store.save({ bytes: bytes('next'), generation: 6 }, { records: [record(0, 7)] });
  assert.deepEqual(await storedAudit(indexedDB, name), [[0, 7]]);
  store.close();
});

test('records can be stored without a vault (a save that only adds records)', async () => {
  const { indexedDB, store, name } = await freshStore();
  await store.save(undefined, { records: [record(3, 1)] });
  assert.deepEqual(await storedAudit(indexedDB, name), [[3, 1]]);
  assert.equal(await store.latestGeneration(), undefined);
  store.close();
});
