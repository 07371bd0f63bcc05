// Lets test pages import npm packages (viem and its dependencies) straight from node_modules,
// without a bundler: the test server rewrites bare import specifiers (`from 'viem'`,
// `from '@noble/hashes/sha3'`) in the JavaScript it serves into /node_modules/... URLs, resolved
// the way a bundler targeting browsers would (package.json `exports` with the `browser`,
// `import`, `module` and `default` conditions, nested node_modules first).
//
// Test-only: the wallet page (www/) loads nothing from node_modules.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const CONDITIONS = ['browser', 'import', 'module', 'default'];

// `from 'x'`, `import 'x'`, `import('x')`, `export ... from 'x'` with a bare specifier.
const IMPORT_RE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s*)(['"])([^'"\s]+)\2/g;

function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

function splitSpecifier(specifier) {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const rest = parts.slice(nameLength).join('/');
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

/** The first target of an `exports` value that the browser conditions select. */
function pickTarget(target) {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const picked = pickTarget(item);
      if (picked !== undefined) return picked;
    }
    return undefined;
  }
  if (target !== null && typeof target === 'object') {
    for (const [key, value] of Object.entries(target)) {
      if (CONDITIONS.includes(key)) {
        const picked = pickTarget(value);
        if (picked !== undefined) return picked;
      }
    }
  }
  return undefined;
}

function resolveExports(exports, subpath) {
  const isConditions =
    typeof exports === 'string' ||
    Array.isArray(exports) ||
    Object.keys(exports).every((key) => !key.startsWith('.'));
  const map = isConditions ? { '.': exports } : exports;
  if (Object.hasOwn(map, subpath)) return pickTarget(map[subpath]);
  // Patterns ("./*", "./utils/*.js"): the longest matching prefix wins.
  let best;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const [prefix, suffix] = [key.slice(0, star), key.slice(star + 1)];
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= key.length - 1) {
      if (best === undefined || prefix.length > best.prefix.length) best = { key, prefix, suffix };
    }
  }
  if (best === undefined) return undefined;
  const middle = subpath.slice(best.prefix.length, subpath.length - best.suffix.length);
  return pickTarget(map[best.key])?.replaceAll('*', middle);
}

/**
 * Resolves npm specifiers for files under `nodeModules`, returning `/node_modules/...` URLs.
 * @param {string} nodeModules the repository's node_modules directory
 */
export function createBareImportRewriter(nodeModules) {
  const manifests = new Map();
  const manifest = (dir) => {
    if (!manifests.has(dir)) manifests.set(dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
    return manifests.get(dir);
  };

  const packageDir = (name, fromDir) => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) return undefined;
    }
  };

  /** The file a bare specifier means when imported from `importer`, or undefined. */
  const resolveFile = (specifier, importer) => {
    const { name, subpath } = splitSpecifier(specifier);
    const dir = packageDir(name, dirname(importer));
    if (dir === undefined) return undefined;
    const pkg = manifest(dir);
    let target;
    if (pkg.exports !== undefined) target = resolveExports(pkg.exports, subpath);
    else if (subpath === '.') target = pkg.module ?? (typeof pkg.browser === 'string' ? pkg.browser : pkg.main) ?? 'index.js';
    else target = subpath;
    if (target === undefined) return undefined;
    const file = join(dir, target);
    if (existsSync(file)) return file;
    if (existsSync(`${file}.js`)) return `${file}.js`;
    return undefined;
  };

  const toUrl = (file) => {
    const rel = relative(nodeModules, file);
    if (rel.startsWith('..')) return undefined;
    return `/node_modules/${rel.split(sep).join('/')}`;
  };

  /** Rewrites the bare specifiers in `source` (the text of the file at `path`). */
  const rewrite = (source, path) =>
    source.replace(IMPORT_RE, (match, head, quote, specifier) => {
      if (!isBare(specifier)) return match;
      const file = resolveFile(specifier, path);
      const url = file === undefined ? undefined : toUrl(file);
      // Left alone if unresolvable (often a word in a string, not an import); the browser
      // reports a real one when it loads the module.
      return url === undefined ? match : `${head}${quote}${url}${quote}`;
    });

  return { rewrite, resolveFile };
}
