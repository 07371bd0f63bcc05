// Modules loaded on first use, still pinned by Subresource Integrity. The page preloads (with
// integrity) only what it imports at start; a module graph needed later (the password meter's)
// is listed with its hashes in its importer by scripts/sri.mjs (an `sri-graph` marker). Before
// importing it, the importer adds a `<link rel="modulepreload" integrity>` for every module of
// the graph and waits for them: each module is then in the page's module map, fetched and
// checked, and the import() reuses those entries rather than fetching anything unchecked.
// A module whose bytes do not match is refused by the browser, and so is the whole import.

/** A module of a pinned graph that the browser refused (its bytes do not match the build), or could not fetch. */
export class PinnedModuleError extends Error {
  /** @param {string} url */
  constructor(url) {
    super(`${new URL(url).pathname} did not load or does not match this version of the wallet`);
    this.name = 'PinnedModuleError';
    this.url = url;
  }
}

/** @type {Map<string, Promise<void>>} one preload per module for the page's lifetime */
const preloads = new Map();

/**
 * Preloads every module of `pins` (paths relative to `base` → SHA-384 integrity) with its
 * integrity, and resolves once all are in the module map; rejects with a PinnedModuleError
 * naming the first that failed. Empty `pins` (the unbuilt sources) resolve at once.
 * @param {Record<string, string>} pins
 * @param {string} base the importer's `import.meta.url`
 * @returns {Promise<void>}
 */
export function preloadPinned(pins, base) {
  return Promise.all(
    Object.entries(pins).map(([path, integrity]) => {
      const href = new URL(path, base).href;
      let loaded = preloads.get(href);
      if (loaded === undefined) {
        const link = document.createElement('link');
        link.rel = 'modulepreload';
        link.integrity = integrity;
        link.href = href;
        loaded = new Promise((resolve, reject) => {
          link.addEventListener('load', () => resolve(), { once: true });
          link.addEventListener('error', () => reject(new PinnedModuleError(href)), { once: true });
        });
        preloads.set(href, loaded);
        document.head.append(link);
      }
      return loaded;
    }),
  ).then(() => undefined);
}
