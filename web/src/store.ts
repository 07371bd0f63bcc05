/**
 * The vault's home in the browser: one IndexedDB record per generation, and the audit log's
 * records keyed by seq (docs/web.md, "Storage"; the host rules of docs/vault-format.md, "Hosts").
 *
 * A save writes the new audit records and the new vault generation in ONE transaction, so the
 * vault is never stored without the records it commits to; records the log has folded are
 * deleted in a later transaction, once that vault has committed.
 *
 * Save writes the new generation as a separate record in its own transaction and waits for it
 * to commit; only then, in a second transaction, does it delete the older records. A tab closed
 * or a Worker killed at any point leaves either the old record alone or the old and the new one,
 * and load picks the newest that opens: the previous vault is never lost.
 *
 * Save is also a compare-and-swap: it refuses to write a generation when a record with that or a
 * higher generation exists. Two tabs that opened generation 6 and both save 7 would otherwise
 * silently drop one tab's change; here the second one fails, and its Worker restarts from 7.
 */

/** The object store holding vault records. */
const STORE = 'vaults';
/** The object store holding audit records, keyed by `seq` (added in version 2). */
const AUDIT_STORE = 'audit';
/** Bump with an `onupgradeneeded` migration when the layout changes. */
const DB_VERSION = 2;

/** A sealed vault as the core hands it out. */
export interface SealedVault {
  readonly bytes: Uint8Array;
  readonly generation: number;
}

/** One sealed audit log entry as the core hands it out (docs/audit-log.md, "Records"). */
export interface AuditRecord {
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** Everything one `takeSave()` asks the host to persist. */
export interface WalletSave {
  /** The new vault, if it changed. */
  readonly vault?: SealedVault;
  /** New audit records (stored with the vault, in the same transaction). */
  readonly auditRecords?: readonly AuditRecord[];
  /** Records below this seq may be deleted once the vault has committed. */
  readonly auditPruneBelow?: number;
}

/** What is stored per generation. `savedAt` is for people inspecting the database. */
interface VaultRecord {
  readonly generation: number;
  readonly bytes: Uint8Array;
  readonly savedAt: number;
}

/** Why a save failed; `kind` goes into the error returned to the caller. */
export class VaultStoreError extends Error {
  /** `StorageConflict`: a same or newer generation is stored; `StorageFailed`: IndexedDB failed. */
  readonly kind: 'StorageConflict' | 'StorageFailed';
  constructor(kind: 'StorageConflict' | 'StorageFailed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VaultStoreError';
    this.kind = kind;
  }
}

function isAuditRecord(value: unknown): value is AuditRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<AuditRecord>;
  return isGeneration(record.seq) && record.bytes instanceof Uint8Array;
}

/** What `load` found. */
export interface LoadedVault<T> {
  /** What `open` made of the record's bytes. */
  readonly value: T;
  readonly generation: number;
  /** Newer records that `open` refused (kept, never overwritten: see `save`). */
  readonly skipped: readonly number[];
}

/** Where the store lives. */
export interface VaultStoreOptions {
  /** `indexedDB` in a browser or Worker; an in-memory fake in unit tests. */
  readonly indexedDB: IDBFactory;
  /** Database name; one wallet per name. */
  readonly name: string;
}

/** Settles when an IndexedDB request succeeds or fails. */
function requestResult<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Deletes, inside the store's transaction, every record whose key is a number below `limit`. */
function deleteKeysBelow(store: IDBObjectStore, limit: number): void {
  const keys = store.getAllKeys();
  keys.onsuccess = () => {
    for (const key of keys.result) {
      if (isGeneration(key) && key < limit) store.delete(key);
    }
  };
}

/** Settles when the transaction has committed (`complete`), or fails on `abort`/`error`. */
function transactionDone(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
  });
}

function isRecord(value: unknown): value is VaultRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<VaultRecord>;
  return isGeneration(record.generation) && record.bytes instanceof Uint8Array;
}

function isGeneration(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `CSTDNVLT`, the first 8 bytes of every sealed vault (docs/vault-format.md, "Header"). */
const VAULT_MAGIC = [0x43, 0x53, 0x54, 0x44, 0x4e, 0x56, 0x4c, 0x54] as const;

/**
 * The generation named in a sealed vault's header (docs/vault-format.md, "Header"), or
 * `undefined` when the bytes are not a version-1 vault of self-consistent length. A host needs
 * it to store a vault it did not get from the core, such as a backup file the user imports
 * (records are keyed by generation). Only the framing is read: whether the vault opens, and
 * with which password, is still for the core to say.
 */
export function sealedVaultGeneration(bytes: Uint8Array): number | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length < 24) return undefined;
  if (VAULT_MAGIC.some((byte, i) => bytes[i] !== byte)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(8) !== 1) return undefined;
  const saltLength = view.getUint8(23);
  if (saltLength < 16 || saltLength > 64) return undefined;
  const headerLength = 92 + saltLength;
  if (bytes.length < headerLength) return undefined;
  const ciphertextLength = view.getUint32(56 + saltLength);
  if (ciphertextLength < 16 || bytes.length !== headerLength + ciphertextLength) return undefined;
  const generation = view.getBigUint64(48 + saltLength);
  return generation <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(generation) : undefined;
}

/** Opens (creating on first use) the database and returns the store. */
export async function openVaultStore(options: VaultStoreOptions): Promise<VaultStore> {
  const { indexedDB, name } = options;
  if (typeof name !== 'string' || name === '') throw new TypeError('options.name must be a non-empty string');
  const request = indexedDB.open(name, DB_VERSION);
  request.onupgradeneeded = () => {
    // Version 1 had the vaults only; version 2 adds the audit records. Existing vaults stay.
    const db = request.result;
    if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'generation' });
    if (!db.objectStoreNames.contains(AUDIT_STORE)) db.createObjectStore(AUDIT_STORE, { keyPath: 'seq' });
  };
  // A tab still running the version-1 code holds the database open; it closes its connection
  // on `versionchange` (below), after which this upgrade goes ahead.
  const db = await requestResult(request);
  // A newer schema in another tab: let it upgrade, this (now outdated) Worker stops using the db.
  db.onversionchange = () => db.close();
  return new VaultStore(db);
}

/** A vault store over an open IndexedDB database. */
export class VaultStore {
  readonly #db: IDBDatabase;

  constructor(db: IDBDatabase) {
    this.#db = db;
  }

  /**
   * Finds the newest record that `open` accepts, trying generations from the highest down, and
   * hands `open` the stored audit records with it (read in the same transaction). `open` throws
   * for bytes it cannot use (not a vault, damaged header, unknown version); such records are
   * skipped, reported in `skipped` and kept. Returns `undefined` when nothing opens.
   */
  async load<T>(
    open: (bytes: Uint8Array, auditRecords: AuditRecord[]) => T,
  ): Promise<LoadedVault<T> | undefined> {
    const transaction = this.#db.transaction([STORE, AUDIT_STORE], 'readonly');
    const [records, audit] = await Promise.all([
      requestResult(transaction.objectStore(STORE).getAll()),
      requestResult(transaction.objectStore(AUDIT_STORE).getAll()),
    ]);
    const valid = records.filter(isRecord).sort((a, b) => b.generation - a.generation);
    const auditRecords = audit.filter(isAuditRecord).map(({ seq, bytes }) => ({ seq, bytes }));
    const skipped: number[] = [];
    for (const record of valid) {
      let value: T;
      try {
        value = open(record.bytes, auditRecords);
      } catch {
        skipped.push(record.generation);
        continue;
      }
      return { value, generation: record.generation, skipped };
    }
    return undefined;
  }

  /** The highest stored generation, whether it opens or not; `undefined` for an empty store. */
  async latestGeneration(): Promise<number | undefined> {
    const transaction = this.#db.transaction(STORE, 'readonly');
    const keys = await requestResult(transaction.objectStore(STORE).getAllKeys());
    let latest: number | undefined;
    for (const key of keys) {
      if (isGeneration(key) && (latest === undefined || key > latest)) latest = key;
    }
    return latest;
  }

  /**
   * Stores `vault` and the audit records it commits to durably, and deletes older generations
   * and the records below `audit.pruneBelow`, all in one transaction. Resolves once it has
   * committed; rejects with `VaultStoreError` (`StorageConflict` if a same or newer generation
   * is already stored, `StorageFailed` if IndexedDB fails), in which case nothing was changed.
   * `vault` may be `undefined` when only records are to be stored.
   */
  async save(
    vault: SealedVault | undefined,
    audit: { readonly records?: readonly AuditRecord[]; readonly pruneBelow?: number } = {},
  ): Promise<void> {
    const records = (audit.records ?? []).map((r) => {
      if (!isAuditRecord(r)) throw new TypeError('audit records must be {seq, bytes: Uint8Array}');
      return { seq: r.seq, bytes: r.bytes.slice() };
    });
    const pruneBelow = audit.pruneBelow;
    if (pruneBelow !== undefined && !isGeneration(pruneBelow)) {
      throw new TypeError('audit.pruneBelow must be a non-negative safe integer');
    }
    let record: VaultRecord | undefined;
    if (vault !== undefined) {
      const { generation } = vault;
      if (!isGeneration(generation)) throw new TypeError('vault.generation must be a non-negative safe integer');
      if (!(vault.bytes instanceof Uint8Array)) throw new TypeError('vault.bytes must be a Uint8Array');
      // A view into a larger buffer (e.g. WebAssembly memory) would be cloned whole.
      record = { generation, bytes: vault.bytes.slice(), savedAt: Date.now() };
    }
    if (record === undefined && records.length === 0 && pruneBelow === undefined) return;
    const generation = record?.generation;

    let conflict = false;
    try {
      // `strict`: the commit is reported only once the data is flushed to disk (where the
      // browser supports the option; others ignore it and use their default).
      const transaction = this.#db.transaction([STORE, AUDIT_STORE], 'readwrite', { durability: 'strict' });
      const done = transactionDone(transaction);
      const store = transaction.objectStore(STORE);
      const auditStore = transaction.objectStore(AUDIT_STORE);
      const cursorRequest = store.openKeyCursor(null, 'prev');
      cursorRequest.onsuccess = () => {
        const cursor = cursorRequest.result;
        if (generation !== undefined && cursor !== null && isGeneration(cursor.key) && cursor.key >= generation) {
          conflict = true;
          transaction.abort();
          return;
        }
        // `put`: a newer record for a seq (after a crash, or a restored backup) replaces the old.
        for (const r of records) auditStore.put(r);
        // `add`, not `put`: even a racing writer cannot make this overwrite a vault.
        if (record !== undefined) store.add(record);
        // The clean-up rides in the same transaction: IndexedDB commits it whole or not at
        // all, so the older copies and the folded records go exactly when the copy that
        // replaces them is durable, never before. A second transaction for it cost about
        // 2.7 ms per save in Chromium (docs/benchmarks.md, "Through the Worker").
        // (Keys are listed rather than deleted by an IDBKeyRange: the store takes its
        // IDBFactory as a parameter, and a range from the global one would not belong to it.)
        if (generation !== undefined) deleteKeysBelow(store, generation);
        if (pruneBelow !== undefined && pruneBelow > 0) deleteKeysBelow(auditStore, pruneBelow);
      };
      await done;
    } catch (cause) {
      if (conflict) {
        throw new VaultStoreError(
          'StorageConflict',
          'A same or newer copy of the vault is stored (changed in another tab, or written by a newer version); reload to continue.',
          { cause },
        );
      }
      throw new VaultStoreError('StorageFailed', 'The vault could not be stored in this browser.', { cause });
    }
  }

  /**
   * Stores a sealed vault that did not come from this store's core (a backup file the user
   * imports) into an empty store, under the generation its header names. Refuses with
   * `StorageConflict` when any record exists, so importing never replaces a wallet, and with a
   * `TypeError` for bytes that are not a vault (see `sealedVaultGeneration`). Resolves with
   * the generation once the record has committed. A Worker already serving this database does
   * not see the record until it restarts. A backup file holds the vault only: audit records
   * left in the store are removed, and the first unlock reports the log as damaged (its
   * entries are not in the backup; docs/audit-log.md, "Damage").
   */
  async install(bytes: Uint8Array): Promise<number> {
    const generation = sealedVaultGeneration(bytes);
    if (generation === undefined) throw new TypeError('bytes are not a sealed Custodian vault');
    const record: VaultRecord = { generation, bytes: bytes.slice(), savedAt: Date.now() };
    let occupied = false;
    try {
      const transaction = this.#db.transaction([STORE, AUDIT_STORE], 'readwrite', { durability: 'strict' });
      const done = transactionDone(transaction);
      const store = transaction.objectStore(STORE);
      const countRequest = store.count();
      countRequest.onsuccess = () => {
        if (countRequest.result > 0) {
          occupied = true;
          transaction.abort();
          return;
        }
        transaction.objectStore(AUDIT_STORE).clear();
        store.add(record);
      };
      await done;
    } catch (cause) {
      if (occupied) {
        throw new VaultStoreError('StorageConflict', 'A wallet is already stored in this browser; a backup cannot replace it.', {
          cause,
        });
      }
      throw new VaultStoreError('StorageFailed', 'The vault could not be stored in this browser.', { cause });
    }
    return generation;
  }

  /** Closes the database connection. */
  close(): void {
    this.#db.close();
  }
}
