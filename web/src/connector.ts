/**
 * The connector: what a dapp on another origin adds to its page to use a Custodian wallet served
 * from the wallet's own origin (docs/embedded.md).
 *
 * ```js
 * const { provider } = connectCustodian({ walletUrl: 'https://wallet.example' });
 * await provider.request({ method: 'eth_requestAccounts' }); // from a click: opens the wallet window
 * ```
 *
 * The dapp page gets an EIP-1193 provider (announced with EIP-6963) and a Wallet Standard Solana
 * wallet. Behind them, a hidden frame of the wallet's origin (`embed.html`) is the dapp's only
 * correspondent; it learns the dapp's origin from the browser, and forwards requests to the
 * wallet window (`index.html?mode=popup`), a top-level page of the wallet's origin that holds the
 * Worker, the vault and the approval screen. The dapp's page never holds a key, a vault or a
 * Worker, and every message it exchanges is checked by `event.origin` and `event.source`.
 */

import type { ClientEvent, ClientState, RequestArguments, RequestOptions } from './client.js';
import { isSerializedOrigin } from './client.js';
import { announceProvider, type AnnounceProviderInfo } from './eip6963.js';
import {
  POPUP_METHODS,
  envelope,
  parseFrameToDapp,
  type DappToFrame,
  type FrameToDapp,
  type SessionId,
} from './embed-protocol.js';
import { DisconnectedError, fromRpcErrorData } from './errors.js';
import { CustodianProvider, type EIP1193RequestFn, type ProviderClient } from './provider.js';
import { PendingRequests, badRequestArguments, checkTimeout } from './pending.js';
import { reportListenerError } from './report-error.js';
import { registerSolanaWallet, type CustodianSolanaWallet } from './wallet-standard.js';

/** The part of a `MessageEvent` the connector reads. */
export interface WindowMessageLike {
  readonly data: unknown;
  readonly origin: string;
  readonly source: unknown;
}

/** A window the connector posts to (a frame's `contentWindow`). */
export interface PostTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** The wallet window as the connector sees it (a `WindowProxy` from `window.open`). */
export interface PopupLike {
  readonly closed: boolean;
  focus(): void;
  close(): void;
}

/** The hidden wallet frame. */
export interface FrameLike {
  /** Its `contentWindow` (null before it is attached to the document or after removal). */
  readonly window: PostTarget | null;
  remove(): void;
}

/**
 * What the connector needs from the page; the default is the browser's `window` and
 * `document`. Tests pass a simulated page.
 */
export interface ConnectorEnvironment {
  /** The dapp page's own origin. */
  readonly pageOrigin: string;
  /** Listens to the page's `message` events; returns the unsubscribe function. */
  listen(listener: (event: WindowMessageLike) => void): () => void;
  /** Adds the hidden frame; `onLoad` is called each time it loads. */
  createFrame(src: string, onLoad: () => void): FrameLike;
  /** `window.open`; null when the browser blocked it. */
  openPopup(url: string, name: string, features: string): PopupLike | null;
}

/** Options of `connectCustodian`. */
export interface ConnectOptions {
  /** The wallet's address, e.g. `https://wallet.example` (its origin is what the connector trusts). */
  readonly walletUrl: string | URL;
  /** The frame page, relative to `walletUrl`. Default `/embed.html`. */
  readonly embedPath?: string;
  /** The wallet window, relative to `walletUrl`. Default `/index.html?mode=popup`. */
  readonly popupPath?: string;
  /** `window.open` features of the wallet window. Default a 420x720 popup. */
  readonly popupFeatures?: string;
  /**
   * EIP-6963 announcement: `false` for none, or the info to announce. Default
   * `{name: 'Custodian', rdns: 'dev.custodian.wallet'}`.
   */
  readonly announce?: false | AnnounceProviderInfo;
  /** Registers the Solana wallet with the Wallet Standard. Default true. */
  readonly solana?: boolean;
  /** EIP-1193 provider for node methods (reads); without it they reject with 4200. */
  readonly fallback?: EIP1193RequestFn;
  /** Methods sent to `fallback`; default `NODE_READ_METHODS`. */
  readonly fallbackMethods?: readonly string[];
  /** Milliseconds to wait for each answer; default none (the user may take a while to decide). */
  readonly timeoutMs?: number;
  /** Milliseconds for the frame to answer its first `hello`. Default 15 000. */
  readonly frameTimeoutMs?: number;
  /** Milliseconds for an opened wallet window to connect to the frame. Default 30 000. */
  readonly popupTimeoutMs?: number;
  /** Replaces the browser (tests). */
  readonly environment?: ConnectorEnvironment;
}

/** What `connectCustodian` returns. */
export interface CustodianConnection {
  /** EIP-1193 provider: ethers `new BrowserProvider(provider)`, viem `custom(provider)`. */
  readonly provider: CustodianProvider;
  /** The Wallet Standard Solana wallet, if registered. */
  readonly solana: CustodianSolanaWallet | undefined;
  /** The transport under both. */
  readonly client: EmbedClient;
  /** Resolves once the wallet frame answered; rejects if it cannot be reached. */
  ready(): Promise<void>;
  /** Removes the frame, stops announcing, closes the wallet window; pending requests reject with 4900. */
  disconnect(): void;
}

/** Where the wallet window is, as the connector knows it. */
export type PopupState = 'none' | 'opening' | 'attached';

interface PendingExtra {
  /** Sent while a wallet window was open: lost if it closes. */
  readonly viaPopup: boolean;
}

const HELLO_INTERVAL_MS = 200;
const POPUP_POLL_MS = 250;

function disconnected(kind: string, message: string): DisconnectedError {
  return new DisconnectedError(message, { data: { kind } });
}

function randomSession(): SessionId {
  return crypto.randomUUID();
}

/** The browser as the connector uses it. */
export function browserEnvironment(): ConnectorEnvironment {
  return {
    pageOrigin: location.origin,
    listen(listener) {
      const handler = (event: MessageEvent): void => listener(event);
      window.addEventListener('message', handler);
      return () => window.removeEventListener('message', handler);
    },
    createFrame(src, onLoad) {
      const iframe = document.createElement('iframe');
      // Hidden by attribute rather than by style, so a dapp CSP without 'unsafe-inline' styles works.
      iframe.hidden = true;
      iframe.title = 'Custodian wallet connection';
      iframe.setAttribute('aria-hidden', 'true');
      iframe.tabIndex = -1;
      // No referrerpolicy="no-referrer" here: it would hide this page's origin from the frame's
      // location.ancestorOrigins, which is how the frame learns whom it serves.
      iframe.addEventListener('load', onLoad);
      iframe.src = src;
      (document.body ?? document.documentElement).append(iframe);
      return {
        get window(): PostTarget | null {
          return iframe.contentWindow;
        },
        remove: () => iframe.remove(),
      };
    },
    openPopup(url, name, features) {
      return window.open(url, name, features);
    },
  };
}

function sameOriginUrl(base: URL, path: string, what: string): URL {
  const url = new URL(path, base);
  if (url.origin !== base.origin) throw new TypeError(`${what} must stay on the wallet's origin ${base.origin}`);
  return url;
}

/**
 * The dapp side of the embedded wallet: requests over `postMessage` to the wallet frame, and
 * the wallet window opened when a request needs the user. Used by `connectCustodian`; the
 * provider and the Solana wallet sit on top of it.
 */
export class EmbedClient implements ProviderClient {
  readonly #env: ConnectorEnvironment;
  readonly #walletOrigin: string;
  readonly #popupUrl: string;
  readonly #popupName: string;
  readonly #popupFeatures: string;
  readonly #session: SessionId;
  readonly #timeoutMs: number | undefined;
  readonly #popupTimeoutMs: number;
  readonly #frame: FrameLike;
  readonly #unlisten: () => void;
  readonly #pending = new PendingRequests<PendingExtra>();
  readonly #listeners = new Set<(event: ClientEvent) => void>();
  #readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  /** Messages for the frame until it has answered `hello`. */
  #queue: DappToFrame[] = [];
  #state: ClientState = 'starting';
  #helloTimer: ReturnType<typeof setInterval> | undefined;
  /** Whether the frame has loaded its (wallet) document, so a hello can reach it. */
  #frameLoaded = false;
  #frameTimer: ReturnType<typeof setTimeout> | undefined;
  #popup: PopupLike | null = null;
  #popupState: PopupState = 'none';
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #popupTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ConnectOptions) {
    const env = options.environment ?? browserEnvironment();
    const base = new URL(String(options.walletUrl));
    if (!isSerializedOrigin(base.origin)) throw new TypeError('walletUrl must be an http(s) URL');
    checkTimeout('timeoutMs', options.timeoutMs);
    checkTimeout('frameTimeoutMs', options.frameTimeoutMs);
    checkTimeout('popupTimeoutMs', options.popupTimeoutMs);
    const embedUrl = sameOriginUrl(base, options.embedPath ?? '/embed.html', 'embedPath');
    const popupUrl = sameOriginUrl(base, options.popupPath ?? '/index.html?mode=popup', 'popupPath');
    this.#session = randomSession();
    popupUrl.searchParams.set('embed', this.#session);
    this.#env = env;
    this.#walletOrigin = base.origin;
    this.#popupUrl = popupUrl.href;
    this.#popupName = `custodian-${this.#session}`;
    this.#popupFeatures = options.popupFeatures ?? 'popup,width=420,height=720';
    this.#timeoutMs = options.timeoutMs;
    this.#popupTimeoutMs = options.popupTimeoutMs ?? 30_000;

    this.#unlisten = env.listen((event) => this.#onMessage(event));
    this.#frame = env.createFrame(embedUrl.href, () => {
      this.#frameLoaded = true;
      this.#hello();
    });
    // Hellos wait for the frame's load: before it the frame holds about:blank of this page's
    // origin, and a message to it would only be dropped by the target-origin check (with a
    // console error in the dapp's page). After it they repeat until answered.
    this.#helloTimer = setInterval(() => this.#hello(), HELLO_INTERVAL_MS);
    this.#frameTimer = setTimeout(() => {
      this.#fail(
        disconnected(
          'EmbedUnavailable',
          `The wallet at ${this.#walletOrigin} did not answer: is it running, and does it allow ${env.pageOrigin} to embed it?`,
        ),
      );
    }, options.frameTimeoutMs ?? 15_000);
  }

  /** The wallet's origin. */
  get walletOrigin(): string {
    return this.#walletOrigin;
  }

  /** `starting` until the frame answers, `ready`, `failed` (unreachable) or `terminated`. */
  get state(): ClientState {
    return this.#state;
  }

  /** Whether a wallet window is open, and connected. */
  get popupState(): PopupState {
    return this.#popupState;
  }

  /** Number of requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Sends one request. A method that needs the user (`POPUP_METHODS`) opens the wallet window
   * first if none is open, so call it from a click. `options.origin` is ignored: the wallet
   * learns the dapp's origin from the browser, never from the dapp.
   */
  request(args: RequestArguments, options: RequestOptions = {}): Promise<unknown> {
    const invalid = badRequestArguments(args);
    if (invalid !== undefined) return Promise.reject(invalid);
    const { method, params } = args;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    try {
      checkTimeout('options.timeoutMs', timeoutMs);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#state === 'terminated') return Promise.reject(disconnected('Disconnected', 'The wallet connection was closed.'));
    if (this.#state === 'failed') {
      return Promise.reject(disconnected('EmbedUnavailable', `The wallet at ${this.#walletOrigin} could not be reached.`));
    }

    if (POPUP_METHODS.has(method)) {
      // Synchronously inside the caller's click: after an await the browser may refuse.
      if (this.#popupState === 'none' && !this.#openPopup()) {
        return Promise.reject(
          disconnected('PopupBlocked', 'The browser blocked the wallet window: call this from a click, or allow pop-ups for this site.'),
        );
      }
      this.#focusPopup();
    }

    const viaPopup = this.#popupState !== 'none';
    return this.#pending.add(timeoutMs, { viaPopup }, (id) =>
      this.#send(params === undefined ? { type: 'request', id, method } : { type: 'request', id, method, params }),
    );
  }

  /** Resolves once the frame has answered; rejects if it cannot be reached. */
  ready(): Promise<void> {
    if (this.#state === 'ready') return Promise.resolve();
    if (this.#state === 'failed') {
      return Promise.reject(disconnected('EmbedUnavailable', `The wallet at ${this.#walletOrigin} could not be reached.`));
    }
    if (this.#state === 'terminated') return Promise.reject(disconnected('Disconnected', 'The wallet connection was closed.'));
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  /** Listens to provider events and lifecycle changes; returns the unsubscribe function. */
  subscribe(listener: (event: ClientEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Removes the frame and closes the wallet window; pending and later requests reject with 4900. */
  terminate(): void {
    if (this.#state === 'terminated') return;
    const error = disconnected('Disconnected', 'The wallet connection was closed.');
    this.#stopStarting();
    this.#state = 'terminated';
    const popup = this.#popup;
    this.#forgetPopup();
    try {
      popup?.close();
    } catch {
      // Already gone.
    }
    this.#unlisten();
    this.#frame.remove();
    this.#pending.rejectAll(error);
    this.#failReadyWaiters(error);
    this.#emit({ type: 'stopped', error });
  }

  #hello(): void {
    if (this.#state !== 'starting' || !this.#frameLoaded) return;
    this.#post({ type: 'hello', session: this.#session });
  }

  #post(message: DappToFrame): void {
    const target = this.#frame.window;
    if (target === null) return;
    // Only a document of the wallet's origin in that frame receives it; never '*'.
    target.postMessage(envelope(message), this.#walletOrigin);
  }

  #send(message: DappToFrame): void {
    if (this.#state === 'ready') this.#post(message);
    else this.#queue.push(message);
  }

  #onMessage(event: WindowMessageLike): void {
    if (this.#state === 'terminated' || this.#state === 'failed') return;
    // From our frame's window, while it holds a document of the wallet's origin: nothing else.
    const frameWindow = this.#frame.window;
    if (frameWindow === null || event.source !== frameWindow || event.origin !== this.#walletOrigin) return;
    const message = parseFrameToDapp(event.data);
    if (message !== undefined) this.#onFrameMessage(message);
  }

  #onFrameMessage(message: FrameToDapp): void {
    switch (message.type) {
      case 'ready': {
        if (this.#state !== 'starting') return;
        this.#stopStarting();
        this.#state = 'ready';
        const queued = this.#queue;
        this.#queue = [];
        for (const item of queued) this.#post(item);
        const waiters = this.#readyWaiters;
        this.#readyWaiters = [];
        for (const waiter of waiters) waiter.resolve();
        this.#emit({ type: 'ready' });
        return;
      }
      case 'response': {
        const pending = this.#pending.settle(message.id);
        if (pending === undefined) return;
        if ('error' in message) pending.reject(fromRpcErrorData(message.error));
        else pending.resolve(message.result);
        return;
      }
      case 'event':
        this.#emit({ type: 'event', event: message.event, data: message.data });
        return;
      case 'popup':
        if (message.state === 'attached') {
          if (this.#popupState === 'none') return; // a window we stopped waiting for
          this.#popupState = 'attached';
          this.#clearPopupTimer();
        } else if (this.#popupState === 'attached') {
          // The wallet page went away (reloaded, navigated) but the window may come back.
          this.#popupState = 'opening';
          this.#startPopupTimer();
        }
        return;
    }
  }

  #openPopup(): boolean {
    let popup: PopupLike | null;
    try {
      popup = this.#env.openPopup(this.#popupUrl, this.#popupName, this.#popupFeatures);
    } catch {
      popup = null;
    }
    if (popup === null) return false;
    this.#popup = popup;
    this.#popupState = 'opening';
    this.#send({ type: 'popup', state: 'opened' });
    this.#pollTimer = setInterval(() => {
      if (this.#popup?.closed === true) {
        this.#popupGone(disconnected('PopupClosed', 'The wallet window was closed before it answered.'));
      }
    }, POPUP_POLL_MS);
    this.#startPopupTimer();
    return true;
  }

  #focusPopup(): void {
    try {
      this.#popup?.focus();
    } catch {
      // Best effort: the browser decides whether a window may be raised.
    }
  }

  #startPopupTimer(): void {
    this.#clearPopupTimer();
    this.#popupTimer = setTimeout(() => {
      this.#popupGone(disconnected('PopupUnresponsive', 'The wallet window did not connect in time.'));
    }, this.#popupTimeoutMs);
  }

  #clearPopupTimer(): void {
    if (this.#popupTimer !== undefined) clearTimeout(this.#popupTimer);
    this.#popupTimer = undefined;
  }

  /** The window closed or never connected: what was sent through it will not be answered. */
  #popupGone(error: DisconnectedError): void {
    if (this.#popupState === 'none') return;
    this.#forgetPopup();
    this.#send({ type: 'popup', state: 'closed' });
    this.#pending.rejectWhere((pending) => pending.viaPopup, error);
  }

  #forgetPopup(): void {
    if (this.#pollTimer !== undefined) clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    this.#clearPopupTimer();
    this.#popup = null;
    this.#popupState = 'none';
  }

  #stopStarting(): void {
    if (this.#helloTimer !== undefined) clearInterval(this.#helloTimer);
    if (this.#frameTimer !== undefined) clearTimeout(this.#frameTimer);
    this.#helloTimer = undefined;
    this.#frameTimer = undefined;
  }

  #fail(error: DisconnectedError): void {
    if (this.#state !== 'starting') return;
    this.#stopStarting();
    this.#state = 'failed';
    this.#queue = [];
    const popup = this.#popup;
    this.#forgetPopup();
    try {
      popup?.close();
    } catch {
      // Already gone.
    }
    this.#pending.rejectAll(error);
    this.#failReadyWaiters(error);
    this.#emit({ type: 'stopped', error });
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

/** Custodian's default EIP-6963 info. */
export const CUSTODIAN_PROVIDER_INFO: AnnounceProviderInfo = Object.freeze({ name: 'Custodian', rdns: 'dev.custodian.wallet' });

/**
 * Connects the page to the Custodian wallet at `walletUrl`: adds the hidden wallet frame,
 * returns the EIP-1193 provider, announces it (EIP-6963) and registers the Solana wallet
 * (Wallet Standard). Call `provider.request({method: 'eth_requestAccounts'})` from a click:
 * it opens the wallet window, where the user unlocks and approves.
 */
export function connectCustodian(options: ConnectOptions): CustodianConnection {
  if (typeof options !== 'object' || options === null) throw new TypeError('options.walletUrl is required');
  const client = new EmbedClient(options);
  let provider: CustodianProvider;
  let stopAnnouncing = (): void => undefined;
  let solana: { readonly wallet: CustodianSolanaWallet; readonly unregister: () => void } | undefined;
  try {
    provider = new CustodianProvider(client, {
      ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
      ...(options.fallbackMethods === undefined ? {} : { fallbackMethods: options.fallbackMethods }),
    });
    if (options.announce !== false) stopAnnouncing = announceProvider(provider, options.announce ?? CUSTODIAN_PROVIDER_INFO);
    if (options.solana !== false) solana = registerSolanaWallet(client);
  } catch (error) {
    client.terminate();
    throw error;
  }
  return {
    provider,
    solana: solana?.wallet,
    client,
    ready: () => client.ready(),
    disconnect: () => {
      stopAnnouncing();
      solana?.unregister();
      provider.detach();
      client.terminate();
    },
  };
}
