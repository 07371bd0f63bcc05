/**
 * The site host: the wallet window's side of the embedded wallet (docs/embedded.md). It runs in
 * the wallet app's page opened as a popup (`index.html?mode=popup&embed=<session>`), next to the
 * Worker that holds the vault, and serves the dapp whose frame it connected to.
 *
 * - It hands a `MessagePort` to the wallet frames in its opener (`window.opener[i]`, target
 *   origin = its own), so it never reads a message a dapp posted: the page holding the vault
 *   has no `message` listener on `window` at all.
 * - Each frame tells it which dapp origin it serves (from the browser, not the dapp). Requests
 *   go to the core with that origin (`client.request(args, {origin})`), where the per-origin
 *   rules of the core decide (docs/protocol.md, "Sites").
 * - A request the core holds for the user's consent (4100 `ConsentRequired`) stays pending
 *   here; `onHeld` tells the app, which shows it and calls `decide`.
 */

import { isSerializedOrigin, type ClientEvent, type RequestArguments, type RequestOptions } from './client.js';
import {
  MAX_PENDING_PER_FRAME,
  envelope,
  isSessionId,
  parseFrameToPopup,
  type FrameToPopup,
  type PopupToFrame,
  type SessionId,
} from './embed-protocol.js';
import type { PortLike } from './embed-frame.js';
import { isRpcErrorData, type RpcErrorData } from './protocol.js';
import { reportListenerError } from './report-error.js';

/** What the host needs from the wallet: `CustodianClient` (or `createCustodian().client`) fits. */
export interface SiteHostClient {
  request(args: RequestArguments, options?: RequestOptions): Promise<unknown>;
  subscribe(listener: (event: ClientEvent) => void): () => void;
}

/** A window the host hands a port to (one of its opener's frames). */
export interface PortTarget {
  postMessage(message: unknown, targetOrigin: string, transfer: unknown[]): void;
}

/** What the host needs from its page; the default is the browser's. Tests pass a simulated one. */
export interface PopupEnvironment {
  /** The wallet's origin (`location.origin`). */
  readonly ownOrigin: string;
  /** The connector session this window was opened for (`?embed=`), or null. */
  readonly session: string | null;
  /** The frames of `window.opener` (index access and `length` work across origins), or null. */
  readonly openerFrames: (() => readonly PortTarget[]) | null;
  /** `new MessageChannel()`. */
  createChannel(): { readonly port1: PortLike; readonly port2: unknown };
  /** Called once when the page goes away. */
  onUnload(callback: () => void): void;
  /** Raises the window (a request needs the user). */
  focus(): void;
}

/** A request held for the user, as `onHeld` reports it. */
export interface HeldRequestInfo {
  readonly requestId: string;
  readonly origin: string;
  readonly consentKind: string;
  readonly method: string;
}

/** Options of `createSiteHost`. */
export interface SiteHostOptions {
  readonly client: SiteHostClient;
  /**
   * A dapp's request waits for the user, or the set of waiting requests changed (one was
   * dropped because its dapp went away): re-read `wallet_listRequests` and show them.
   */
  readonly onHeld?: (held?: HeldRequestInfo) => void;
  /** Replaces the browser (tests). */
  readonly environment?: PopupEnvironment;
  /** How often to look for held requests the core dropped (expired). Default 30 s. */
  readonly sweepIntervalMs?: number;
}

/** What the app does with a held request. */
export type Decision = 'approve' | 'reject';

/** The site host. */
export interface SiteHost {
  /**
   * Tells the core the user's answer and the dapp the outcome. Resolves once the dapp has its
   * answer. Rejects with the core's error when approving failed: if `error.data.kind` is
   * `Locked` the request is still held (unlock, then decide again); otherwise the dapp got the
   * same error. `accounts` (connect requests) limits what the site is given.
   */
  decide(requestId: string, decision: Decision, options?: { readonly accounts?: readonly string[] }): Promise<void>;
  /** The dapp origins connected to this window now. */
  readonly origins: readonly string[];
  /** Stops serving: tells the frames, drops the ports. */
  close(): void;
}

interface Link {
  readonly origin: string;
  readonly session: SessionId;
  port: PortLike;
  inFlight: number;
  /** The granted accounts the dapp was last told about (JSON of `[chain, address]` pairs). */
  snapshot: string;
  /** Bumped by each refresh, so an older answer never overwrites a newer one. */
  refreshes: number;
  closed: boolean;
}

interface Held {
  readonly link: Link;
  readonly id: number;
  readonly method: string;
  deciding: boolean;
}

const OFFER_INTERVAL_MS = 300;
const OFFER_FOR_MS = 20_000;

function browserPopupEnvironment(): PopupEnvironment {
  const opener = window.opener as (Window & { readonly [index: number]: Window }) | null;
  return {
    ownOrigin: location.origin,
    session: new URLSearchParams(location.search).get('embed'),
    openerFrames:
      opener === null
        ? null
        : () => {
            // A cross-origin opener allows `length` and index access, nothing else.
            const frames: PortTarget[] = [];
            try {
              for (let i = 0; i < opener.length; i++) {
                const frame = opener[i];
                if (frame !== undefined) frames.push(frame as unknown as PortTarget);
              }
            } catch {
              // The opener went away or navigated: nothing to offer to.
            }
            return frames;
          },
    createChannel: () => new MessageChannel() as unknown as { port1: PortLike; port2: unknown },
    onUnload(callback) {
      window.addEventListener('pagehide', callback, { once: true });
    },
    focus() {
      window.focus();
    },
  };
}

function rpcError(code: number, kind: string, message: string): RpcErrorData {
  return { code, message, data: { kind } };
}

/** A rejection as plain `{code, message, data?}`, as it crosses to the frame. */
function toRpcError(error: unknown): RpcErrorData {
  if (isRpcErrorData(error)) {
    const { code, message, data } = error;
    return data === undefined ? { code, message } : { code, message, data };
  }
  return rpcError(-32603, 'Internal', 'The wallet could not answer.');
}

function kindOf(error: RpcErrorData): unknown {
  return (error.data as { kind?: unknown } | undefined)?.kind;
}

function accountSnapshot(listed: unknown): { readonly key: string; readonly ethereum: string[] } {
  const pairs: Array<[string, string]> = [];
  if (Array.isArray(listed)) {
    for (const item of listed as unknown[]) {
      const { chain, address } = (item ?? {}) as { chain?: unknown; address?: unknown };
      if (typeof chain === 'string' && typeof address === 'string') pairs.push([chain, address]);
    }
  }
  return { key: JSON.stringify(pairs), ethereum: pairs.filter(([chain]) => chain === 'ethereum').map(([, address]) => address) };
}

const NO_ACCOUNTS = JSON.stringify([]);
const CONNECT_METHODS: ReadonlySet<string> = new Set(['eth_requestAccounts', 'wallet_connect']);

/**
 * Starts the site host in the wallet window. In a page that was not opened by a connector (no
 * opener, no `?embed=`), it serves nothing, and `decide` still answers the core.
 */
export function createSiteHost(options: SiteHostOptions): SiteHost {
  const { client, onHeld } = options;
  if (typeof client?.request !== 'function' || typeof client.subscribe !== 'function') {
    throw new TypeError('client must have request and subscribe methods (a CustodianClient)');
  }
  const env = options.environment ?? browserPopupEnvironment();
  const sweepEvery = options.sweepIntervalMs ?? 30_000;
  const links = new Set<Link>();
  const held = new Map<string, Held>();
  let closed = false;
  let sweepTimer: ReturnType<typeof setInterval> | undefined;

  const notify = (info?: HeldRequestInfo): void => {
    if (onHeld === undefined) return;
    try {
      onHeld(info);
    } catch (error) {
      reportListenerError(error);
    }
  };

  const send = (link: Link, message: PopupToFrame): void => {
    if (link.closed) return;
    link.port.postMessage(envelope(message));
  };
  const respond = (link: Link, id: number, outcome: { result: unknown } | { error: RpcErrorData }): void => {
    link.inFlight = Math.max(0, link.inFlight - 1);
    send(link, 'error' in outcome ? { type: 'response', id, error: outcome.error } : { type: 'response', id, result: outcome.result });
  };

  /** Tells the dapp its accounts if they differ from what it was told last. */
  const refresh = async (link: Link): Promise<void> => {
    link.refreshes += 1;
    const mine = link.refreshes;
    let listed: unknown;
    try {
      listed = await client.request({ method: 'wallet_listAccounts', params: {} }, { origin: link.origin });
    } catch {
      listed = []; // locked, restarting: the site has nothing to use
    }
    if (mine !== link.refreshes || link.closed) return;
    const { key, ethereum } = accountSnapshot(listed);
    if (key === link.snapshot) return;
    link.snapshot = key;
    send(link, { type: 'event', event: 'accountsChanged', data: ethereum });
  };

  const refreshChain = async (): Promise<void> => {
    let chainId: unknown;
    try {
      chainId = await client.request({ method: 'eth_chainId', params: [] });
    } catch {
      return;
    }
    // The frame passes a chainChanged on only when the chain differs from what the dapp knows.
    if (typeof chainId === 'string') for (const link of links) send(link, { type: 'event', event: 'chainChanged', data: chainId });
  };

  const dropHeld = (requestId: string, error: RpcErrorData): void => {
    const entry = held.get(requestId);
    if (entry === undefined) return;
    held.delete(requestId);
    respond(entry.link, entry.id, { error });
  };

  /** Answers the held requests the core no longer holds (expired, dropped by a lock or a revocation). */
  const sweep = async (): Promise<void> => {
    if (held.size === 0) return;
    let listed: unknown;
    try {
      listed = await client.request({ method: 'wallet_listRequests', params: {} });
    } catch {
      return;
    }
    if (!Array.isArray(listed)) return;
    const alive = new Set(
      (listed as unknown[]).map((item) => (item as { requestId?: unknown } | null)?.requestId).filter((id) => typeof id === 'string'),
    );
    for (const [requestId, entry] of [...held]) {
      if (alive.has(requestId) || entry.deciding) continue;
      dropHeld(
        requestId,
        rpcError(4100, 'RequestDropped', 'The wallet dropped the request (it expired, or the wallet was locked) before it was approved.'),
      );
    }
    if (held.size === 0 && sweepTimer !== undefined) {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
    }
  };

  const hold = (link: Link, id: number, method: string, data: { requestId: string; consentKind?: unknown }): void => {
    held.set(data.requestId, { link, id, method, deciding: false });
    sweepTimer ??= setInterval(() => void sweep(), sweepEvery);
    try {
      env.focus();
    } catch {
      // Best effort.
    }
    notify({
      requestId: data.requestId,
      origin: link.origin,
      consentKind: typeof data.consentKind === 'string' ? data.consentKind : 'sign',
      method,
    });
  };

  const onRequest = (link: Link, id: number, method: string, params: unknown): void => {
    if (link.inFlight >= MAX_PENDING_PER_FRAME) {
      send(link, { type: 'response', id, error: rpcError(4100, 'TooManyRequests', 'Too many requests are waiting; try again later.') });
      return;
    }
    link.inFlight += 1;
    const args: RequestArguments = params === undefined ? { method } : { method, params: params as object };
    client.request(args, { origin: link.origin }).then(
      (result) => {
        respond(link, id, { result: result ?? null });
        if (CONNECT_METHODS.has(method)) void refresh(link);
      },
      (reason: unknown) => {
        const error = toRpcError(reason);
        const data = error.data as { requestId?: unknown; consentKind?: unknown } | undefined;
        if (error.code === 4100 && kindOf(error) === 'ConsentRequired' && typeof data?.requestId === 'string') {
          hold(link, id, method, { requestId: data.requestId, consentKind: data.consentKind });
          return;
        }
        respond(link, id, { error });
      },
    );
  };

  /** Nobody waits for `link`'s held requests any more: the core drops them, the app is told. */
  const withdraw = (link: Link): void => {
    let dropped = false;
    for (const [requestId, entry] of [...held]) {
      if (entry.link !== link) continue;
      held.delete(requestId);
      dropped = true;
      void client.request({ method: 'wallet_rejectRequest', params: { requestId } }).catch(() => undefined);
    }
    if (dropped) notify();
  };

  const unlink = (link: Link): void => {
    if (link.closed) return;
    link.closed = true;
    links.delete(link);
    link.port.close();
    withdraw(link); // the dapp is gone
  };

  const adopt = (port: PortLike, origin: string, session: SessionId): void => {
    // The same frame attaching again (a repeated offer): it answered what it had sent over the
    // old port (4900 PopupClosed), so the requests held for it are withdrawn.
    for (const link of links) {
      if (link.session === session && link.origin === origin) {
        link.port.close();
        link.port = port;
        link.inFlight = 0;
        withdraw(link);
        return;
      }
    }
    const link: Link = { origin, session, port, inFlight: 0, snapshot: NO_ACCOUNTS, refreshes: 0, closed: false };
    links.add(link);
    port.addEventListener('message', (event) => {
      if (link.port !== port) return;
      const message = parseFrameToPopup(event.data);
      if (message !== undefined) onLinkMessage(link, message);
    });
    void refresh(link);
    void refreshChain();
  };

  const onLinkMessage = (link: Link, message: FrameToPopup): void => {
    switch (message.type) {
      case 'request':
        onRequest(link, message.id, message.method, message.params);
        return;
      case 'detach':
        unlink(link);
        return;
      case 'attach':
        return; // only the first message of a port means anything
    }
  };

  // Offer a port to each frame of the opener until one of ours (same session) attaches.
  let offerTimer: ReturnType<typeof setInterval> | undefined;
  let offerDeadline: ReturnType<typeof setTimeout> | undefined;
  const stopOffering = (): void => {
    if (offerTimer !== undefined) clearInterval(offerTimer);
    if (offerDeadline !== undefined) clearTimeout(offerDeadline);
    offerTimer = undefined;
    offerDeadline = undefined;
  };
  const session = env.session;
  const openerFrames = env.openerFrames;
  const offer = (): void => {
    if (closed || openerFrames === null || !isSessionId(session)) return;
    for (const frame of openerFrames()) {
      const { port1, port2 } = env.createChannel();
      const onFirst = (event: { readonly data: unknown }): void => {
        const message = parseFrameToPopup(event.data);
        if (message?.type !== 'attach' || message.session !== session || !isSerializedOrigin(message.origin)) return;
        stopOffering();
        adopt(port1, message.origin, message.session);
      };
      port1.addEventListener('message', onFirst);
      port1.start();
      try {
        // Only a document of the wallet's own origin in that frame receives the port.
        frame.postMessage(envelope({ type: 'port', session }), env.ownOrigin, [port2]);
      } catch {
        port1.close();
      }
    }
  };
  if (openerFrames !== null && isSessionId(session)) {
    offer();
    offerTimer = setInterval(offer, OFFER_INTERVAL_MS);
    offerDeadline = setTimeout(stopOffering, OFFER_FOR_MS);
  }

  const unsubscribe = client.subscribe((event: ClientEvent) => {
    if (closed) return;
    if (event.type === 'stopped') {
      // The core that held them is gone.
      for (const requestId of [...held.keys()]) {
        dropHeld(requestId, rpcError(4900, 'WorkerCrashed', 'The wallet restarted before the request was approved; ask again.'));
      }
      return;
    }
    if (event.type === 'ready') {
      for (const link of links) void refresh(link);
      void refreshChain();
      return;
    }
    switch (event.event) {
      case 'accountsChanged':
        // The wallet's own accounts changed (unlocked, locked, added): each site sees its grant.
        for (const link of links) void refresh(link);
        void refreshChain();
        void sweep();
        return;
      case 'chainChanged':
        if (typeof event.data === 'string') for (const link of links) send(link, { type: 'event', event: 'chainChanged', data: event.data });
        return;
      case 'siteUnblocked': {
        const origin = (event.data as { origin?: unknown } | null)?.origin;
        for (const link of links) if (link.origin === origin) void refresh(link);
        return;
      }
      case 'siteBlocked':
      case 'siteRevoked': {
        // Either way the site has nothing to use now; a block also drops what it had waiting.
        const origin = (event.data as { origin?: unknown } | null)?.origin;
        for (const link of links) {
          if (link.origin !== origin) continue;
          link.refreshes += 1;
          link.snapshot = NO_ACCOUNTS;
          send(link, { type: 'event', event: 'accountsChanged', data: [] });
        }
        void sweep();
        return;
      }
      default:
        return; // connect, disconnect, message: about the wallet's own page
    }
  });

  const close = (): void => {
    if (closed) return;
    closed = true;
    stopOffering();
    if (sweepTimer !== undefined) clearInterval(sweepTimer);
    unsubscribe();
    for (const link of [...links]) {
      send(link, { type: 'bye' });
      link.closed = true;
      link.port.close();
    }
    links.clear();
  };
  env.onUnload(close);

  return {
    async decide(requestId, decision, decideOptions = {}) {
      if (typeof requestId !== 'string' || requestId === '') throw new TypeError('requestId must be a non-empty string');
      if (decision !== 'approve' && decision !== 'reject') throw new TypeError("decision must be 'approve' or 'reject'");
      const entry = held.get(requestId);
      if (entry !== undefined) entry.deciding = true;
      try {
        if (decision === 'reject') {
          try {
            await client.request({ method: 'wallet_rejectRequest', params: { requestId } });
          } finally {
            // Whatever the core says, the user said no: the dapp hears it.
            dropHeld(requestId, rpcError(4001, 'UserRejected', 'The user rejected the request.'));
          }
          return;
        }
        const accounts = decideOptions.accounts;
        let result: unknown;
        try {
          result = await client.request({
            method: 'wallet_approveRequest',
            params: accounts === undefined ? { requestId } : { requestId, accounts: [...accounts] },
          });
        } catch (reason) {
          const error = toRpcError(reason);
          if (kindOf(error) !== 'Locked') dropHeld(requestId, error);
          throw reason;
        }
        if (entry !== undefined && held.get(requestId) === entry) {
          held.delete(requestId);
          respond(entry.link, entry.id, { result: result ?? null });
          if (CONNECT_METHODS.has(entry.method)) void refresh(entry.link);
        }
      } finally {
        if (held.get(requestId) === entry && entry !== undefined) entry.deciding = false;
      }
    },
    get origins() {
      return [...new Set([...links].map((link) => link.origin))];
    },
    close,
  };
}
