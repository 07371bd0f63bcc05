/**
 * The wire protocol between the main thread and the wallet Worker (docs/web.md, "Worker messages").
 *
 * Every message carries `v: 1` so that a page and a Worker from different releases (a cached
 * worker script, a half-updated deployment) notice the mismatch instead of misreading each other.
 */

/** The version of the Worker message protocol this package speaks. */
export const PROTOCOL_VERSION = 1;

/** A JSON-RPC style error as it crosses a thread boundary: plain data, no prototype. */
export interface RpcErrorData {
  /** EIP-1193 / EIP-1474 error code. */
  readonly code: number;
  /** Short, human-readable; never contains a secret. */
  readonly message: string;
  /** Machine-readable detail, typically `{kind: string}`. */
  readonly data?: unknown;
}

/** The provider events defined by EIP-1193. */
export type ProviderEventName = 'accountsChanged' | 'chainChanged' | 'connect' | 'disconnect' | 'message';

/**
 * Every event the core emits: the EIP-1193 ones, plus `siteRevoked`, `siteBlocked` and
 * `siteUnblocked` (`data: {origin}`), which tell a host serving other sites that the user
 * revoked that origin's grant, blocked it, or lifted its block. Only the wallet's own page sees
 * them; a host turns the first two into `accountsChanged []` for that origin.
 */
export type WalletEventName = ProviderEventName | SiteEventName;

/** The events about one site (`data: {origin}`), for the wallet's own page. */
export type SiteEventName = 'siteRevoked' | 'siteBlocked' | 'siteUnblocked';

const SITE_EVENTS: ReadonlySet<string> = new Set<SiteEventName>(['siteRevoked', 'siteBlocked', 'siteUnblocked']);

/** Main -> Worker, first message: how to load the module and where the vault lives. */
export interface InitMessage {
  readonly v: 1;
  readonly type: 'init';
  /** Where to fetch `custodian_wasm_bg.wasm`; the Worker's default is next to its glue code. */
  readonly wasmUrl?: string;
  /**
   * The module already compiled by the page that started this Worker (only it can post here);
   * the Worker then fetches nothing. Takes precedence over `wasmUrl`.
   */
  readonly module?: WebAssembly.Module;
  /** IndexedDB database name that holds the vault. */
  readonly dbName: string;
}

/** Main -> Worker: one wallet request. */
export interface RequestMessage {
  readonly v: 1;
  readonly type: 'request';
  /** Chosen by the client, unique among its pending requests. */
  readonly id: number;
  readonly method: string;
  readonly params?: unknown;
  /** The requesting dapp's origin; absent for the wallet's own UI. */
  readonly origin?: string;
}

/** Worker -> Main: the module is loaded and the stored vault (if any) is open. */
export interface ReadyMessage {
  readonly v: 1;
  readonly type: 'ready';
}

/** Worker -> Main: the answer to the request with the same id. */
export type ResponseMessage =
  | { readonly v: 1; readonly type: 'response'; readonly id: number; readonly result: unknown }
  | { readonly v: 1; readonly type: 'response'; readonly id: number; readonly error: RpcErrorData };

/** Worker -> Main: an EIP-1193 provider event caused by a request. */
export interface EventMessage {
  readonly v: 1;
  readonly type: 'event';
  readonly event: WalletEventName;
  readonly data: unknown;
}

/**
 * Worker -> Main: the Worker cannot go on (the module failed to load or trapped, the vault
 * could not be stored). The client treats it like a crash: it rejects what is pending and starts
 * a fresh Worker, which reloads the last stored vault.
 */
export interface FatalMessage {
  readonly v: 1;
  readonly type: 'fatal';
  readonly error: RpcErrorData;
  /**
   * The request that hit the failure, if one did: it is rejected with `error` itself (and gets
   * no separate response), every other pending request with `WorkerCrashedError`. One message,
   * so that by the time any caller sees its rejection the client has already started over.
   */
  readonly id?: number;
}

/** Everything the main thread sends to the Worker. */
export type WorkerInbound = InitMessage | RequestMessage;

/** Everything the Worker sends to the main thread. */
export type WorkerOutbound = ReadyMessage | ResponseMessage | EventMessage | FatalMessage;

/** The part of a `MessageEvent` the protocol reads. */
export interface MessageLike {
  readonly data: unknown;
}

/** Listener shape shared by `Worker`, `MessagePort` and a worker's global scope. */
export type EndpointListener = (event: MessageLike) => void;

/**
 * What the client and the Worker host need from the other side: satisfied by a `Worker`,
 * a `MessagePort` (tests use a `MessageChannel`) and `DedicatedWorkerGlobalScope`.
 */
export interface Endpoint {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'messageerror' | 'error', listener: EndpointListener): void;
  removeEventListener(type: 'message' | 'messageerror' | 'error', listener: EndpointListener): void;
  /** `MessagePort` queues messages until started; a `Worker` has no such method. */
  start?(): void;
}

/** An endpoint the client may shut down: a `Worker` or a test double. */
export interface WorkerLike extends Endpoint {
  terminate(): void;
}

const PROVIDER_EVENTS: ReadonlySet<string> = new Set<ProviderEventName>([
  'accountsChanged',
  'chainChanged',
  'connect',
  'disconnect',
  'message',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isWasmModule(value: unknown): value is WebAssembly.Module {
  return typeof WebAssembly !== 'undefined' && value instanceof WebAssembly.Module;
}

/** Whether `value` is an error in the `{code, message, data?}` shape. */
export function isRpcErrorData(value: unknown): value is RpcErrorData {
  return (
    isRecord(value) &&
    typeof value['code'] === 'number' &&
    Number.isInteger(value['code']) &&
    typeof value['message'] === 'string'
  );
}

/** Whether `name` is an EIP-1193 provider event. */
export function isProviderEventName(name: unknown): name is ProviderEventName {
  return typeof name === 'string' && PROVIDER_EVENTS.has(name);
}

/** Whether `name` is an event the core emits (`isProviderEventName` or a site event). */
export function isWalletEventName(name: unknown): name is WalletEventName {
  return (typeof name === 'string' && SITE_EVENTS.has(name)) || isProviderEventName(name);
}

/**
 * Checks a message received by the Worker. Returns `undefined` for anything that is not a
 * well-formed message of this protocol version, so a stray `postMessage` cannot reach the core.
 */
export function parseWorkerInbound(data: unknown): WorkerInbound | undefined {
  if (!isRecord(data) || data['v'] !== PROTOCOL_VERSION) return undefined;
  switch (data['type']) {
    case 'init': {
      const wasmUrl = data['wasmUrl'];
      const dbName = data['dbName'];
      const module = data['module'];
      if (typeof dbName !== 'string' || dbName === '') return undefined;
      if (wasmUrl !== undefined && typeof wasmUrl !== 'string') return undefined;
      if (module !== undefined && !isWasmModule(module)) return undefined;
      return {
        v: 1,
        type: 'init',
        dbName,
        ...(wasmUrl === undefined ? {} : { wasmUrl }),
        ...(module === undefined ? {} : { module }),
      };
    }
    case 'request': {
      const id = data['id'];
      const method = data['method'];
      const origin = data['origin'];
      if (!isRequestId(id) || typeof method !== 'string') return undefined;
      if (origin !== undefined && typeof origin !== 'string') return undefined;
      const message: RequestMessage = { v: 1, type: 'request', id, method };
      return {
        ...message,
        ...('params' in data && data['params'] !== undefined ? { params: data['params'] } : {}),
        ...(origin === undefined ? {} : { origin }),
      };
    }
    default:
      return undefined;
  }
}

/** Checks a message received by the main thread; `undefined` for anything malformed. */
export function parseWorkerOutbound(data: unknown): WorkerOutbound | undefined {
  if (!isRecord(data) || data['v'] !== PROTOCOL_VERSION) return undefined;
  switch (data['type']) {
    case 'ready':
      return { v: 1, type: 'ready' };
    case 'response': {
      const id = data['id'];
      if (!isRequestId(id)) return undefined;
      if ('error' in data) {
        const error = data['error'];
        return isRpcErrorData(error) ? { v: 1, type: 'response', id, error } : undefined;
      }
      if (!('result' in data)) return undefined;
      return { v: 1, type: 'response', id, result: data['result'] };
    }
    case 'event': {
      const event = data['event'];
      return isWalletEventName(event) ? { v: 1, type: 'event', event, data: data['data'] } : undefined;
    }
    case 'fatal': {
      const error = data['error'];
      const id = data['id'];
      if (!isRpcErrorData(error)) return undefined;
      if (id === undefined) return { v: 1, type: 'fatal', error };
      return isRequestId(id) ? { v: 1, type: 'fatal', error, id } : undefined;
    }
    default:
      return undefined;
  }
}
