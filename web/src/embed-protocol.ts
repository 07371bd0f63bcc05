/**
 * The messages of the embedded wallet (docs/embedded.md): a dapp page on one origin, the
 * wallet's hidden frame (`embed.html`) and the wallet's popup window on another.
 *
 * ```
 * dapp page (connector)  --window.postMessage-->  wallet frame  --MessagePort-->  wallet popup (Worker, vault)
 * ```
 *
 * Every message is an object `{channel: "custodian-embed", v: 1, type, ...}` with exactly the
 * fields its type lists: a message with any other field (an `origin` a dapp wrote itself, say)
 * is ignored as a whole. Who sent a window message is never read from the message: the
 * receiver checks `event.origin` and `event.source` before parsing.
 */

import { isProviderEventName, isRpcErrorData, type ProviderEventName, type RpcErrorData } from './protocol.js';

/** Tags every embed message, so other `postMessage` traffic on a page is told apart. */
export const EMBED_CHANNEL = 'custodian-embed';
/** Version of the embed messages. */
export const EMBED_VERSION = 1;

/** Largest `params` a dapp may send, as JSON text (a batch of Solana transactions fits easily). */
export const MAX_PARAMS_BYTES: number = 1024 * 1024;
/** Requests one frame keeps in flight at once; more are refused (4100 `TooManyRequests`). */
export const MAX_PENDING_PER_FRAME = 32;

/** A connector session: random, chosen by the connector; routes the popup's port to its frame. */
export type SessionId = string;

/** Dapp -> frame. */
export type DappToFrame =
  /** The connector is listening; the frame answers `ready`. Repeated until it does. */
  | { readonly type: 'hello'; readonly session: SessionId }
  /** One EIP-1193 request. */
  | { readonly type: 'request'; readonly id: number; readonly method: string; readonly params?: unknown }
  /** The connector opened the wallet window (the frame waits for its port) or saw it close. */
  | { readonly type: 'popup'; readonly state: 'opened' | 'closed' };

/** Frame -> dapp. */
export type FrameToDapp =
  | { readonly type: 'ready'; readonly chainId: string }
  | { readonly type: 'response'; readonly id: number; readonly result: unknown }
  | { readonly type: 'response'; readonly id: number; readonly error: RpcErrorData }
  | { readonly type: 'event'; readonly event: ProviderEventName; readonly data: unknown }
  /** The wallet window connected to the frame, or went away. */
  | { readonly type: 'popup'; readonly state: 'attached' | 'detached' };

/** Popup -> frame, as a window message carrying one `MessagePort`. */
export interface PortOffer {
  readonly type: 'port';
  readonly session: SessionId;
}

/** Frame -> popup, over the port. */
export type FrameToPopup =
  /** First message on the port: the dapp origin this frame serves (from the browser, not the dapp). */
  | { readonly type: 'attach'; readonly origin: string; readonly session: SessionId }
  | { readonly type: 'request'; readonly id: number; readonly method: string; readonly params?: unknown }
  /** The frame is going away (the dapp page unloads). */
  | { readonly type: 'detach' };

/** Popup -> frame, over the port. */
export type PopupToFrame =
  | { readonly type: 'response'; readonly id: number; readonly result: unknown }
  | { readonly type: 'response'; readonly id: number; readonly error: RpcErrorData }
  | { readonly type: 'event'; readonly event: ProviderEventName; readonly data: unknown }
  /** The popup page is unloading: everything in flight is lost. */
  | { readonly type: 'bye' };

/** Adds the envelope fields. */
export function envelope<M extends { readonly type: string }>(message: M): M & { channel: string; v: number } {
  return { channel: EMBED_CHANNEL, v: EMBED_VERSION, ...message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The message's fields without the envelope, if `data` is an embed message of this version
 * whose fields are all among `type`'s `required` and `optional` ones and include every required
 * one; `undefined` otherwise.
 */
function fields(
  data: unknown,
  shapes: Readonly<Record<string, { readonly required: readonly string[]; readonly optional?: readonly string[] }>>,
): Record<string, unknown> | undefined {
  if (!isRecord(data) || data['channel'] !== EMBED_CHANNEL || data['v'] !== EMBED_VERSION) return undefined;
  const type = data['type'];
  if (typeof type !== 'string' || !Object.hasOwn(shapes, type)) return undefined;
  const shape = shapes[type];
  if (shape === undefined) return undefined;
  const allowed = new Set(['channel', 'v', 'type', ...shape.required, ...(shape.optional ?? [])]);
  for (const key of Object.keys(data)) if (!allowed.has(key)) return undefined;
  for (const key of shape.required) if (!Object.hasOwn(data, key)) return undefined;
  return data;
}

const SESSION = /^[A-Za-z0-9-]{16,64}$/;
// Method names of docs/protocol.md and EIP-1193 are short identifiers.
const METHOD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** Whether `value` can be a session id. */
export function isSessionId(value: unknown): value is SessionId {
  return typeof value === 'string' && SESSION.test(value);
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isMethod(value: unknown): value is string {
  return typeof value === 'string' && METHOD.test(value);
}

function isParams(value: unknown): boolean {
  return value === undefined || (typeof value === 'object' && value !== null);
}

const DAPP_TO_FRAME = {
  hello: { required: ['session'] },
  request: { required: ['id', 'method'], optional: ['params'] },
  popup: { required: ['state'] },
} as const;

/** Checks a message the frame received from its parent (after checking origin and source). */
export function parseDappToFrame(data: unknown): DappToFrame | undefined {
  const m = fields(data, DAPP_TO_FRAME);
  if (m === undefined) return undefined;
  switch (m['type']) {
    case 'hello':
      return isSessionId(m['session']) ? { type: 'hello', session: m['session'] } : undefined;
    case 'request': {
      const { id, method, params } = m;
      if (!isRequestId(id) || !isMethod(method) || !isParams(params)) return undefined;
      return params === undefined ? { type: 'request', id, method } : { type: 'request', id, method, params };
    }
    case 'popup':
      return m['state'] === 'opened' || m['state'] === 'closed' ? { type: 'popup', state: m['state'] } : undefined;
    default:
      return undefined;
  }
}

const RESPONSE_AND_EVENT = {
  response: { required: ['id'], optional: ['result', 'error'] },
  event: { required: ['event'], optional: ['data'] },
} as const;

function parseResponseOrEvent(m: Record<string, unknown>): FrameToDapp | PopupToFrame | undefined {
  if (m['type'] === 'response') {
    const id = m['id'];
    if (!isRequestId(id)) return undefined;
    const hasError = Object.hasOwn(m, 'error');
    if (hasError === Object.hasOwn(m, 'result')) return undefined; // exactly one of the two
    if (hasError) return isRpcErrorData(m['error']) ? { type: 'response', id, error: m['error'] } : undefined;
    return { type: 'response', id, result: m['result'] };
  }
  if (m['type'] === 'event') {
    const event = m['event'];
    return isProviderEventName(event) ? { type: 'event', event, data: m['data'] } : undefined;
  }
  return undefined;
}

const FRAME_TO_DAPP = {
  ...RESPONSE_AND_EVENT,
  ready: { required: ['chainId'] },
  popup: { required: ['state'] },
} as const;

/** Checks a message the connector received from the frame (after checking origin and source). */
export function parseFrameToDapp(data: unknown): FrameToDapp | undefined {
  const m = fields(data, FRAME_TO_DAPP);
  if (m === undefined) return undefined;
  switch (m['type']) {
    case 'ready':
      return typeof m['chainId'] === 'string' ? { type: 'ready', chainId: m['chainId'] } : undefined;
    case 'popup':
      return m['state'] === 'attached' || m['state'] === 'detached' ? { type: 'popup', state: m['state'] } : undefined;
    default:
      return parseResponseOrEvent(m) as FrameToDapp | undefined;
  }
}

const PORT_OFFER = { port: { required: ['session'] } } as const;

/** Checks the window message a popup sends to hand the frame its port. */
export function parsePortOffer(data: unknown): PortOffer | undefined {
  const m = fields(data, PORT_OFFER);
  return m !== undefined && isSessionId(m['session']) ? { type: 'port', session: m['session'] } : undefined;
}

const FRAME_TO_POPUP = {
  attach: { required: ['origin', 'session'] },
  request: { required: ['id', 'method'], optional: ['params'] },
  detach: { required: [] },
} as const;

/** Checks a message the popup received on a frame's port. */
export function parseFrameToPopup(data: unknown): FrameToPopup | undefined {
  const m = fields(data, FRAME_TO_POPUP);
  if (m === undefined) return undefined;
  switch (m['type']) {
    case 'attach': {
      const { origin, session } = m;
      return typeof origin === 'string' && isSessionId(session) ? { type: 'attach', origin, session } : undefined;
    }
    case 'request': {
      const { id, method, params } = m;
      if (!isRequestId(id) || !isMethod(method) || !isParams(params)) return undefined;
      return params === undefined ? { type: 'request', id, method } : { type: 'request', id, method, params };
    }
    case 'detach':
      return { type: 'detach' };
    default:
      return undefined;
  }
}

const POPUP_TO_FRAME = { ...RESPONSE_AND_EVENT, bye: { required: [] } } as const;

/** Checks a message the frame received on the popup's port. */
export function parsePopupToFrame(data: unknown): PopupToFrame | undefined {
  const m = fields(data, POPUP_TO_FRAME);
  if (m === undefined) return undefined;
  if (m['type'] === 'bye') return { type: 'bye' };
  return parseResponseOrEvent(m) as PopupToFrame | undefined;
}

/**
 * `params` as plain JSON, or an error to answer with: the dapp's structured-clone data may hold
 * things JSON has no word for (a `Map`, a cycle, a `BigInt`), and the core reads JSON only.
 * Normalising here means the popup, which holds the vault, only ever sees JSON.
 */
export function jsonParams(params: unknown): { readonly params: unknown } | { readonly error: RpcErrorData } {
  if (params === undefined) return { params: undefined };
  let text: string;
  try {
    text = JSON.stringify(params);
  } catch {
    return { error: { code: -32602, message: 'params must be plain JSON', data: { kind: 'InvalidParams' } } };
  }
  // A UTF-16 unit is at least one UTF-8 byte, so the cheap test first; bytes are what is bounded.
  if (text.length > MAX_PARAMS_BYTES || new TextEncoder().encode(text).length > MAX_PARAMS_BYTES) {
    return { error: { code: -32602, message: `params are larger than ${MAX_PARAMS_BYTES} bytes`, data: { kind: 'InvalidParams' } } };
  }
  return { params: JSON.parse(text) as unknown };
}

/**
 * Methods that need the wallet window: asking for accounts (consent), signing, switching the
 * chain. The connector opens the window for them, inside the dapp's click (`request()` is
 * called synchronously from it), because browsers block `window.open` without a user gesture.
 */
export const POPUP_METHODS: ReadonlySet<string> = new Set([
  'eth_requestAccounts',
  'wallet_connect',
  'personal_sign',
  'eth_signTypedData_v4',
  'eth_signTransaction',
  'wallet_signAuthorization',
  'wallet_switchEthereumChain',
  'solana_signTransaction',
  'solana_signAllTransactions',
  'solana_signMessage',
  'solana_signIn',
]);
