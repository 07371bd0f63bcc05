/**
 * EIP-1193 / EIP-1474 errors. Errors cross the Worker boundary as plain `{code, message, data}`
 * and are re-created here as real `Error`s, so callers can use `instanceof` and `error.code`.
 */

import type { RpcErrorData } from './protocol.js';

/** The error codes this package produces or recognises (docs/protocol.md, "Errors"). */
export const ErrorCode = {
  /** EIP-1193: the user (or approval quorum) rejected the request. */
  UserRejectedRequest: 4001,
  /** EIP-1193: the wallet is locked, the password is wrong, or the origin is not connected. */
  Unauthorized: 4100,
  /** EIP-1193: the wallet does not support the method. */
  UnsupportedMethod: 4200,
  /** EIP-1193: the provider is disconnected from all chains (here: the Worker is gone). */
  Disconnected: 4900,
  /** EIP-1193: the provider is not connected to the requested chain. */
  ChainDisconnected: 4901,
  /** EIP-3326: the chain id is not known to the wallet. */
  UnrecognizedChain: 4902,
  /** JSON-RPC 2.0: the text is not JSON. */
  ParseError: -32700,
  /** JSON-RPC 2.0: the value is not a request object. */
  InvalidRequest: -32600,
  /** JSON-RPC 2.0: no such method. */
  MethodNotFound: -32601,
  /** JSON-RPC 2.0: the params are wrong. */
  InvalidParams: -32602,
  /** JSON-RPC 2.0: internal error (here also: storage failed, timeout). */
  Internal: -32603,
} as const;

/** Options accepted by every error constructor here. */
export interface ProviderRpcErrorOptions {
  /** Machine-readable detail; the core sends `{kind}`. */
  readonly data?: unknown;
  /** The underlying error, for debugging; never sent across a boundary. */
  readonly cause?: unknown;
}

/** An EIP-1193 `ProviderRpcError`: an `Error` with a numeric `code` and optional `data`. */
export class ProviderRpcError extends Error {
  /** EIP-1193 / EIP-1474 code. */
  readonly code: number;
  /** Machine-readable detail, e.g. `{kind: "Locked"}`. */
  readonly data: unknown;

  constructor(code: number, message: string, options: ProviderRpcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderRpcError';
    this.code = code;
    this.data = options.data;
  }

  /** The plain `{code, message, data}` form, as sent across a thread or JSON boundary. */
  toJSON(): RpcErrorData {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** 4001: the user rejected the request. */
export class UserRejectedRequestError extends ProviderRpcError {
  static readonly code = 4001;
  constructor(message = 'The user rejected the request.', options: ProviderRpcErrorOptions = {}) {
    super(4001, message, options);
    this.name = 'UserRejectedRequestError';
  }
}

/** 4100: locked, wrong password, or the origin is not connected. */
export class UnauthorizedError extends ProviderRpcError {
  static readonly code = 4100;
  constructor(message = 'The wallet is locked or the site is not connected.', options: ProviderRpcErrorOptions = {}) {
    super(4100, message, options);
    this.name = 'UnauthorizedError';
  }
}

/** 4200: the wallet does not support this method. */
export class UnsupportedMethodError extends ProviderRpcError {
  static readonly code = 4200;
  constructor(message = 'The wallet does not support this method.', options: ProviderRpcErrorOptions = {}) {
    super(4200, message, options);
    this.name = 'UnsupportedMethodError';
  }
}

/** 4900: the provider is disconnected (the wallet Worker is not running). */
export class DisconnectedError extends ProviderRpcError {
  static readonly code = 4900;
  constructor(message = 'The wallet is disconnected.', options: ProviderRpcErrorOptions = {}) {
    super(4900, message, options);
    this.name = 'DisconnectedError';
  }
}

/**
 * 4900: the wallet Worker crashed, was stopped, or could not start while this request was
 * pending. The request may or may not have been carried out; nothing unsaved was reported as
 * done. The client starts a fresh Worker, which reloads the last stored vault (locked).
 */
export class WorkerCrashedError extends DisconnectedError {
  constructor(message = 'The wallet worker stopped; it has been restarted and is locked.', options: ProviderRpcErrorOptions = {}) {
    super(message, { data: { kind: 'WorkerCrashed' }, ...options });
    this.name = 'WorkerCrashedError';
  }
}

/** 4901: the provider is not connected to the requested chain. */
export class ChainDisconnectedError extends ProviderRpcError {
  static readonly code = 4901;
  constructor(message = 'The wallet is not connected to the requested chain.', options: ProviderRpcErrorOptions = {}) {
    super(4901, message, options);
    this.name = 'ChainDisconnectedError';
  }
}

/** -32602: the params are wrong; `message` says which. */
export class InvalidParamsError extends ProviderRpcError {
  static readonly code = -32602;
  constructor(message = 'Invalid params.', options: ProviderRpcErrorOptions = {}) {
    super(-32602, message, options);
    this.name = 'InvalidParamsError';
  }
}

/** -32603: internal error (an unreadable vault, a failed save). */
export class InternalError extends ProviderRpcError {
  static readonly code = -32603;
  constructor(message = 'Internal error.', options: ProviderRpcErrorOptions = {}) {
    super(-32603, message, options);
    this.name = 'InternalError';
  }
}

/**
 * -32603: no answer within the timeout. The Worker handles requests one at a time, so the
 * request may still run later; its late answer is dropped.
 */
export class RequestTimeoutError extends InternalError {
  constructor(message = 'The wallet did not answer in time.', options: ProviderRpcErrorOptions = {}) {
    super(message, { data: { kind: 'Timeout' }, ...options });
    this.name = 'RequestTimeoutError';
  }
}

/** Re-creates a real error from its plain form, choosing the subclass by `code`. */
export function fromRpcErrorData(error: RpcErrorData): ProviderRpcError {
  const options: ProviderRpcErrorOptions = error.data === undefined ? {} : { data: error.data };
  switch (error.code) {
    case 4001:
      return new UserRejectedRequestError(error.message, options);
    case 4100:
      return new UnauthorizedError(error.message, options);
    case 4200:
      return new UnsupportedMethodError(error.message, options);
    case 4900:
      return new DisconnectedError(error.message, options);
    case 4901:
      return new ChainDisconnectedError(error.message, options);
    case -32602:
      return new InvalidParamsError(error.message, options);
    case -32603:
      return new InternalError(error.message, options);
    default:
      return new ProviderRpcError(error.code, error.message, options);
  }
}
