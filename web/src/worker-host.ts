/**
 * The Worker side of the protocol, independent of where the core and the vault come from, so
 * that the same dispatcher runs in the real Worker (worker.ts) and over a `MessageChannel` in
 * unit tests.
 *
 * The core is one state machine: requests are handled one at a time, in arrival order. The
 * host persists what `takeSave()` returns and only then answers, so no caller sees success for
 * a change that is not stored (docs/protocol.md, "The host rule"). Requests that arrived while a
 * save was running are handled together and share the next save (group commit, docs/web.md).
 */

import { openVaultStore, type AuditRecord, type SealedVault, type VaultStore } from './store.js';
import {
  PROTOCOL_VERSION,
  isWalletEventName,
  isRpcErrorData,
  parseWorkerInbound,
  type Endpoint,
  type EndpointListener,
  type InitMessage,
  type RequestMessage,
  type RpcErrorData,
  type WorkerOutbound,
} from './protocol.js';

/**
 * What the core's `takeSave()` returns: the new vault (if it changed) and the audit records it
 * commits to (docs/protocol.md, "The WASM facade"; docs/web.md, "Storage").
 */
export interface CoreSave {
  readonly bytes?: Uint8Array;
  readonly generation?: number;
  readonly auditRecords?: readonly AuditRecord[];
  readonly auditPruneBelow?: number;
}

/** What a host persists for one `takeSave()`: records and vault together, pruning after. */
export interface PersistRequest {
  readonly vault?: SealedVault;
  readonly auditRecords: readonly AuditRecord[];
  readonly auditPruneBelow?: number;
}

/** The surface of the WASM `Custodian` class the host uses (docs/protocol.md, "The WASM facade"). */
export interface CustodianCore {
  request(args: { method: string; params?: unknown }, origin?: string): Promise<unknown>;
  takeSave(): CoreSave | undefined;
  takeEvents(): Array<{ event: string; data: unknown }>;
  free(): void;
}

/** A core with its stored vault loaded, and where to persist it. */
export interface OpenedWallet {
  readonly core: CustodianCore;
  /**
   * Persists durably: the audit records with (or before) the vault, pruning only after the
   * vault is durable. Rejects (with a `VaultStoreError`, ideally) if it could not.
   */
  readonly save: (save: PersistRequest) => Promise<void>;
}

/** Where `openStoredWallet` finds the vault and how it makes a core. */
export interface StoredWalletOptions {
  readonly indexedDB: IDBFactory;
  /** IndexedDB database name. */
  readonly name: string;
  /** `new Custodian(sealed, auditRecords)`; throws for bytes it cannot open. */
  readonly construct: (sealed: Uint8Array | null, auditRecords?: AuditRecord[]) => CustodianCore;
  /** The store `name` already being opened (worker.ts starts it while the module loads). */
  readonly store?: Promise<VaultStore>;
}

/**
 * Opens the vault store and a core over the newest stored copy that opens. Constructing the
 * core checks the vault's header; a copy it refuses is skipped (and kept). If copies exist but
 * none opens, this fails rather than start empty, which would invite the user to create a new
 * wallet over an existing one.
 */
export async function openStoredWallet(options: StoredWalletOptions): Promise<OpenedWallet> {
  const store = await (options.store ?? openVaultStore({ indexedDB: options.indexedDB, name: options.name }));
  const loaded = await store.load((bytes, records) => options.construct(bytes, records));
  if (loaded === undefined && (await store.latestGeneration()) !== undefined) {
    store.close();
    throw new Error('a vault is stored but none of its copies can be opened by this version');
  }
  const core = loaded?.value ?? options.construct(null);
  return {
    core,
    save: ({ vault, auditRecords, auditPruneBelow }) =>
      store.save(vault, { records: auditRecords, ...(auditPruneBelow === undefined ? {} : { pruneBelow: auditPruneBelow }) }),
  };
}

/** How the host obtains its core. */
export interface WorkerHostOptions {
  /** Loads the module and the stored vault; called once, with the client's init message. */
  readonly open: (init: InitMessage) => Promise<OpenedWallet>;
}

type HostState =
  | { readonly name: 'awaiting-init' }
  | { readonly name: 'opening' }
  | { readonly name: 'ready'; readonly wallet: OpenedWallet }
  | { readonly name: 'dead' };

function internalError(kind: string, message: string): RpcErrorData {
  return { code: -32603, message, data: { kind } };
}

/** Keeps only the documented fields, so nothing else the core attached crosses the boundary. */
function cleanError(error: RpcErrorData): RpcErrorData {
  return error.data === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, data: error.data };
}

function storageError(cause: unknown): RpcErrorData {
  const kind =
    typeof cause === 'object' && cause !== null && (cause as { kind?: unknown }).kind === 'StorageConflict'
      ? 'StorageConflict'
      : 'StorageFailed';
  const message =
    kind === 'StorageConflict'
      ? 'A same or newer copy of the vault is stored (changed in another tab, or written by a newer version); reload to continue.'
      : 'The vault could not be stored in this browser; the change was not saved.';
  return internalError(kind, message);
}

/**
 * The generation (and an audit seq) is a u64; a binding may hand it over as a BigInt. Any value
 * a wallet can reach fits a double exactly; larger ones are left for the store to refuse.
 */
function normaliseNumber<T>(value: T): T | number {
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return value;
}

/** The core's save as the store takes it. */
function persistRequest(save: CoreSave): PersistRequest {
  const vault =
    save.bytes === undefined ? undefined : ({ bytes: save.bytes, generation: normaliseNumber(save.generation) } as SealedVault);
  const auditRecords = (save.auditRecords ?? []).map((r) => ({ seq: normaliseNumber(r.seq) as number, bytes: r.bytes }));
  const prune = save.auditPruneBelow === undefined ? undefined : (normaliseNumber(save.auditPruneBelow) as number);
  return {
    ...(vault === undefined ? {} : { vault }),
    auditRecords,
    ...(prune === undefined ? {} : { auditPruneBelow: prune }),
  };
}

/** One request's outcome, answered once what it changed is stored. */
type Answer = { readonly id: number } & ({ readonly result: unknown } | { readonly error: RpcErrorData });

/**
 * The most requests answered by one save. It bounds how long the first of a burst waits for the
 * others (each signature is a fraction of a millisecond in the core).
 */
const MAX_BATCH = 32;

/** A WebAssembly trap poisons the instance: nothing more may run on it. */
function isTrap(error: unknown): boolean {
  return typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError;
}

/**
 * Serves the wallet protocol on `endpoint` (the Worker's global scope, or a `MessagePort`).
 * Returns a function that stops serving: no more messages are read and queued requests are
 * dropped (the one already in the core, if any, finishes).
 */
export function serveWorker(endpoint: Endpoint, options: WorkerHostOptions): () => void {
  let state: HostState = { name: 'awaiting-init' };
  const queue: RequestMessage[] = [];
  let draining = false;

  const post = (message: WorkerOutbound): void => {
    endpoint.postMessage(message);
  };

  /** Stops for good; `id` is the request that caused it, which `error` then answers. */
  const die = (error: RpcErrorData, id?: number): void => {
    const previous = state;
    state = { name: 'dead' };
    queue.length = 0;
    post(
      id === undefined
        ? { v: PROTOCOL_VERSION, type: 'fatal', error }
        : { v: PROTOCOL_VERSION, type: 'fatal', error, id },
    );
    if (previous.name === 'ready') {
      try {
        previous.wallet.core.free();
      } catch {
        // A poisoned instance may trap again while freeing; it is being abandoned anyway.
      }
    }
  };

  /** The provider events the core queued, as messages to post. */
  const takeEvents = (core: CustodianCore): WorkerOutbound[] => {
    const messages: WorkerOutbound[] = [];
    for (const { event, data } of core.takeEvents()) {
      if (isWalletEventName(event)) messages.push({ v: PROTOCOL_VERSION, type: 'event', event, data });
    }
    return messages;
  };

  const postEvents = (core: CustodianCore): void => {
    for (const event of takeEvents(core)) post(event);
  };

  /** Persists whatever the last call changed; returns an error to report if that failed. */
  const persist = async (wallet: OpenedWallet): Promise<RpcErrorData | undefined> => {
    const saved = wallet.core.takeSave();
    if (saved === undefined) return undefined;
    try {
      await wallet.save(persistRequest(saved));
      return undefined;
    } catch (cause) {
      return storageError(cause);
    }
  };

  /**
   * Runs one request in the core. Returns what to answer, or `undefined` if the module trapped
   * (the host is then dead and the request answered).
   */
  const answer = async (core: CustodianCore, request: RequestMessage): Promise<Answer | undefined> => {
    const args = request.params === undefined ? { method: request.method } : { method: request.method, params: request.params };
    try {
      const result = await core.request(args, ...(request.origin === undefined ? [] : [request.origin]));
      return { id: request.id, result: result === undefined ? null : result };
    } catch (error) {
      if (isTrap(error)) {
        die(internalError('Internal', 'The wallet module failed; it will restart locked.'), request.id);
        return undefined;
      }
      return { id: request.id, error: isRpcErrorData(error) ? cleanError(error) : internalError('Internal', 'Internal error.') };
    }
  };

  /**
   * Group commit: runs every request in `batch` through the core, then persists once what they
   * changed together, and only then answers them, in order, each followed by its events. No
   * caller sees success for a change that is not stored (the host rule), and requests that
   * queued up while the previous save was running share one IndexedDB transaction instead of
   * paying one each.
   */
  const handleBatch = async (wallet: OpenedWallet, batch: readonly RequestMessage[]): Promise<void> => {
    const { core } = wallet;
    const answered: Array<{ answer: Answer; events: WorkerOutbound[] }> = [];
    for (const request of batch) {
      const outcome = await answer(core, request);
      if (outcome === undefined) return;
      answered.push({ answer: outcome, events: takeEvents(core) });
    }
    // Even a failed request may have changed state (e.g. a failed-attempt counter): always ask.
    const saveError = await persist(wallet);
    if (saveError !== undefined) {
      // The core now holds changes that are not stored: every request of the batch fails with
      // the storage error, then the host restarts from storage.
      const last = answered.pop();
      for (const { answer: a } of answered) post({ v: PROTOCOL_VERSION, type: 'response', id: a.id, error: saveError });
      die(saveError, last?.answer.id);
      return;
    }
    for (const { answer: a, events } of answered) {
      post({ v: PROTOCOL_VERSION, type: 'response', ...a });
      for (const event of events) post(event);
    }
  };

  const drain = async (): Promise<void> => {
    if (draining) return;
    draining = true;
    let batch: RequestMessage[] = [];
    try {
      for (;;) {
        if (state.name !== 'ready') return;
        batch = queue.splice(0, MAX_BATCH);
        if (batch.length === 0) return;
        await handleBatch(state.wallet, batch);
      }
    } catch (cause) {
      // takeSave/takeEvents threw, or postMessage could not clone a result: not recoverable in
      // a way the caller could trust.
      const error = isTrap(cause)
        ? internalError('Internal', 'The wallet module failed; it will restart locked.')
        : internalError('Internal', 'Internal error.');
      die(error, batch[0]?.id);
    } finally {
      draining = false;
    }
  };

  const start = async (init: InitMessage): Promise<void> => {
    state = { name: 'opening' };
    let wallet: OpenedWallet;
    try {
      wallet = await options.open(init);
    } catch (cause) {
      // The reason (e.g. a wrong wasmUrl, IndexedDB disabled) is what a developer needs to see;
      // nothing secret exists yet at this point.
      const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      die({
        code: -32603,
        message: 'The wallet module or its stored vault could not be loaded.',
        data: { kind: 'StartFailed', reason },
      });
      return;
    }
    try {
      // Loading may itself produce something to store (e.g. a migrated vault) or events.
      const saveError = await persist(wallet);
      if (saveError !== undefined) {
        die(saveError);
        return;
      }
      state = { name: 'ready', wallet };
      postEvents(wallet.core);
    } catch {
      die(internalError('StartFailed', 'The wallet module or its stored vault could not be loaded.'));
      return;
    }
    post({ v: PROTOCOL_VERSION, type: 'ready' });
    void drain();
  };

  const onMessage: EndpointListener = (event) => {
    const message = parseWorkerInbound(event.data);
    if (message === undefined || state.name === 'dead') return;
    if (message.type === 'init') {
      if (state.name === 'awaiting-init') void start(message);
      return;
    }
    queue.push(message);
    void drain();
  };

  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();
  return () => {
    endpoint.removeEventListener('message', onMessage);
    state = { name: 'dead' };
    queue.length = 0;
  };
}
