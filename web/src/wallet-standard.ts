/**
 * Wallet Standard: Custodian as a Solana wallet that dapps discover with `getWallets()`
 * (`@wallet-standard/app`) and drive through `standard:connect`, `standard:disconnect`,
 * `standard:events`, `solana:signTransaction`, `solana:signMessage` and `solana:signIn`.
 *
 * The registration protocol is two window events (`wallet-standard:register-wallet` from the
 * wallet, `wallet-standard:app-ready` from the app, each carrying a callback or the app's
 * `{register}`), so it is written here rather than imported: the package keeps zero runtime
 * dependencies. The types below mirror `@wallet-standard/base` and
 * `@solana/wallet-standard-features` structurally (test/types/consumer.ts checks that they
 * are assignable), so no types package is needed either.
 *
 * `solana:signAndSendTransaction` is deliberately absent: Custodian makes no network calls.
 */

import { isSerializedOrigin, type ClientEvent, type RequestArguments, type RequestOptions } from './client.js';
import { CUSTODIAN_ICON } from './eip6963.js';
import { InvalidParamsError, UnauthorizedError } from './errors.js';

/** `${namespace}:${reference}`, e.g. `solana:mainnet` or `standard:connect`. */
export type IdentifierString = `${string}:${string}`;

/** A data URI icon, as the Wallet Standard requires. */
export type WalletIcon = `data:image/${'svg+xml' | 'webp' | 'png' | 'gif'};base64,${string}`;

/** The Solana clusters Custodian signs for (a transaction is the same bytes on each). */
export const SOLANA_CHAINS: readonly ['solana:mainnet', 'solana:devnet', 'solana:testnet'] = Object.freeze([
  'solana:mainnet',
  'solana:devnet',
  'solana:testnet',
] as const);

/** One of `SOLANA_CHAINS`. */
export type SolanaChain = (typeof SOLANA_CHAINS)[number];

/** The account features every Custodian Solana account supports. */
export const SOLANA_ACCOUNT_FEATURES: readonly ['solana:signTransaction', 'solana:signMessage', 'solana:signIn'] =
  Object.freeze(['solana:signTransaction', 'solana:signMessage', 'solana:signIn'] as const);

/** A `Uint8Array` without its mutating methods (`ReadonlyUint8Array` of `@wallet-standard/base`). */
export interface ReadonlyUint8Array extends Omit<Uint8Array, 'copyWithin' | 'fill' | 'reverse' | 'set' | 'sort'> {
  readonly [n: number]: number;
}

/** `WalletAccount` of `@wallet-standard/base`. */
export interface WalletAccount {
  readonly address: string;
  readonly publicKey: ReadonlyUint8Array;
  readonly chains: readonly IdentifierString[];
  readonly features: readonly IdentifierString[];
  readonly label?: string;
  readonly icon?: WalletIcon;
}

/** `standard:events` `change` payload: what changed. */
export interface WalletChangeProperties {
  readonly chains?: readonly IdentifierString[];
  readonly features?: Readonly<Record<IdentifierString, unknown>>;
  readonly accounts?: readonly WalletAccount[];
}

/** `SolanaSignTransactionInput`. */
export interface SolanaSignTransactionInput {
  readonly account: WalletAccount;
  readonly transaction: Uint8Array;
  readonly chain?: IdentifierString;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** `SolanaSignTransactionOutput`. */
export interface SolanaSignTransactionOutput {
  readonly signedTransaction: Uint8Array;
}

/** `SolanaSignMessageInput`. */
export interface SolanaSignMessageInput {
  readonly account: WalletAccount;
  readonly message: Uint8Array;
}

/** `SolanaSignMessageOutput`. */
export interface SolanaSignMessageOutput {
  readonly signedMessage: Uint8Array;
  readonly signature: Uint8Array;
  readonly signatureType?: 'ed25519';
}

/** `SolanaSignInInput` (Sign-In With Solana); every field optional. */
export interface SolanaSignInInput {
  readonly domain?: string;
  readonly address?: string;
  readonly statement?: string;
  readonly uri?: string;
  readonly version?: string;
  readonly chainId?: string;
  readonly nonce?: string;
  readonly issuedAt?: string;
  readonly expirationTime?: string;
  readonly notBefore?: string;
  readonly requestId?: string;
  readonly resources?: readonly string[];
}

/** `SolanaSignInOutput`. */
export interface SolanaSignInOutput {
  readonly account: WalletAccount;
  readonly signedMessage: Uint8Array;
  readonly signature: Uint8Array;
  readonly signatureType?: 'ed25519';
}

/** The features object of the Custodian wallet (a type alias, so it fits an index signature). */
export type CustodianSolanaFeatures = {
  readonly 'standard:connect': {
    readonly version: '1.0.0';
    readonly connect: (input?: { readonly silent?: boolean }) => Promise<{ readonly accounts: readonly WalletAccount[] }>;
  };
  readonly 'standard:disconnect': {
    readonly version: '1.0.0';
    readonly disconnect: () => Promise<void>;
  };
  readonly 'standard:events': {
    readonly version: '1.0.0';
    readonly on: (event: 'change', listener: (properties: WalletChangeProperties) => void) => () => void;
  };
  readonly 'solana:signTransaction': {
    readonly version: '1.0.0';
    readonly supportedTransactionVersions: readonly ('legacy' | 0)[];
    readonly signTransaction: (...inputs: readonly SolanaSignTransactionInput[]) => Promise<readonly SolanaSignTransactionOutput[]>;
  };
  readonly 'solana:signMessage': {
    readonly version: '1.1.0';
    readonly signMessage: (...inputs: readonly SolanaSignMessageInput[]) => Promise<readonly SolanaSignMessageOutput[]>;
  };
  readonly 'solana:signIn': {
    readonly version: '1.0.0';
    readonly signIn: (...inputs: readonly SolanaSignInInput[]) => Promise<readonly SolanaSignInOutput[]>;
  };
};

/** `Wallet` of `@wallet-standard/base`. */
export interface StandardWallet {
  readonly version: '1.0.0';
  readonly name: string;
  readonly icon: WalletIcon;
  readonly chains: readonly IdentifierString[];
  readonly features: Readonly<Record<IdentifierString, unknown>>;
  readonly accounts: readonly WalletAccount[];
}

/** What the wallet needs from a client: `CustodianClient` (or `createCustodian().client`) fits. */
export interface WalletStandardClient {
  request(args: RequestArguments, options?: RequestOptions): Promise<unknown>;
  subscribe(listener: (event: ClientEvent) => void): () => void;
}

/** Options of `CustodianSolanaWallet`. */
export interface SolanaWalletOptions {
  /** Shown by dapps. Default `"Custodian"`. */
  readonly name?: string;
  /** A `data:image/...;base64,` URI. Default: Custodian's icon. */
  readonly icon?: WalletIcon;
  /**
   * The origin requests are made for; Sign-In With Solana checks its domain against it.
   * Default: the page's own origin (`location.origin`), since the page that registers the
   * wallet is the app that uses it. Must be a serialized origin.
   */
  readonly origin?: string;
  /** Milliseconds to wait for each answer; default: the client's. */
  readonly timeoutMs?: number;
}

// Fields of SolanaSignInInput the core understands; anything else is refused rather than
// silently ignored (e.g. `useOffchainMessage` asks for another message format).
const SIGN_IN_FIELDS: ReadonlySet<string> = new Set([
  'domain',
  'address',
  'statement',
  'uri',
  'version',
  'chainId',
  'nonce',
  'issuedAt',
  'expirationTime',
  'notBefore',
  'requestId',
  'resources',
]);

function pageOrigin(): string | undefined {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin;
  return typeof origin === 'string' && isSerializedOrigin(origin) ? origin : undefined;
}

/**
 * Custodian's Solana accounts as a Wallet Standard wallet. Accounts are exposed only after
 * `standard:connect` (or `solana:signIn`) and until `standard:disconnect`; they follow the
 * vault: locking empties them, unlocking brings them back, each time with a `change` event.
 */
export class CustodianSolanaWallet implements StandardWallet {
  readonly version: '1.0.0' = '1.0.0';
  readonly name: string;
  readonly icon: WalletIcon;
  readonly chains: readonly SolanaChain[] = SOLANA_CHAINS;
  readonly features: CustodianSolanaFeatures;
  readonly #client: WalletStandardClient;
  readonly #requestOptions: RequestOptions;
  readonly #listeners = new Set<(properties: WalletChangeProperties) => void>();
  readonly #unsubscribe: () => void;
  #accounts: readonly WalletAccount[] = Object.freeze([]);
  /** Every account object handed out, so one that comes back (after unlocking) is the same object. */
  readonly #issued = new Map<string, WalletAccount>();
  #connected = false;
  /** Bumped by every refresh, so an older answer never overwrites a newer one. */
  #refreshes = 0;
  /** The newest load in flight (or done), for callers that need its outcome. */
  #loading: Promise<boolean> = Promise.resolve(false);

  constructor(client: WalletStandardClient, options: SolanaWalletOptions = {}) {
    if (typeof client?.request !== 'function' || typeof client.subscribe !== 'function') {
      throw new TypeError('client must have request and subscribe methods (a CustodianClient)');
    }
    const origin = options.origin ?? pageOrigin();
    if (origin !== undefined && !isSerializedOrigin(origin)) {
      throw new TypeError('options.origin must be a serialized origin such as https://app.example');
    }
    const icon = options.icon ?? (CUSTODIAN_ICON as WalletIcon);
    if (!/^data:image\/(svg\+xml|webp|png|gif);base64,/.test(icon)) {
      throw new TypeError('options.icon must be a data:image/{svg+xml,webp,png,gif};base64 URI');
    }
    const name = options.name ?? 'Custodian';
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError('options.name must be a non-empty string');
    this.name = name;
    this.icon = icon;
    this.#client = client;
    this.#requestOptions = {
      ...(origin === undefined ? {} : { origin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    this.features = Object.freeze({
      'standard:connect': Object.freeze({ version: '1.0.0' as const, connect: (input?: { readonly silent?: boolean }) => this.#connect(input?.silent === true) }),
      'standard:disconnect': Object.freeze({ version: '1.0.0' as const, disconnect: () => this.#disconnect() }),
      'standard:events': Object.freeze({ version: '1.0.0' as const, on: (event: 'change', listener: (properties: WalletChangeProperties) => void) => this.#on(event, listener) }),
      'solana:signTransaction': Object.freeze({
        version: '1.0.0' as const,
        supportedTransactionVersions: Object.freeze(['legacy', 0] as const),
        signTransaction: (...inputs: readonly SolanaSignTransactionInput[]) => this.#signTransaction(inputs),
      }),
      'solana:signMessage': Object.freeze({
        version: '1.1.0' as const,
        signMessage: (...inputs: readonly SolanaSignMessageInput[]) => this.#signMessage(inputs),
      }),
      'solana:signIn': Object.freeze({
        version: '1.0.0' as const,
        signIn: (...inputs: readonly SolanaSignInInput[]) => this.#signIn(inputs),
      }),
    });
    this.#unsubscribe = client.subscribe((event) => this.#onClientEvent(event));
  }

  /** The connected Solana accounts (empty before `connect`, after `disconnect` and while locked). */
  get accounts(): readonly WalletAccount[] {
    return this.#accounts;
  }

  /** Re-reads the accounts, e.g. after the app added a Solana account; emits `change` if they differ. */
  async refresh(): Promise<readonly WalletAccount[]> {
    if (!this.#connected) return this.#accounts;
    await this.#loadSettled();
    return this.#accounts;
  }

  /** Stops following the client's events (the client keeps running). */
  detach(): void {
    this.#unsubscribe();
    this.#listeners.clear();
  }

  #ask(method: string, params: object): Promise<unknown> {
    return this.#client.request({ method, params }, this.#requestOptions);
  }

  async #connect(silent: boolean): Promise<{ readonly accounts: readonly WalletAccount[] }> {
    if (silent) {
      // The dapp restores an earlier session without prompting: it gets what the site was
      // already granted (none while locked or never connected), and no prompt.
      const loaded = await this.#loadSettled();
      if (loaded && this.#accounts.length > 0) this.#connected = true;
      return { accounts: this.#accounts };
    }
    // `wallet_connect` asks the user (a site's request is held until the wallet approves it)
    // and answers with the accounts granted, of every chain; the Solana ones are ours.
    this.#refreshes += 1;
    const mine = this.#refreshes;
    const granted = (await this.#ask('wallet_connect', {})) as { accounts?: unknown } | null;
    this.#connected = true;
    if (mine === this.#refreshes) this.#setAccounts(this.#toAccounts(granted?.accounts));
    return { accounts: this.#accounts };
  }

  async #disconnect(): Promise<void> {
    this.#connected = false;
    this.#refreshes += 1;
    this.#setAccounts([]);
  }

  #on(event: 'change', listener: (properties: WalletChangeProperties) => void): () => void {
    if (event !== 'change') throw new TypeError(`unknown event ${String(event)}; only 'change' exists`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // Each registration is its own entry, so the same function added twice is removed once per off().
    const entry = (properties: WalletChangeProperties): void => listener(properties);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /**
   * `#load`, then also waits for any load started meanwhile (an `accountsChanged` arriving
   * during the request): that newer answer is the one kept, so only after it are
   * `#accounts` current. Returns this load's outcome.
   */
  async #loadSettled(): Promise<boolean> {
    const mine = this.#load();
    const loaded = await mine;
    for (let newest = this.#loading; newest !== mine; newest = this.#loading) {
      const waited = newest;
      await waited.catch(() => false);
      if (this.#loading === waited) break;
    }
    return loaded;
  }

  /**
   * Loads the Solana accounts the wallet gives this origin (`wallet_listAccounts`); a refusal
   * (a locked or restarting wallet) counts as none. Returns whether the wallet answered.
   */
  #load(): Promise<boolean> {
    const loading = this.#fetchAccounts();
    this.#loading = loading;
    return loading;
  }

  async #fetchAccounts(): Promise<boolean> {
    this.#refreshes += 1;
    const mine = this.#refreshes;
    let listed: unknown;
    try {
      listed = await this.#ask('wallet_listAccounts', {});
    } catch {
      if (mine === this.#refreshes) this.#setAccounts([]);
      return false;
    }
    if (mine === this.#refreshes) this.#setAccounts(this.#toAccounts(listed));
    return true;
  }

  #toAccounts(listed: unknown): WalletAccount[] {
    if (!Array.isArray(listed)) return [];
    const out: WalletAccount[] = [];
    for (const item of listed as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const { chain, address, label } = item as { chain?: unknown; address?: unknown; label?: unknown };
      if (chain !== 'solana' || typeof address !== 'string') continue;
      const publicKey = base58Decode(address);
      if (publicKey?.length !== 32) continue;
      const key = `${address}\n${typeof label === 'string' ? label : ''}`;
      let account = this.#issued.get(key);
      if (account === undefined) {
        account = Object.freeze({
          address,
          publicKey,
          chains: SOLANA_CHAINS,
          features: SOLANA_ACCOUNT_FEATURES,
          ...(typeof label === 'string' ? { label } : {}),
        });
        this.#issued.set(key, account);
      }
      out.push(account);
    }
    return out;
  }

  #setAccounts(next: readonly WalletAccount[]): void {
    const previous = this.#accounts;
    if (previous.length === next.length && previous.every((a, i) => a === next[i])) return;
    this.#accounts = Object.freeze([...next]);
    const properties: WalletChangeProperties = Object.freeze({ accounts: this.#accounts });
    for (const listener of [...this.#listeners]) {
      try {
        listener(properties);
      } catch (error) {
        // A dapp's listener must not break the wallet or the other listeners.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  #onClientEvent(event: ClientEvent): void {
    if (!this.#connected) return;
    if (event.type === 'stopped') {
      // A restarted Worker is locked: nothing can be signed until the user unlocks again.
      this.#refreshes += 1;
      this.#setAccounts([]);
    } else if (event.type === 'ready' || (event.type === 'event' && event.event === 'accountsChanged')) {
      void this.#load();
    }
  }

  #account(account: WalletAccount | undefined, what: string): string {
    const address = account?.address;
    if (typeof address !== 'string') throw new InvalidParamsError(`${what}: account is required`);
    if (!this.#accounts.some((a) => a.address === address)) {
      throw new UnauthorizedError(`${what}: account ${address} is not connected; call standard:connect first`);
    }
    return address;
  }

  async #signTransaction(inputs: readonly SolanaSignTransactionInput[]): Promise<readonly SolanaSignTransactionOutput[]> {
    const checked = inputs.map((input, i) => {
      const what = `input ${i}`;
      const address = this.#account(input?.account, what);
      if (!(input.transaction instanceof Uint8Array)) throw new InvalidParamsError(`${what}: transaction must be a Uint8Array`);
      if (input.chain !== undefined && !(SOLANA_CHAINS as readonly string[]).includes(input.chain)) {
        throw new InvalidParamsError(`${what}: unsupported chain ${String(input.chain)}`);
      }
      return { address, transaction: toBase64(input.transaction), chain: input.chain };
    });
    const [first] = checked;
    if (first === undefined) return [];
    if (checked.length > 1 && checked.every((c) => c.address === first.address)) {
      // One account: one request, so the batch is signed all or nothing.
      const result = (await this.#ask('solana_signAllTransactions', {
        address: first.address,
        transactions: checked.map((c) => c.transaction),
        ...(first.chain === undefined ? {} : { chain: first.chain }),
      })) as { signedTransactions?: unknown };
      const signed = result?.signedTransactions;
      if (!Array.isArray(signed) || signed.length !== checked.length) throw new InvalidParamsError('unexpected answer from the wallet');
      return signed.map((s: unknown) => ({ signedTransaction: fromBase64(s) }));
    }
    // Several accounts: one request each. The outputs are returned only if every request
    // succeeds, so a bad transaction still hands out no signature.
    const outputs: SolanaSignTransactionOutput[] = [];
    for (const c of checked) {
      const result = (await this.#ask('solana_signTransaction', {
        address: c.address,
        transaction: c.transaction,
        ...(c.chain === undefined ? {} : { chain: c.chain }),
      })) as { signedTransaction?: unknown };
      outputs.push({ signedTransaction: fromBase64(result?.signedTransaction) });
    }
    return outputs;
  }

  async #signMessage(inputs: readonly SolanaSignMessageInput[]): Promise<readonly SolanaSignMessageOutput[]> {
    const checked = inputs.map((input, i) => {
      const what = `input ${i}`;
      const address = this.#account(input?.account, what);
      if (!(input.message instanceof Uint8Array)) throw new InvalidParamsError(`${what}: message must be a Uint8Array`);
      return { address, message: toBase64(input.message) };
    });
    const outputs: SolanaSignMessageOutput[] = [];
    for (const c of checked) {
      const result = (await this.#ask('solana_signMessage', c)) as { signedMessage?: unknown; signature?: unknown };
      outputs.push({
        signedMessage: fromBase64(result?.signedMessage),
        signature: fromBase64(result?.signature),
        signatureType: 'ed25519',
      });
    }
    return outputs;
  }

  async #signIn(inputs: readonly SolanaSignInInput[]): Promise<readonly SolanaSignInOutput[]> {
    // `signIn()` and `signIn(undefined)` mean a sign-in with every field left to the wallet.
    const list: readonly SolanaSignInInput[] = inputs.length === 0 ? [{}] : inputs.map((input) => input ?? {});
    for (const [i, input] of list.entries()) {
      if (typeof input !== 'object' || input === null) throw new InvalidParamsError(`input ${i} must be an object`);
      const unknown = Object.keys(input).filter((k) => !SIGN_IN_FIELDS.has(k) && (input as Record<string, unknown>)[k] !== undefined);
      if (unknown.length > 0) throw new InvalidParamsError(`input ${i}: unsupported field ${unknown.join(', ')}`);
    }
    const outputs: SolanaSignInOutput[] = [];
    for (const input of list) {
      const result = (await this.#ask('solana_signIn', {
        ...(input.address === undefined ? {} : { address: input.address }),
        input,
      })) as { account?: { address?: unknown }; signedMessage?: unknown; signature?: unknown };
      // Signing in connects: the account is then one of the wallet's accounts.
      this.#connected = true;
      await this.#loadSettled();
      const address = result?.account?.address;
      const account = this.#accounts.find((a) => a.address === address);
      if (account === undefined) throw new InvalidParamsError('the signed-in account is not a Solana account of this wallet');
      outputs.push({
        account,
        signedMessage: fromBase64(result?.signedMessage),
        signature: fromBase64(result?.signature),
        signatureType: 'ed25519',
      });
    }
    return outputs;
  }
}

/** Dispatched by a wallet that is ready to be registered. */
export const REGISTER_WALLET_EVENT = 'wallet-standard:register-wallet';
/** Dispatched by an app that is ready to register wallets. */
export const APP_READY_EVENT = 'wallet-standard:app-ready';

/** The `wallet-standard:register-wallet` event: its `detail` is the wallet's callback. */
class RegisterWalletEvent extends Event {
  readonly #detail: (api: { register: (wallet: StandardWallet) => unknown }) => void;

  get detail(): (api: { register: (wallet: StandardWallet) => unknown }) => void {
    return this.#detail;
  }

  constructor(callback: (api: { register: (wallet: StandardWallet) => unknown }) => void) {
    super(REGISTER_WALLET_EVENT, { bubbles: false, cancelable: false, composed: false });
    this.#detail = callback;
  }

  // As in the standard's reference: listeners must not be able to hide the event from others.
  override preventDefault(): never {
    throw new Error('preventDefault cannot be called');
  }

  override stopImmediatePropagation(): never {
    throw new Error('stopImmediatePropagation cannot be called');
  }

  override stopPropagation(): never {
    throw new Error('stopPropagation cannot be called');
  }
}

/** Options of `registerWallet`. */
export interface RegisterWalletOptions {
  /** Where to dispatch and listen; default `window`. */
  readonly target?: EventTarget;
}

/**
 * Registers `wallet` with every Wallet Standard app on the page, whether the app loaded
 * before (it hears `wallet-standard:register-wallet` now) or loads later (its
 * `wallet-standard:app-ready` is answered). Returns a function that unregisters it from the
 * apps reached so far and stops answering.
 */
export function registerWallet(wallet: StandardWallet, options: RegisterWalletOptions = {}): () => void {
  const target = options.target ?? globalThis.window;
  if (target === undefined) throw new TypeError('options.target is required outside a browser window');
  const unregisters: Array<() => void> = [];
  const callback = ({ register }: { register: (wallet: StandardWallet) => unknown }): void => {
    const unregister = register(wallet);
    if (typeof unregister === 'function') unregisters.push(unregister as () => void);
  };
  const onAppReady = (event: Event): void => {
    const api = (event as Event & { detail?: unknown }).detail as { register?: unknown } | undefined;
    if (typeof api?.register === 'function') callback(api as { register: (wallet: StandardWallet) => unknown });
  };
  target.addEventListener(APP_READY_EVENT, onAppReady);
  target.dispatchEvent(new RegisterWalletEvent(callback));
  return () => {
    target.removeEventListener(APP_READY_EVENT, onAppReady);
    for (const unregister of unregisters.splice(0)) unregister();
  };
}

/** Creates the Custodian Solana wallet over `client` and registers it; returns both. */
export function registerSolanaWallet(
  client: WalletStandardClient,
  options: SolanaWalletOptions & RegisterWalletOptions = {},
): { readonly wallet: CustodianSolanaWallet; readonly unregister: () => void } {
  const wallet = new CustodianSolanaWallet(client, options);
  const unregister = registerWallet(wallet, options.target === undefined ? {} : { target: options.target });
  return {
    wallet,
    unregister: () => {
      unregister();
      wallet.detach();
    },
  };
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Decodes base58 (Bitcoin alphabet), or `undefined` for text that is not base58. */
export function base58Decode(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length > 128) return undefined;
  const bytes: number[] = [];
  for (const char of text) {
    let carry = BASE58.indexOf(char);
    if (carry < 0) return undefined;
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  // Each leading '1' is a leading zero byte.
  for (const char of text) {
    if (char !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}

function fromBase64(text: unknown): Uint8Array {
  if (typeof text !== 'string') throw new InvalidParamsError('unexpected answer from the wallet');
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
