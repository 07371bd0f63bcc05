/**
 * `@custodian/web`: a wallet whose keys live only in a WebAssembly module inside a dedicated
 * Worker. See README.md for the API guide.
 */

import { CustodianClient, type RequestArguments, type RequestOptions } from './client.js';
import { compileWasm } from './wasm-source.js';
import type { WorkerLike } from './protocol.js';
import { CustodianProvider, type EIP1193RequestFn } from './provider.js';

/** Options of `createCustodian`. */
export interface CreateCustodianOptions {
  /**
   * The Worker script. Default: this package's `worker.js`, next to this module (bundlers that
   * understand `new Worker(new URL(...), {type: 'module'})` pick it up). Must be same-origin.
   */
  readonly workerUrl?: URL | string;
  /** The `.wasm` file. Default: `custodian_wasm_bg.wasm` next to the module's glue code. */
  readonly wasmUrl?: URL | string;
  /** IndexedDB database name; one wallet per name. Default `"custodian"`. */
  readonly dbName?: string;
  /** Default per-request timeout in milliseconds; default none (unlocking can take seconds). */
  readonly timeoutMs?: number;
  /** The provider's dapp origin, for a wallet serving another site; omit for your own UI. */
  readonly origin?: string;
  /** EIP-1193 provider for node methods (reads); without it they reject with 4200. */
  readonly fallback?: EIP1193RequestFn;
  /** Methods sent to `fallback`; default `NODE_READ_METHODS`. */
  readonly fallbackMethods?: readonly string[];
  /** Replaces how the Worker is started (tests, other hosts); `workerUrl` is then unused. */
  readonly spawn?: () => WorkerLike;
  /**
   * Compile the `.wasm` in this page while the Worker starts, and hand the Worker the compiled
   * module (`compileWasm`, docs/web.md "Start-up"). Default off: measured in Chromium on two
   * shared cores, it did not make the Worker ready sooner (docs/benchmarks.md, "Cold start").
   * Off, the Worker fetches and compiles the module itself.
   */
  readonly compileInPage?: boolean;
  /**
   * A module this page already compiled (or is compiling), e.g. with `compileWasm()` started
   * earlier than this call; handed to the Worker instead of compiling again. Overrides
   * `compileInPage`. If it rejects, the Worker loads the `.wasm` itself.
   */
  readonly wasmModule?: PromiseLike<WebAssembly.Module>;
}

/** A running wallet. */
export interface Custodian {
  /** EIP-1193 provider for dapps, ethers (`new BrowserProvider(provider)`) and viem (`custom(provider)`). */
  readonly provider: CustodianProvider;
  /** The RPC client under the provider: `wallet_*` methods, per-request origin and timeout. */
  readonly client: CustodianClient;
  /** Sends one request as the wallet's own UI (no origin). */
  request(args: RequestArguments, options?: RequestOptions): Promise<unknown>;
  /** Resolves once the module and the stored vault are loaded. */
  ready(): Promise<void>;
  /** Stops the Worker and starts a fresh one (the wallet is locked again). */
  restart(): void;
  /** Stops the Worker for good. */
  terminate(): void;
}

function defaultSpawn(workerUrl: URL | string | undefined): () => WorkerLike {
  if (workerUrl !== undefined) {
    return () => new Worker(workerUrl, { type: 'module', name: 'custodian' });
  }
  // Written out literally so bundlers see the Worker entry point.
  return () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'custodian' });
}

/** Starts the wallet Worker and returns the provider and the client around it. */
export function createCustodian(options: CreateCustodianOptions = {}): Custodian {
  const compileInPage =
    options.wasmModule === undefined && options.compileInPage === true && typeof WebAssembly === 'object';
  // The Worker is spawned first and the compile started right after: started the other way
  // round, the page's fetch and compile delayed the Worker's own start (docs/benchmarks.md).
  let compileNow: (() => void) | undefined;
  const wasmModule: PromiseLike<WebAssembly.Module> | undefined =
    options.wasmModule ??
    (compileInPage
      ? new Promise<WebAssembly.Module>((resolve) => {
          compileNow = () => resolve(compileWasm(options.wasmUrl === undefined ? {} : { url: options.wasmUrl }));
        })
      : undefined);
  const client = new CustodianClient({
    spawn: options.spawn ?? defaultSpawn(options.workerUrl),
    ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
    ...(options.wasmUrl === undefined ? {} : { wasmUrl: options.wasmUrl }),
    ...(wasmModule === undefined ? {} : { wasmModule }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  compileNow?.();
  let provider: CustodianProvider;
  try {
    provider = new CustodianProvider(client, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
      ...(options.fallbackMethods === undefined ? {} : { fallbackMethods: options.fallbackMethods }),
    });
  } catch (error) {
    client.terminate();
    throw error;
  }
  return {
    provider,
    client,
    request: (args, requestOptions) => client.request(args, requestOptions),
    ready: () => client.ready(),
    restart: () => client.restart(),
    terminate: () => {
      provider.detach();
      client.terminate();
    },
  };
}

export { compileWasm, defaultWasmIntegrity, defaultWasmUrl, versionedWasmUrl, type CompileWasmOptions } from './wasm-source.js';
export {
  CustodianClient,
  DEFAULT_DB_NAME,
  isSerializedOrigin,
  type ClientEvent,
  type ClientOptions,
  type ClientState,
  type RequestArguments,
  type RequestOptions,
} from './client.js';
export {
  ChainDisconnectedError,
  DisconnectedError,
  ErrorCode,
  InternalError,
  InvalidParamsError,
  ProviderRpcError,
  RequestTimeoutError,
  UnauthorizedError,
  UnsupportedMethodError,
  UserRejectedRequestError,
  WorkerCrashedError,
  fromRpcErrorData,
  type ProviderRpcErrorOptions,
} from './errors.js';
export {
  ANNOUNCE_EVENT,
  CUSTODIAN_ICON,
  REQUEST_EVENT,
  announceProvider,
  type AnnounceOptions,
  type AnnounceProviderInfo,
  type EIP6963ProviderDetail,
  type EIP6963ProviderInfo,
} from './eip6963.js';
export {
  CustodianProvider,
  NODE_READ_METHODS,
  type EIP1193RequestFn,
  type ProviderConnectInfo,
  type ProviderEventMap,
  type ProviderClient,
  type ProviderMessage,
  type ProviderOptions,
} from './provider.js';
export {
  PROTOCOL_VERSION,
  type Endpoint,
  type EndpointListener,
  type EventMessage,
  type FatalMessage,
  type InitMessage,
  type MessageLike,
  type ProviderEventName,
  type ReadyMessage,
  type RequestMessage,
  type ResponseMessage,
  type RpcErrorData,
  type WorkerInbound,
  type WalletEventName,
  type WorkerLike,
  type WorkerOutbound,
} from './protocol.js';
export { VaultStore, VaultStoreError, openVaultStore, sealedVaultGeneration, type LoadedVault, type SealedVault, type VaultStoreOptions } from './store.js';
export { serveWorker, type CustodianCore, type OpenedWallet, type WorkerHostOptions } from './worker-host.js';
export {
  APP_READY_EVENT,
  CustodianSolanaWallet,
  REGISTER_WALLET_EVENT,
  SOLANA_ACCOUNT_FEATURES,
  SOLANA_CHAINS,
  base58Decode,
  registerSolanaWallet,
  registerWallet,
  type CustodianSolanaFeatures,
  type IdentifierString,
  type ReadonlyUint8Array,
  type RegisterWalletOptions,
  type SolanaChain,
  type SolanaSignInInput,
  type SolanaSignInOutput,
  type SolanaSignMessageInput,
  type SolanaSignMessageOutput,
  type SolanaSignTransactionInput,
  type SolanaSignTransactionOutput,
  type SolanaWalletOptions,
  type StandardWallet,
  type WalletAccount,
  type WalletChangeProperties,
  type WalletIcon,
  type WalletStandardClient,
} from './wallet-standard.js';
export {
  CUSTODIAN_PROVIDER_INFO,
  EmbedClient,
  browserEnvironment,
  connectCustodian,
  type ConnectOptions,
  type ConnectorEnvironment,
  type CustodianConnection,
  type FrameLike,
  type PopupLike,
  type PopupState,
  type PostTarget,
  type WindowMessageLike,
} from './connector.js';
export {
  EMBED_CHANNEL,
  EMBED_VERSION,
  MAX_PARAMS_BYTES,
  MAX_PENDING_PER_FRAME,
  POPUP_METHODS,
  jsonParams,
  parseDappToFrame,
  parseFrameToDapp,
  parseFrameToPopup,
  parsePopupToFrame,
  parsePortOffer,
  type DappToFrame,
  type FrameToDapp,
  type FrameToPopup,
  type PopupToFrame,
  type PortOffer,
  type SessionId,
} from './embed-protocol.js';
export { serveEmbedFrame, type EmbedFrame, type FrameEnvironment, type FrameMessageLike, type PortLike } from './embed-frame.js';
export {
  createSiteHost,
  type Decision,
  type HeldRequestInfo,
  type PopupEnvironment,
  type PortTarget,
  type SiteHost,
  type SiteHostClient,
  type SiteHostOptions,
} from './site-host.js';
