// A static server that lets a browser module Worker import the anchors straight from
// node_modules, with no bundler in the repo:
//
//   /@npm/<specifier>      resolves like a bundler would (package "exports" with the browser
//                          and import conditions, else "browser"/"module"/"main") and redirects
//                          to the file under /@fs/.
//   /@fs/<absolute path>   an ES module is served with its bare imports rewritten to /@npm/ URLs;
//                          `?cjs` serves a CommonJS package as one ES module (its require() graph
//                          wrapped in functions, default export = module.exports, plus the named
//                          exports it assigns); `?global=NAME` serves a classic script (an IIFE
//                          build) with `export default NAME` appended.
//   /<path>                any other file under the repository root (the bench page, web/);
//                          `aliases` maps a few fixed paths elsewhere (a .wasm an Emscripten
//                          loader insists on fetching next to the script that loaded it).
//
// Only files under the repository root are served, on 127.0.0.1. The rewriting is textual
// (regular expressions on import/require statements): good enough for the published builds the
// harness loads, not a general bundler.

import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
};
const CONDITIONS = ['browser', 'worker', 'import', 'module', 'default'];
const BUILTINS = new Set(builtinModules);

/** Packages replaced when bundling CommonJS for the browser (why: see docs/benchmarks.md). */
const CJS_ALIASES = {
  // browser-passworder uses two helpers of @metamask/utils (hasProperty, isPlainObject), both
  // in dist/misc.cjs; the package index drags in lodash, @ethereumjs/tx and more.
  '@metamask/utils': 'node_modules/@metamask/utils/dist/misc.cjs',
};

const VALID_SPEC = /^(?:@[\w.-]+\/)?[\w.-]+(?:\/[\w.@/-]*)?$/;

/** Source without comments, for scanning import statements (JSDoc examples contain imports). */
function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function isFile(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function splitSpecifier(spec) {
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const rest = parts.slice(nameLength).join('/');
  return { name, sub: rest ? `./${rest}` : '.' };
}

function findPackageDir(name, fromDir, root) {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir || !parent.startsWith(root)) break;
    dir = parent;
  }
  const top = join(root, 'node_modules', name);
  return existsSync(join(top, 'package.json')) ? top : null;
}

function pickTarget(value) {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = pickTarget(v);
      if (t) return t;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (CONDITIONS.includes(key)) {
        const t = pickTarget(v);
        if (t) return t;
      }
    }
  }
  return null;
}

function resolveExports(exportsField, sub) {
  const map =
    typeof exportsField === 'string' || Array.isArray(exportsField) || !Object.keys(exportsField).some((k) => k.startsWith('.'))
      ? { '.': exportsField }
      : exportsField;
  if (sub in map) return pickTarget(map[sub]);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (sub.startsWith(prefix) && sub.endsWith(suffix) && sub.length >= key.length - 1) {
      const middle = sub.slice(prefix.length, sub.length - suffix.length);
      const target = pickTarget(value);
      return target ? target.replaceAll('*', middle) : null;
    }
  }
  return null;
}

function withExtension(file) {
  if (isFile(file)) return file;
  for (const ext of ['.js', '.mjs', '.cjs', '.json']) if (isFile(file + ext)) return file + ext;
  for (const index of ['index.js', 'index.mjs']) if (isFile(join(file, index))) return join(file, index);
  return null;
}

function packageOf(file, root) {
  let dir = dirname(file);
  while (dir.startsWith(root)) {
    if (isFile(join(dir, 'package.json'))) return { dir, pkg: readJson(join(dir, 'package.json')) };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/** The package's "browser" field replacement for `file`: a path, `false`, or undefined. */
function browserReplacement(file, root) {
  const owner = packageOf(file, root);
  if (!owner || typeof owner.pkg.browser !== 'object' || owner.pkg.browser === null) return undefined;
  const rel = `./${relative(owner.dir, file).split(sep).join('/')}`;
  for (const key of [rel, rel.replace(/\.js$/, '')]) {
    if (key in owner.pkg.browser) {
      const to = owner.pkg.browser[key];
      return to === false ? false : withExtension(join(owner.dir, to));
    }
  }
  return undefined;
}

function isEsm(file, source) {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs') || file.endsWith('.json')) return false;
  const owner = packageOf(file, dirname(file).split(`${sep}node_modules${sep}`)[0]);
  if (owner?.pkg.type === 'module') return true;
  return /^\s*(import\s*[\w{*'"]|export\s+[\w{*])/m.test(source);
}

/** A bare specifier resolved as a bundler's browser build would, from `fromFile`. */
export function makeResolver(root) {
  root = resolve(root);
  return function resolveBare(spec, fromFile) {
    const { name, sub } = splitSpecifier(spec);
    const pkgDir = findPackageDir(name, dirname(fromFile), root);
    if (!pkgDir) throw new Error(`cannot find package ${name} (from ${fromFile})`);
    const pkg = readJson(join(pkgDir, 'package.json'));
    let target;
    if (pkg.exports) target = resolveExports(pkg.exports, sub);
    else if (sub === '.') target = (typeof pkg.browser === 'string' && pkg.browser) || pkg.module || pkg.main || 'index.js';
    else target = sub;
    if (!target) throw new Error(`${spec}: no export for ${sub}`);
    const file = withExtension(join(pkgDir, target));
    if (!file) throw new Error(`${spec}: ${target} not found`);
    const mapped = browserReplacement(file, root);
    return mapped || file;
  };
}

/** Every file an ES module entry reaches through static imports, as a bundler would include. */
export function esmGraph(root, entryFile) {
  const resolveBare = makeResolver(root);
  const seen = new Set();
  const stack = [entryFile];
  while (stack.length) {
    const file = stack.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = stripComments(readFileSync(file, 'utf8'));
    for (const m of source.matchAll(/\bfrom\s*(['"])([^'"\n]+)\1|(?:^|[;\n])\s*import\s*(['"])([^'"\n]+)\3/g)) {
      const spec = m[2] ?? m[4];
      let next = null;
      if (spec.startsWith('.')) next = withExtension(resolve(dirname(file), spec));
      else if (VALID_SPEC.test(spec)) {
        try {
          next = resolveBare(spec, file);
        } catch {
          next = null;
        }
      }
      if (next) stack.push(browserReplacement(next, resolve(root)) || next);
    }
  }
  return [...seen];
}

export function startBenchServer({ root, port = 0, aliases = {} }) {
  root = resolve(root);
  const resolveBare = makeResolver(root);

  function urlFor(file) {
    const source = readFileSync(file, 'utf8');
    return `/@fs${file}${isEsm(file, source) ? '' : '?cjs'}`;
  }

  function rewriteEsm(file, source) {
    const replace = (whole, head, quote, spec) => {
      if (!VALID_SPEC.test(spec) || spec.startsWith('.')) return whole;
      try {
        return `${head}${quote}${urlFor(resolveBare(spec, file))}${quote}`;
      } catch {
        return whole;
      }
    };
    return source
      .replace(/(\bfrom\s*)(['"])([^'"\n]+)\2/g, replace)
      .replace(/(\bimport\s*\(\s*)(['"])([^'"\n]+)\2/g, replace)
      .replace(/(^|[;\n]\s*)(import\s*)(['"])([^'"\n]+)\3/g, (whole, pre, head, quote, spec) =>
        pre + replace(head + quote + spec + quote, head, quote, spec),
      );
  }

  /** A CommonJS file and everything it require()s, as one ES module. */
  function bundleCjs(entry) {
    const ids = new Map();
    const order = [];
    const visit = (file) => {
      if (ids.has(file)) return ids.get(file);
      const id = order.length;
      ids.set(file, id);
      const record = { file, deps: {}, source: '' };
      order.push(record);
      let source = readFileSync(file, 'utf8');
      if (file.endsWith('.json')) {
        record.source = `module.exports = ${source};`;
        return id;
      }
      // Like browserify's insert-module-globals: code written for bundlers that provide a
      // global Buffer gets the `buffer` package's.
      if (/\bBuffer\b/.test(stripComments(source)) && !file.includes(`${sep}node_modules${sep}buffer${sep}`)) {
        source = `var Buffer = require("buffer").Buffer;\n${source}`;
      }
      record.source = source;
      for (const m of source.matchAll(/\brequire\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g)) {
        const spec = m[2];
        if (spec in record.deps) continue;
        const dep = resolveCjs(spec, file);
        record.deps[spec] = dep === null ? -1 : visit(dep);
      }
      return id;
    };
    const resolveCjs = (spec, fromFile) => {
      if (CJS_ALIASES[spec]) return join(root, CJS_ALIASES[spec]);
      const bare = spec.replace(/^node:/, '');
      if (BUILTINS.has(bare)) {
        if (bare === 'buffer' && existsSync(join(root, 'node_modules/buffer/index.js'))) {
          return join(root, 'node_modules/buffer/index.js');
        }
        return null;
      }
      const owner = packageOf(fromFile, root);
      if (owner && typeof owner.pkg.browser === 'object' && owner.pkg.browser?.[spec] === false) return null;
      try {
        const file = createRequire(fromFile).resolve(spec);
        const mapped = browserReplacement(file, root);
        if (mapped === false) return null;
        return mapped || file;
      } catch {
        return null;
      }
    };
    visit(entry);
    const defs = order
      .map(
        (r, id) =>
          `${id}: [function (module, exports, require, process, global) {\n${r.source}\n}, ${JSON.stringify(r.deps)}]`,
      )
      .join(',\n');
    const entrySource = order[0].source;
    const names = new Set();
    for (const m of entrySource.matchAll(/\bexports\.([A-Za-z_$][\w$]*)\s*=/g)) names.add(m[1]);
    for (const m of entrySource.matchAll(/defineProperty\(\s*exports\s*,\s*['"]([A-Za-z_$][\w$]*)['"]/g)) names.add(m[1]);
    names.delete('default');
    names.delete('__esModule');
    const named = [...names].map((n) => `export const ${n} = __entry[${JSON.stringify(n)}];`).join('\n');
    return `const __process = { env: { NODE_ENV: 'production' }, browser: true, version: '', versions: {}, platform: 'browser', cwd: () => '/', nextTick: (f, ...a) => queueMicrotask(() => f(...a)) };
const __defs = {\n${defs}\n};
const __cache = {};
function __require(id) {
  if (id < 0) return {};
  if (__cache[id]) return __cache[id].exports;
  const module = { exports: {} };
  __cache[id] = module;
  const [fn, deps] = __defs[id];
  fn.call(module.exports, module, module.exports, (spec) => {
    if (!(spec in deps)) throw new Error('require(' + spec + ') was not bundled');
    return __require(deps[spec]);
  }, __process, globalThis);
  return module.exports;
}
const __entry = __require(0);
export default __entry;
${named}
`;
  }

  function send(res, status, type, body) {
    res.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const path = decodeURIComponent(url.pathname);
      if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
      if (path.startsWith('/@npm/')) {
        const file = resolveBare(path.slice('/@npm/'.length), join(root, 'package.json'));
        res.writeHead(302, { Location: urlFor(file), 'Cache-Control': 'no-store' });
        res.end();
        return;
      }
      let file;
      if (aliases[path]) file = resolve(join(root, aliases[path]));
      else if (path.startsWith('/@fs/')) file = resolve(path.slice('/@fs'.length));
      else file = resolve(join(root, path === '/' ? 'bench/browser/index.html' : path));
      if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'text/plain', 'outside the repository');
      if (!isFile(file)) return send(res, 404, 'text/plain', `not found: ${path}`);
      const mapped = browserReplacement(file, root);
      if (mapped) file = mapped;
      const ext = extname(file);
      if (url.searchParams.has('cjs')) return send(res, 200, MIME['.js'], bundleCjs(file));
      if (url.searchParams.has('global')) {
        const name = url.searchParams.get('global');
        if (!/^[A-Za-z_$][\w$]*$/.test(name)) return send(res, 400, 'text/plain', 'bad global name');
        return send(res, 200, MIME['.js'], `${readFileSync(file, 'utf8')}\nexport default ${name};\n`);
      }
      if (['.js', '.mjs'].includes(ext) && path.startsWith('/@fs/')) {
        return send(res, 200, MIME['.js'], rewriteEsm(file, readFileSync(file, 'utf8')));
      }
      return send(res, 200, MIME[ext] ?? 'application/octet-stream', readFileSync(file));
    } catch (error) {
      send(res, 500, 'text/plain', String(error?.stack ?? error));
    }
  });
  return new Promise((resolvePromise) => {
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${actual}`,
        resolveBare,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}
