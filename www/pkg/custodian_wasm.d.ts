/* tslint:disable */
/* eslint-disable */

/**
 * The wallet, as JavaScript sees it.
 */
export class Custodian {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * A wallet over the vault bytes the host stored last, or with no vault.
     *
     * # Errors
     * `{code, message, data: {kind}}` if the stored bytes are not a readable vault.
     */
    constructor(sealed?: Uint8Array | number[] | null);
    /**
     * EIP-1193 `request`: resolves with the result, rejects with `{code, message, data}`.
     * `origin` is the requesting page's origin; omit it for the wallet's own UI.
     */
    request(args: any, origin?: string | null): Promise<any>;
    /**
     * Provider events caused by the last request: `[{event, data}]`.
     */
    takeEvents(): any;
    /**
     * The sealed vault to persist after the last request, if it changed:
     * `{bytes: Uint8Array, generation: number}`, else `undefined`.
     */
    takeSave(): any;
}

/**
 * The version of this module, so the page can show which build it runs.
 */
export function version(): string;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_custodian_free: (a: number, b: number) => void;
    readonly custodian_new: (a: number, b: number) => [number, number, number];
    readonly custodian_request: (a: number, b: any, c: number, d: number) => any;
    readonly custodian_takeEvents: (a: number) => any;
    readonly custodian_takeSave: (a: number) => any;
    readonly version: () => [number, number];
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
