/**
 * Where the `.wasm` comes from (docs/web.md, "Start-up"): its pinned integrity, the versioned URL
 * that lets browsers keep it, and compiling it in the page.
 *
 * Compiling in the page is optional (`createCustodian({compileInPage: true})`): the page fetches
 * and compiles the module while the Worker starts, and hands the compiled `WebAssembly.Module` to
 * the Worker in its init message (a dedicated Worker receives it by structured clone, without
 * recompiling). Only the page that creates the Worker can post to it, so the module comes from the
 * same party as the Worker itself.
 */

/**
 * Subresource Integrity of the default `.wasm` (`../pkg/` next to this module). The package ships
 * the bare prefix; a site's build (`scripts/sri.mjs`) writes the file's SHA-384 into the marker.
 * This module is part of the page's own module graph, which the page pins with `modulepreload`
 * integrity, so the value cannot be changed without the page noticing.
 */
const WASM_INTEGRITY: string = 'sha384-' /* sri: ../pkg/custodian_wasm_bg.wasm */;

/** Where the Worker fetches the module by default (worker.ts resolves the same path). */
export function defaultWasmUrl(): URL {
  return new URL('../pkg/custodian_wasm_bg.wasm', import.meta.url);
}

/** The integrity value pinned for the default `.wasm`, or `undefined` in an unpinned build. */
export function defaultWasmIntegrity(): string | undefined {
  return WASM_INTEGRITY === 'sha384-' ? undefined : WASM_INTEGRITY;
}

/** Characters of the digest in `?v=`: 96 bits, plenty to tell two builds apart. */
const VERSION_LENGTH = 16;

/**
 * `url` with `?v=` and the start of the pinned SHA-384 digest (base64url): the URL changes
 * whenever the bytes do, so a server may let browsers keep the file for good (`immutable`,
 * scripts/static-server.mjs): a returning visit reads it from the cache without a request.
 */
export function versionedWasmUrl(url: URL, integrity: string): URL {
  const digest = integrity.slice(integrity.indexOf('-') + 1, integrity.indexOf('-') + 1 + VERSION_LENGTH);
  const versioned = new URL(url);
  versioned.searchParams.set('v', digest.replace(/\+/g, '-').replace(/\//g, '_'));
  return versioned;
}

/** What `compileWasm` fetches. */
export interface CompileWasmOptions {
  /**
   * The `.wasm` file; default `defaultWasmUrl()`, checked against `defaultWasmIntegrity()`. A
   * relative URL resolves against this module, which sits next to the Worker script, as the
   * Worker resolves a `wasmUrl`.
   */
  readonly url?: URL | string;
}

/** The default module once compiled: every client of the page (and each restart) reuses it. */
let defaultModule: Promise<WebAssembly.Module> | undefined;

/**
 * Fetches and compiles the wallet module in the calling realm. The fetch is same-origin only
 * (another origin's file is refused, whatever the page's CSP allows) and, for the default file of
 * a pinned build, integrity-checked: a changed `.wasm` rejects here as it would in the Worker.
 */
export function compileWasm(options: CompileWasmOptions = {}): Promise<WebAssembly.Module> {
  if (options.url !== undefined) return fetchAndCompile(options);
  if (defaultModule === undefined) {
    const compiling = fetchAndCompile(options);
    defaultModule = compiling;
    // A failure (offline, a changed file) is not remembered: the next caller tries again.
    compiling.catch(() => {
      if (defaultModule === compiling) defaultModule = undefined;
    });
  }
  return defaultModule;
}

async function fetchAndCompile(options: CompileWasmOptions): Promise<WebAssembly.Module> {
  const integrity = options.url === undefined ? defaultWasmIntegrity() : undefined;
  const given = options.url === undefined ? defaultWasmUrl() : new URL(options.url, import.meta.url);
  const url = integrity === undefined ? given : versionedWasmUrl(given, integrity);
  const response = fetch(url, {
    mode: 'same-origin',
    credentials: 'same-origin',
    ...(integrity === undefined ? {} : { integrity }),
  });
  if (typeof WebAssembly.compileStreaming === 'function') return WebAssembly.compileStreaming(response);
  const res = await response;
  if (!res.ok) throw new Error(`${url.href}: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}
