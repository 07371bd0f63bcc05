/**
 * The wallet's hidden frame (`www/embed.html`), inside a dapp's page: the dapp's only
 * correspondent (docs/embedded.md).
 *
 * - It serves exactly one dapp origin, its parent's, as the browser reports it
 *   (`location.ancestorOrigins[0]`, or the first `hello`'s `event.origin` where that list does
 *   not exist), and accepts messages only from `window.parent` with that origin.
 * - It holds no key, no vault, no Worker. Its storage would be partitioned under the dapp's
 *   site anyway, so it cannot see the user's vault: it answers what needs none (`eth_chainId`,
 *   and no accounts while the wallet window is closed) and forwards the rest, as plain JSON,
 *   to the wallet window over a `MessagePort` that window handed it.
 * - The origin it attaches to every forwarded request is its own pinned one; a dapp cannot
 *   name another (messages with fields other than the listed ones are dropped).
 */

import { isSerializedOrigin } from './client.js';
import {
  MAX_PENDING_PER_FRAME,
  envelope,
  jsonParams,
  parseDappToFrame,
  parsePopupToFrame,
  parsePortOffer,
  type DappToFrame,
  type FrameToDapp,
  type FrameToPopup,
  type PopupToFrame,
  type SessionId,
} from './embed-protocol.js';
import type { RpcErrorData } from './protocol.js';

/** The part of a window `MessageEvent` the frame reads. */
export interface FrameMessageLike {
  readonly data: unknown;
  readonly origin: string;
  readonly source: unknown;
  readonly ports: readonly PortLike[];
}

/** A `MessagePort`. */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  start(): void;
  close(): void;
}

/** What the frame needs from its page; the default is the browser's. Tests pass a simulated one. */
export interface FrameEnvironment {
  /** The wallet's origin (`location.origin`). */
  readonly ownOrigin: string;
  /** `window.parent`, or null when the page is not in a frame. */
  readonly parent: { postMessage(message: unknown, targetOrigin: string): void } | null;
  /** `location.ancestorOrigins` as an array, or undefined where the browser has none. */
  readonly ancestorOrigins: readonly string[] | undefined;
  listen(listener: (event: FrameMessageLike) => void): () => void;
  /** Called once when the page goes away. */
  onUnload(callback: () => void): void;
}

/** A running frame. */
export interface EmbedFrame {
  /** The dapp origin it serves, once known. */
  readonly dappOrigin: string | undefined;
  /** Whether a wallet window is attached. */
  readonly attached: boolean;
  close(): void;
}

function browserFrameEnvironment(): FrameEnvironment {
  const framed = window.parent !== window;
  const ancestors = (location as Location & { ancestorOrigins?: DOMStringList }).ancestorOrigins;
  return {
    ownOrigin: location.origin,
    parent: framed ? window.parent : null,
    ancestorOrigins: ancestors === undefined ? undefined : Array.from(ancestors),
    listen(listener) {
      const handler = (event: MessageEvent): void => listener(event);
      window.addEventListener('message', handler);
      return () => window.removeEventListener('message', handler);
    },
    onUnload(callback) {
      window.addEventListener('pagehide', callback, { once: true });
    },
  };
}

const DEFAULT_CHAIN = '0x1';

function rpcError(code: number, kind: string, message: string): RpcErrorData {
  return { code, message, data: { kind } };
}

const POPUP_CLOSED = rpcError(4900, 'PopupClosed', 'The wallet window was closed before it answered.');

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Starts the frame. Returns undefined (and does nothing) when the page is not in a frame. */
export function serveEmbedFrame(environment?: FrameEnvironment): EmbedFrame | undefined {
  const env = environment ?? browserFrameEnvironment();
  const parent = env.parent;
  if (parent === null) return undefined;

  // The browser's word for who embeds us; the dapp cannot forge it.
  const ancestor = env.ancestorOrigins?.[0];
  let dappOrigin: string | undefined = ancestor !== undefined && isSerializedOrigin(ancestor) ? ancestor : undefined;
  const pinnedByBrowser = dappOrigin !== undefined;
  let session: SessionId | undefined;
  let chainId = DEFAULT_CHAIN;
  let accounts: readonly string[] = [];
  let popupExpected = false;
  let port: PortLike | undefined;
  let nextId = 1;
  /** Forwarded to the wallet window: our id -> the dapp's id and method. */
  const inFlight = new Map<number, { readonly dappId: number; readonly method: string }>();
  /** Waiting for the wallet window to attach. */
  let queue: Array<{ readonly dappId: number; readonly method: string; readonly params: unknown }> = [];
  let closed = false;

  const toDapp = (message: FrameToDapp): void => {
    if (dappOrigin === undefined || closed) return;
    parent.postMessage(envelope(message), dappOrigin);
  };
  const toPopup = (message: FrameToPopup): void => {
    port?.postMessage(envelope(message));
  };
  const answer = (dappId: number, error: RpcErrorData): void => toDapp({ type: 'response', id: dappId, error });

  const setAccounts = (next: readonly string[], emit: boolean): void => {
    const changed = next.length !== accounts.length || next.some((a, i) => a !== accounts[i]);
    accounts = [...next];
    if (emit && changed) toDapp({ type: 'event', event: 'accountsChanged', data: [...next] });
  };

  const forward = (dappId: number, method: string, params: unknown): void => {
    const id = nextId;
    nextId += 1;
    inFlight.set(id, { dappId, method });
    toPopup(params === undefined ? { type: 'request', id, method } : { type: 'request', id, method, params });
  };

  /** What the frame answers itself while no wallet window is attached. */
  const answerLocally = (dappId: number, method: string): void => {
    switch (method) {
      case 'eth_chainId':
        toDapp({ type: 'response', id: dappId, result: chainId });
        return;
      case 'eth_accounts':
      case 'wallet_listAccounts':
        // The vault is only open in the wallet window: with it closed, the site has no accounts.
        toDapp({ type: 'response', id: dappId, result: [] });
        return;
      default:
        answer(dappId, rpcError(4900, 'WalletClosed', 'The wallet window is not open: ask for accounts from a click to open it.'));
    }
  };

  /** The wallet window went away: what it was asked will not be answered. */
  const detach = (notifyPopup: boolean): void => {
    if (port !== undefined) {
      if (notifyPopup) toPopup({ type: 'detach' });
      port.close();
      port = undefined;
      toDapp({ type: 'popup', state: 'detached' });
    }
    const lost = [...inFlight.values()];
    inFlight.clear();
    for (const { dappId } of lost) answer(dappId, POPUP_CLOSED);
    setAccounts([], true);
  };

  const onDappMessage = (message: DappToFrame): void => {
    switch (message.type) {
      case 'hello':
        session ??= message.session;
        if (message.session === session) toDapp({ type: 'ready', chainId });
        return;
      case 'popup':
        if (message.state === 'opened') {
          popupExpected = true;
          return;
        }
        popupExpected = false;
        detach(true);
        for (const { dappId } of queue.splice(0)) answer(dappId, POPUP_CLOSED);
        return;
      case 'request': {
        if (session === undefined) return; // no hello yet: not our connector's session
        if (inFlight.size + queue.length >= MAX_PENDING_PER_FRAME) {
          answer(message.id, rpcError(4100, 'TooManyRequests', 'Too many requests are waiting; try again later.'));
          return;
        }
        const checked = jsonParams(message.params);
        if ('error' in checked) {
          answer(message.id, checked.error);
          return;
        }
        if (port !== undefined) forward(message.id, message.method, checked.params);
        else if (popupExpected) queue.push({ dappId: message.id, method: message.method, params: checked.params });
        else answerLocally(message.id, message.method);
        return;
      }
    }
  };

  const onPopupMessage = (from: PortLike, message: PopupToFrame): void => {
    if (from !== port) return;
    switch (message.type) {
      case 'bye':
        detach(false);
        return;
      case 'event':
        if (message.event === 'chainChanged') {
          if (typeof message.data !== 'string' || message.data === chainId) return;
          chainId = message.data;
        } else if (message.event === 'accountsChanged') {
          if (!isStringArray(message.data)) return;
          accounts = [...message.data];
        }
        toDapp({ type: 'event', event: message.event, data: message.data });
        return;
      case 'response': {
        const sent = inFlight.get(message.id);
        if (sent === undefined) return;
        inFlight.delete(message.id);
        if ('error' in message) {
          answer(sent.dappId, message.error);
          return;
        }
        if (sent.method === 'eth_chainId' && typeof message.result === 'string') chainId = message.result;
        if ((sent.method === 'eth_accounts' || sent.method === 'eth_requestAccounts') && isStringArray(message.result)) {
          accounts = [...message.result];
        }
        toDapp({ type: 'response', id: sent.dappId, result: message.result });
        return;
      }
    }
  };

  const attach = (offered: PortLike): void => {
    if (dappOrigin === undefined || session === undefined || !popupExpected) {
      offered.close();
      return;
    }
    // A newer wallet page (the window reloaded, or a repeated offer) replaces the older one.
    if (port !== undefined) detach(true);
    port = offered;
    offered.addEventListener('message', (event) => {
      const message = parsePopupToFrame(event.data);
      if (message !== undefined) onPopupMessage(offered, message);
    });
    offered.start();
    toPopup({ type: 'attach', origin: dappOrigin, session });
    toDapp({ type: 'popup', state: 'attached' });
    for (const { dappId, method, params } of queue.splice(0)) forward(dappId, method, params);
  };

  const unlisten = env.listen((event) => {
    if (closed) return;
    if (event.source === parent) {
      if (dappOrigin === undefined && !pinnedByBrowser) {
        // No ancestorOrigins (Firefox): the first hello from the parent names it.
        if (!isSerializedOrigin(event.origin) || parseDappToFrame(event.data)?.type !== 'hello') return;
        dappOrigin = event.origin;
      }
      if (event.origin !== dappOrigin) return;
      const message = parseDappToFrame(event.data);
      if (message !== undefined) onDappMessage(message);
      return;
    }
    // A wallet window of our own origin handing over its port. Any other sender is ignored.
    if (event.origin !== env.ownOrigin || event.ports.length !== 1) return;
    const offer = parsePortOffer(event.data);
    const [offered] = event.ports;
    if (offer === undefined || offered === undefined) return;
    if (offer.session !== session) {
      offered.close(); // another connector's window
      return;
    }
    attach(offered);
  });

  const close = (): void => {
    if (closed) return;
    if (port !== undefined) toPopup({ type: 'detach' });
    port?.close();
    port = undefined;
    closed = true;
    unlisten();
  };
  env.onUnload(close);

  return {
    get dappOrigin() {
      return dappOrigin;
    },
    get attached() {
      return port !== undefined;
    },
    close,
  };
}
