/**
 * Request bookkeeping shared by the Worker client and the embed connector: numbered requests,
 * their optional timeouts, and the checks every `request(args, options)` call starts with.
 */

import { ErrorCode, InvalidParamsError, ProviderRpcError, RequestTimeoutError } from './errors.js';

/** Throws a `RangeError` unless `value` is undefined or a positive, finite number of milliseconds. */
export function checkTimeout(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive number of milliseconds`);
  }
}

/**
 * The error an EIP-1193 `request` call must reject with when its arguments are malformed
 * (no method name, or params that are neither an array nor an object), else `undefined`.
 */
export function badRequestArguments(args: unknown): ProviderRpcError | undefined {
  if (typeof args !== 'object' || args === null) {
    return new ProviderRpcError(ErrorCode.InvalidRequest, 'request needs {method: string, params?}');
  }
  const { method, params } = args as { method?: unknown; params?: unknown };
  if (typeof method !== 'string' || method === '') {
    return new ProviderRpcError(ErrorCode.InvalidRequest, 'request needs {method: string, params?}');
  }
  if (params !== undefined && (typeof params !== 'object' || params === null)) {
    return new InvalidParamsError('params must be an array or an object');
  }
  return undefined;
}

/** One request waiting for its answer, with whatever else its owner keeps about it (`T`). */
export type Pending<T extends object = object> = T & {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
};

/** The requests sent and not yet answered, by id; ids count up from 1. */
export class PendingRequests<T extends object = object> {
  readonly #entries = new Map<number, Pending<T>>();
  #nextId = 1;

  /** Number of requests sent and not yet answered. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Registers a request under a fresh id and calls `send(id)` to send it. The promise settles
   * with the answer given to `settle(id)`, or rejects with `RequestTimeoutError` after
   * `timeoutMs` (no timeout when undefined).
   */
  add(timeoutMs: number | undefined, extra: T, send: (id: number) => void): Promise<unknown> {
    const id = this.#nextId;
    this.#nextId += 1;
    return new Promise<unknown>((resolve, reject) => {
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              if (this.#entries.delete(id)) reject(new RequestTimeoutError());
            }, timeoutMs);
      this.#entries.set(id, { ...extra, resolve, reject, timer });
      send(id);
    });
  }

  /** Removes request `id` and stops its timer; returns it so the caller can resolve or reject it. */
  settle(id: number): Pending<T> | undefined {
    const pending = this.#entries.get(id);
    if (pending === undefined) return undefined;
    this.#entries.delete(id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    return pending;
  }

  /** Rejects with `error`, and forgets, every request for which `which` holds. */
  rejectWhere(which: (pending: Pending<T>) => boolean, error: Error): void {
    for (const [id, pending] of [...this.#entries]) {
      if (!which(pending)) continue;
      this.settle(id);
      pending.reject(error);
    }
  }

  /** Rejects with `error`, and forgets, every request. */
  rejectAll(error: Error): void {
    this.rejectWhere(() => true, error);
  }
}
