/**
 * An EIP-1193 provider over the wallet client. Libraries such as ethers (`BrowserProvider`) and
 * viem (`custom()` transport) use it unchanged.
 *
 * The wallet holds keys, not a connection to an Ethereum node: it answers account, chain and
 * signing methods itself. Node methods (balances, blocks, `eth_call`, ...) go to the `fallback`
 * provider the embedding app passes in, if any, and are otherwise refused with 4200.
 */

import {
  isSerializedOrigin,
  type ClientEvent,
  type ClientState,
  type RequestArguments,
  type RequestOptions,
} from './client.js';
import {
  DisconnectedError,
  ErrorCode,
  ProviderRpcError,
  UnsupportedMethodError,
  fromRpcErrorData,
} from './errors.js';
import { isRpcErrorData, type ProviderEventName, type WalletEventName } from './protocol.js';
import { reportListenerError } from './report-error.js';

/** The minimal EIP-1193 surface: what `fallback` must provide. */
export interface EIP1193RequestFn {
  request(args: RequestArguments): Promise<unknown>;
}

/** EIP-1193 `connect` event payload. */
export interface ProviderConnectInfo {
  readonly chainId: string;
}

/** EIP-1193 `message` event payload. */
export interface ProviderMessage {
  readonly type: string;
  readonly data: unknown;
}

/** Listener signature per EIP-1193 event. */
export interface ProviderEventMap {
  accountsChanged: (accounts: string[]) => void;
  chainChanged: (chainId: string) => void;
  connect: (info: ProviderConnectInfo) => void;
  disconnect: (error: ProviderRpcError) => void;
  message: (message: ProviderMessage) => void;
}

/**
 * Read-only Ethereum node methods: public chain data, no key involved. They are sent to
 * `fallback` when one is given. `eth_sendRawTransaction` is deliberately absent (it is not a
 * read); add it through `fallbackMethods` if the app wants the provider to broadcast.
 */
export const NODE_READ_METHODS: readonly string[] = Object.freeze([
  'eth_blobBaseFee',
  'eth_blockNumber',
  'eth_call',
  'eth_estimateGas',
  'eth_feeHistory',
  'eth_gasPrice',
  'eth_getBalance',
  'eth_getBlockByHash',
  'eth_getBlockByNumber',
  'eth_getBlockReceipts',
  'eth_getBlockTransactionCountByHash',
  'eth_getBlockTransactionCountByNumber',
  'eth_getCode',
  'eth_getFilterChanges',
  'eth_getFilterLogs',
  'eth_getLogs',
  'eth_getProof',
  'eth_getStorageAt',
  'eth_getTransactionByBlockHashAndIndex',
  'eth_getTransactionByBlockNumberAndIndex',
  'eth_getTransactionByHash',
  'eth_getTransactionCount',
  'eth_getTransactionReceipt',
  'eth_getUncleCountByBlockHash',
  'eth_getUncleCountByBlockNumber',
  'eth_maxPriorityFeePerGas',
  'eth_newBlockFilter',
  'eth_newFilter',
  'eth_syncing',
  'eth_uninstallFilter',
  'net_listening',
  'net_version',
  'web3_clientVersion',
]);

/**
 * What the provider needs from the wallet under it: a `CustodianClient` (a Worker on this page),
 * or the connector's client (a wallet on another origin, `connectCustodian`).
 */
export interface ProviderClient {
  /** `ready` once requests can be answered; the provider syncs its state on each `ready` event. */
  readonly state: ClientState;
  request(args: RequestArguments, options?: RequestOptions): Promise<unknown>;
  subscribe(listener: (event: ClientEvent) => void): () => void;
}

/** Options of `new CustodianProvider`. */
export interface ProviderOptions {
  /**
   * The dapp origin this provider speaks for, when the wallet serves another site; omit it for
   * the wallet's own UI. Every request of this provider carries it.
   */
  readonly origin?: string;
  /**
   * An EIP-1193 provider for node methods (e.g. one over the app's JSON-RPC endpoint). The
   * wallet makes no network request of its own; without this, node methods reject with 4200.
   * Keep its chain in step with the wallet's (`chainChanged`).
   */
  readonly fallback?: EIP1193RequestFn;
  /** Methods sent to `fallback`. Default `NODE_READ_METHODS`. */
  readonly fallbackMethods?: readonly string[];
  /** Milliseconds to wait for the wallet's answer to each request; default none. */
  readonly timeoutMs?: number;
}

/** Each EIP-1193 event has exactly one payload argument. */
type AnyListener = (payload: unknown) => void;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function sameAccounts(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item.toLowerCase() === b[index]?.toLowerCase());
}

/** The EIP-1193 provider. */
export class CustodianProvider {
  /** Lets dapps tell this wallet apart (as `isMetaMask` does for MetaMask). */
  readonly isCustodian: true = true;
  readonly #client: ProviderClient;
  readonly #origin: string | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #fallback: EIP1193RequestFn | undefined;
  readonly #fallbackMethods: ReadonlySet<string>;
  readonly #listeners = new Map<ProviderEventName, Set<AnyListener>>();
  readonly #unsubscribe: () => void;
  #connected = false;
  #chainId: string | undefined;
  /** Last accounts seen (results and events), to tell after a Worker restart what changed. */
  #accounts: readonly string[] | undefined;

  constructor(client: ProviderClient, options: ProviderOptions = {}) {
    if (options.origin !== undefined && !isSerializedOrigin(options.origin)) {
      throw new TypeError('options.origin must be a serialized origin such as https://app.example');
    }
    if (options.fallback !== undefined && typeof options.fallback.request !== 'function') {
      throw new TypeError('options.fallback must be an EIP-1193 provider (with a request method)');
    }
    this.#client = client;
    this.#origin = options.origin;
    this.#timeoutMs = options.timeoutMs;
    this.#fallback = options.fallback;
    this.#fallbackMethods = new Set(options.fallbackMethods ?? NODE_READ_METHODS);
    this.#unsubscribe = client.subscribe((event) => this.#onClientEvent(event));
    if (client.state === 'ready') void this.#sync();
  }

  /** Whether the wallet Worker is running and has answered `eth_chainId`. */
  isConnected(): boolean {
    return this.#connected;
  }

  /** EIP-1193 `request`. Rejects with a `ProviderRpcError` carrying `code` and `data`. */
  request(args: RequestArguments): Promise<unknown> {
    if (typeof args !== 'object' || args === null || typeof args.method !== 'string') {
      return Promise.reject(new ProviderRpcError(ErrorCode.InvalidRequest, 'request needs {method: string, params?}'));
    }
    const { method, params } = args;
    if (this.#fallbackMethods.has(method)) {
      if (this.#fallback === undefined) {
        return Promise.reject(
          new UnsupportedMethodError(`${method} needs an Ethereum node; the app can pass a fallback provider.`, {
            data: { kind: 'Unsupported' },
          }),
        );
      }
      return this.#fallback.request(params === undefined ? { method } : { method, params });
    }
    return this.#ask(method, params).then((result) => {
      if ((method === 'eth_accounts' || method === 'eth_requestAccounts') && isStringArray(result)) {
        this.#accounts = [...result];
      }
      return result;
    });
  }

  /** Adds an EIP-1193 event listener. */
  on<E extends keyof ProviderEventMap>(event: E, listener: ProviderEventMap[E]): this {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return this;
  }

  /** Removes a listener added with `on`. */
  removeListener<E extends keyof ProviderEventMap>(event: E, listener: ProviderEventMap[E]): this {
    this.#listeners.get(event)?.delete(listener as AnyListener);
    return this;
  }

  /** Stops following the client's events (the client itself keeps running). */
  detach(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #ask(method: string, params: RequestArguments['params']): Promise<unknown> {
    return this.#client.request(params === undefined ? { method } : { method, params }, {
      ...(this.#origin === undefined ? {} : { origin: this.#origin }),
      ...(this.#timeoutMs === undefined ? {} : { timeoutMs: this.#timeoutMs }),
    });
  }

  #emit<E extends keyof ProviderEventMap>(event: E, payload: Parameters<ProviderEventMap[E]>[0]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  #onClientEvent(event: ClientEvent): void {
    switch (event.type) {
      case 'ready':
        void this.#sync();
        return;
      case 'stopped':
        this.#setDisconnected(event.error);
        return;
      case 'event':
        this.#onWalletEvent(event.event, event.data);
        return;
    }
  }

  #onWalletEvent(name: WalletEventName, data: unknown): void {
    switch (name) {
      case 'siteRevoked':
      case 'siteBlocked':
      case 'siteUnblocked':
        // For the wallet's own page; a host serving sites sends them `accountsChanged` instead.
        return;
      case 'accountsChanged':
        if (!isStringArray(data)) return;
        this.#accounts = [...data];
        this.#emit('accountsChanged', [...data]);
        return;
      case 'chainChanged':
        if (typeof data !== 'string') return;
        this.#chainId = data;
        this.#emit('chainChanged', data);
        return;
      case 'connect': {
        const chainId = (data as { chainId?: unknown } | null)?.chainId;
        if (typeof chainId === 'string') this.#setConnected(chainId);
        return;
      }
      case 'disconnect':
        this.#setDisconnected(isRpcErrorData(data) ? fromRpcErrorData(data) : new DisconnectedError());
        return;
      case 'message':
        if (typeof data === 'object' && data !== null && typeof (data as { type?: unknown }).type === 'string') {
          const message = data as { type: string; data?: unknown };
          this.#emit('message', { type: message.type, data: message.data });
        }
        return;
    }
  }

  #setConnected(chainId: string): void {
    const wasConnected = this.#connected;
    const previousChain = this.#chainId;
    this.#connected = true;
    this.#chainId = chainId;
    if (!wasConnected) this.#emit('connect', { chainId });
    else if (previousChain !== chainId) this.#emit('chainChanged', chainId);
  }

  #setDisconnected(error: ProviderRpcError): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#emit('disconnect', error);
  }

  /**
   * After a Worker (re)start: become connected, and tell listeners what a restart changed (the
   * chain, and the accounts: a restarted Worker is locked).
   */
  async #sync(): Promise<void> {
    try {
      const chainId = await this.#ask('eth_chainId', []);
      if (typeof chainId !== 'string') return;
      this.#setConnected(chainId);
      const known = this.#accounts;
      if (known === undefined) return;
      const accounts = await this.#ask('eth_accounts', []);
      if (!isStringArray(accounts)) return;
      this.#accounts = [...accounts];
      if (!sameAccounts(known, accounts)) this.#emit('accountsChanged', [...accounts]);
    } catch {
      // The Worker stopped again, or the wallet refused: the next ready event retries.
    }
  }
}
