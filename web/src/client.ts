/**
 * The main-thread side of the Worker RPC: numbered requests, matched answers, and a Worker that
 * is replaced when it dies. Concurrency lives here only; the Worker answers one request at a
 * time, in arrival order.
 */

import {
  DisconnectedError,
  InvalidParamsError,
  ProviderRpcError,
  WorkerCrashedError,
  fromRpcErrorData,
} from './errors.js';
import {
  PROTOCOL_VERSION,
  parseWorkerOutbound,
  type EndpointListener,
  type InitMessage,
  type MessageLike,
  type WalletEventName,
  type RequestMessage,
  type WorkerLike,
} from './protocol.js';
import { PendingRequests, badRequestArguments, checkTimeout } from './pending.js';
import { reportListenerError } from './report-error.js';

/** The argument of an EIP-1193 `request` call. */
export interface RequestArguments {
  readonly method: string;
  readonly params?: readonly unknown[] | object;
}

/** Per-request options. */
export interface RequestOptions {
  /**
   * The requesting dapp's origin (`https://app.example`), for a wallet that serves other sites.
   * Omit it for the wallet's own UI. Must be a serialized origin; `*` and `null` are refused.
   */
  readonly origin?: string;
  /** Milliseconds to wait for the answer; overrides the client's default. */
  readonly timeoutMs?: number;
}

/** How the client starts and talks to its Worker. */
export interface ClientOptions {
  /** Starts a new Worker (or any endpoint); called again after a crash. */
  readonly spawn: () => WorkerLike;
  /** IndexedDB database holding the vault. Default `"custodian"`. */
  readonly dbName?: string;
  /** Where the Worker fetches the `.wasm` file; default: next to the module's glue code. */
  readonly wasmUrl?: string | URL;
  /**
   * The module compiled in this page (`compileWasm()`), handed to every Worker this client starts
   * so that none fetches or compiles it again. Each Worker is spawned at once and gets its init
   * message when the module is ready; if the promise rejects, the init goes without it and the
   * Worker loads the `.wasm` itself (from `wasmUrl` or its default), as it would with none.
   */
  readonly wasmModule?: PromiseLike<WebAssembly.Module>;
  /**
   * Default milliseconds to wait for any answer; none by default, because unlocking runs
   * Argon2 with the vault's memory cost and can take seconds on a slow device.
   */
  readonly timeoutMs?: number;
}

/** What the client reports to its subscribers. */
export type ClientEvent =
  | { readonly type: 'event'; readonly event: WalletEventName; readonly data: unknown }
  /** A Worker has loaded the module and the stored vault. */
  | { readonly type: 'ready' }
  /** The Worker stopped; `error` is what pending requests were rejected with. */
  | { readonly type: 'stopped'; readonly error: ProviderRpcError };

/** Lifecycle of the client's current Worker. */
export type ClientState = 'starting' | 'ready' | 'failed' | 'terminated';

interface Running {
  readonly worker: WorkerLike;
  readonly detach: () => void;
}

/** Default IndexedDB database name. */
export const DEFAULT_DB_NAME = 'custodian';

/** Whether `origin` is a serialized web origin such as `https://app.example:8443`. */
export function isSerializedOrigin(origin: string): boolean {
  try {
    const parsed = new URL(origin).origin;
    return parsed !== 'null' && parsed === origin;
  } catch {
    return false;
  }
}

/** An RPC client for the wallet Worker. */
export class CustodianClient {
  readonly #spawn: () => WorkerLike;
  readonly #init: InitMessage;
  readonly #wasmModule: PromiseLike<WebAssembly.Module> | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #pending = new PendingRequests();
  readonly #listeners = new Set<(event: ClientEvent) => void>();
  #readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #running: Running | undefined;
  #state: ClientState = 'starting';

  constructor(options: ClientOptions) {
    if (typeof options.spawn !== 'function') throw new TypeError('options.spawn must be a function');
    checkTimeout('options.timeoutMs', options.timeoutMs);
    const dbName = options.dbName ?? DEFAULT_DB_NAME;
    if (typeof dbName !== 'string' || dbName === '') throw new TypeError('options.dbName must be a non-empty string');
    this.#spawn = options.spawn;
    this.#timeoutMs = options.timeoutMs;
    this.#init =
      options.wasmUrl === undefined
        ? { v: PROTOCOL_VERSION, type: 'init', dbName }
        : { v: PROTOCOL_VERSION, type: 'init', dbName, wasmUrl: String(options.wasmUrl) };
    this.#wasmModule = options.wasmModule;
    this.#start();
  }

  /** `starting` until the Worker is ready; `failed` after a failed start (the next request retries). */
  get state(): ClientState {
    return this.#state;
  }

  /** Number of requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Sends one request. Resolves with the result, or rejects with a `ProviderRpcError`
   * (`WorkerCrashedError` if the Worker dies first, `RequestTimeoutError` on timeout).
   */
  request(args: RequestArguments, options: RequestOptions = {}): Promise<unknown> {
    const invalid = badRequestArguments(args);
    if (invalid !== undefined) return Promise.reject(invalid);
    const { params } = args;
    const { origin } = options;
    if (origin !== undefined && (typeof origin !== 'string' || !isSerializedOrigin(origin))) {
      return Promise.reject(new TypeError('options.origin must be a serialized origin such as https://app.example'));
    }
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    try {
      checkTimeout('options.timeoutMs', timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === 'terminated') {
      return Promise.reject(new DisconnectedError('The wallet was shut down.'));
    }
    if (this.#state === 'failed') this.#start();
    const running = this.#running;
    if (running === undefined) {
      return Promise.reject(new DisconnectedError('The wallet worker could not be started.'));
    }

    return this.#pending.add(timeoutMs, {}, (id) => {
      const message: RequestMessage = {
        v: PROTOCOL_VERSION,
        type: 'request',
        id,
        method: args.method,
        ...(params === undefined ? {} : { params }),
        ...(origin === undefined ? {} : { origin }),
      };
      try {
        running.worker.postMessage(message);
      } catch (error) {
        // Structured clone refused the params (a function, a DOM node, ...).
        this.#pending.settle(id)?.reject(new InvalidParamsError('params cannot be sent to the wallet', { cause: error }));
      }
    });
  }

  /** Resolves once the current Worker is ready; rejects if it stops first. */
  ready(): Promise<void> {
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#state === 'terminated') return Promise.reject(new DisconnectedError('The wallet was shut down.'));
    if (this.#state === 'failed') this.#start();
    if (this.#state === 'failed') return Promise.reject(new DisconnectedError('The wallet worker could not be started.'));
    return new Promise((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
    });
  }

  /** Listens to provider events and lifecycle changes; returns the unsubscribe function. */
  subscribe(listener: (event: ClientEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Stops the current Worker and starts a fresh one, which reloads the stored vault (so the
   * wallet is locked again). Pending requests are rejected with `WorkerCrashedError`.
   */
  restart(): void {
    if (this.#state === 'terminated') return;
    const running = this.#running;
    if (running !== undefined) {
      this.#stop(running, new WorkerCrashedError('The wallet worker was restarted.'), true);
    } else {
      this.#start();
    }
  }

  /** Stops the Worker for good; pending and later requests reject with `DisconnectedError`. */
  terminate(): void {
    if (this.#state === 'terminated') return;
    const running = this.#running;
    this.#state = 'terminated';
    this.#running = undefined;
    if (running !== undefined) {
      running.detach();
      running.worker.terminate();
    }
    const error = new DisconnectedError('The wallet was shut down.');
    this.#pending.rejectAll(error);
    this.#emit({ type: 'stopped', error });
  }

  #start(): void {
    let worker: WorkerLike;
    try {
      worker = this.#spawn();
    } catch (cause) {
      this.#state = 'failed';
      this.#running = undefined;
      this.#failReadyWaiters(new DisconnectedError('The wallet worker could not be started.', { cause }));
      return;
    }
    this.#state = 'starting';
    const onMessage: EndpointListener = (event: MessageLike) => {
      this.#onMessage(running, event.data);
    };
    const onError: EndpointListener = (event: MessageLike) => {
      this.#stop(running, new WorkerCrashedError(undefined, { cause: event }), this.#state === 'ready');
    };
    const onMessageError: EndpointListener = (event: MessageLike) => {
      // An answer that could not be deserialised leaves its request unanswerable: start over.
      this.#stop(running, new WorkerCrashedError(undefined, { cause: event }), this.#state === 'ready');
    };
    const running: Running = {
      worker,
      detach: () => {
        worker.removeEventListener('message', onMessage);
        worker.removeEventListener('error', onError);
        worker.removeEventListener('messageerror', onMessageError);
      },
    };
    this.#running = running;
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onMessageError);
    worker.start?.();
    const wasmModule = this.#wasmModule;
    if (wasmModule === undefined) {
      worker.postMessage(this.#init);
      return;
    }
    // Requests posted meanwhile wait in the Worker's queue until this init has opened the wallet.
    const sendInit = (module: unknown): void => {
      if (this.#running !== running) return;
      try {
        // The Worker ignores an init whose `module` is anything else, and would never start.
        worker.postMessage(module instanceof WebAssembly.Module ? { ...this.#init, module } : this.#init);
      } catch {
        // Not cloneable to this endpoint (e.g. not a dedicated Worker): it loads the file itself.
        worker.postMessage(this.#init);
      }
    };
    wasmModule.then(sendInit, () => sendInit(undefined));
  }

  #onMessage(running: Running, data: unknown): void {
    if (this.#running !== running) return;
    const message = parseWorkerOutbound(data);
    if (message === undefined) return;
    switch (message.type) {
      case 'ready': {
        this.#state = 'ready';
        const waiters = this.#readyWaiters;
        this.#readyWaiters = [];
        for (const waiter of waiters) waiter.resolve();
        this.#emit({ type: 'ready' });
        return;
      }
      case 'response': {
        const pending = this.#pending.settle(message.id);
        if (pending === undefined) return; // timed out earlier, or not ours
        if ('error' in message) pending.reject(fromRpcErrorData(message.error));
        else pending.resolve(message.result);
        return;
      }
      case 'event':
        this.#emit({ type: 'event', event: message.event, data: message.data });
        return;
      case 'fatal': {
        const wasReady = this.#state === 'ready';
        if (message.id !== undefined) this.#pending.settle(message.id)?.reject(fromRpcErrorData(message.error));
        const error = new WorkerCrashedError(
          wasReady ? undefined : `The wallet worker could not start: ${message.error.message}`,
          { data: { kind: 'WorkerCrashed', reason: message.error } },
        );
        this.#stop(running, error, wasReady);
        return;
      }
    }
  }

  /**
   * Ends `running`: rejects everything pending with `error`, then either starts a replacement
   * at once (the Worker had been working) or waits for the next request (it never started, so
   * an immediate retry would most likely fail the same way, in a loop).
   */
  #stop(running: Running, error: ProviderRpcError, respawn: boolean): void {
    if (this.#running !== running) return;
    running.detach();
    running.worker.terminate();
    this.#running = undefined;
    this.#state = 'failed';
    this.#pending.rejectAll(error);
    this.#emit({ type: 'stopped', error });
    if (respawn && this.#state === 'failed') this.#start();
    else this.#failReadyWaiters(error);
  }

  #failReadyWaiters(error: Error): void {
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  #emit(event: ClientEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }
}
