// Subresource Integrity for the served pages (docs/threat-model.md §Supply chain): writes the
// SHA-384 of each local file a page loads into the page, so a browser refuses a file that was
// changed after the build (a compromised static host or CDN, a cache in the middle).
//
//   node scripts/sri.mjs [--root www] [--check] [--preload]
//
// Run it over the files exactly as they will be served, as the last build step: scripts/
// build-site.mjs copies www/ and demo/ to target/site/ and runs it there (with --preload), so
// the hashes are computed over the final files and the sources in git never carry any.
// `--check` rewrites nothing and fails if any integrity value is missing or wrong (for CI).
//
// What it rewrites:
// 1. In every *.html under the root: `integrity="sha384-..."` on each <script src> and each
//    <link href> whose rel is stylesheet, modulepreload or preload, for files under the root
//    (other origins are left alone; the CSP forbids them anyway). The attribute is added if
//    absent, replaced if present.
// 2. In every *.js / *.mjs under the root: a string literal holding a SHA-384 integrity value
//    followed by the comment `/* sri: <path relative to this file> */`, e.g. in the Worker:
//      fetch(url, { integrity: 'sha384-' /* sri: pkg/custodian_wasm_bg.wasm */ })
//    This is how files that HTML cannot pin (the .wasm the Worker fetches, scripts it
//    imports) are pinned: the Worker passes the value to fetch(), and the page that holds
//    the Worker's own hash is pinned by (1).
// 3. With --preload, first: for each <script type="module" src> in a page, every module it
//    imports statically (relative specifiers, followed through the files) gets a
//    <link rel="modulepreload" href> before the script tag, which (1) then pins. The browser
//    reuses that integrity-checked fetch when the import runs, so the page's whole static
//    module graph is pinned, not only its entry. (A Worker's own imports cannot be pinned this
//    way; the Worker pins what it fetches itself, as in (2).)
// 4. A module loaded on first use (the password meter's zxcvbn-ts, 63 modules) is not preloaded
//    by the page: its importer names the entries of its graph in a marker, in place of an
//    object literal,
//      const PINS = /* sri-graph: ../vendor/a/index.mjs ../vendor/b/index.mjs */ {};
//    and the build (with --preload) writes there the entries and every module they import,
//    each as an integrity marker of (2):
//      const PINS = /* sri-graph: ... */ { '../vendor/a/index.mjs': 'sha384-…' /* sri: ../vendor/a/index.mjs */, … };
//    which (2) then fills in. The importer (pinned itself, by (3)) adds a modulepreload link
//    with that integrity for each before its import(), so the whole graph is pinned, fetched
//    only when it is needed. A literal import() of a graph entry named this way gets no
//    preload in the page; `--check` fails if a graph's listing is not its current module graph.
// Files are hashed after their own markers are filled in, leaves first; a cycle is an error.

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const GRAPH = /\/\*\s*sri-graph:\s*([^*]+?)\s*\*\/\s*\{[^}]*\}/g;
const MARKER = /(['"])sha384-[A-Za-z0-9+/=]*\1(\s*\/\*\s*sri:\s*([^\s*]+)\s*\*\/)/g;
const TAG = /<(script|link)\b[^>]*>/gi;
const ATTR = (name) => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i');
const PINNED_RELS = new Set(['stylesheet', 'modulepreload', 'preload']);

export function sri(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

function attr(tag, name) {
  const m = tag.match(ATTR(name));
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function setIntegrity(tag, value) {
  if (ATTR('integrity').test(tag)) return tag.replace(ATTR('integrity'), ` integrity="${value}"`);
  return tag.replace(/\s*(\/?)>$/, ` integrity="${value}"$1>`);
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** A local path for `url` as written in `from`, or undefined for another origin. */
function localTarget(root, from, url) {
  if (!url || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
  const clean = url.split(/[?#]/)[0];
  const path = clean.startsWith('/') ? join(root, clean) : resolve(dirname(from), clean);
  if (path !== root && !path.startsWith(root + sep)) {
    throw new Error(`${relative(root, from)}: ${url} points outside ${root}`);
  }
  return path;
}

/** What each text file references: [{start, end, target, kind}], in file order. */
function references(root, file, text) {
  const refs = [];
  if (/\.m?js$/.test(file)) {
    for (const m of text.matchAll(MARKER)) {
      refs.push({ kind: 'marker', match: m[0], index: m.index, quote: m[1], rest: m[2],
        target: localTarget(root, file, m[3]), url: m[3] });
    }
  } else if (file.endsWith('.html')) {
    for (const m of text.matchAll(TAG)) {
      const tag = m[0];
      const isScript = /^<script/i.test(tag);
      const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
      if (!isScript && !rel.some((r) => PINNED_RELS.has(r))) continue;
      const url = attr(tag, isScript ? 'src' : 'href');
      const target = localTarget(root, file, url);
      if (target) refs.push({ kind: 'tag', match: tag, index: m.index, target, url });
    }
  }
  for (const r of refs) {
    if (!r.target || !statSync(r.target, { throwIfNoEntry: false })?.isFile()) {
      throw new Error(`${relative(root, file)}: ${r.url} does not exist under ${root}`);
    }
  }
  return refs;
}

// `import ... from './x.js'`, `export ... from './x.js'`, `import './x.js'`, and `import('./x.js')`
// with a literal (a module the page may load later, e.g. the wallet window's site host).
const STATIC_IMPORT = /\b(?:import|export)\b[^'";()]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*\(?\s*(['"])([^'"]+)\3/g;

/**
 * The files `file` imports (statically, or by a literal import()) with a relative or
 * root-relative specifier. With `lazy`, a literal import() of an entry of the file's own
 * sri-graph markers is left out (the file pins and preloads that graph itself, see 4. above).
 */
function staticImports(root, file, { lazy = false } = {}) {
  const text = readFileSync(file, 'utf8');
  const skip = lazy ? new Set(graphMarkers(root, file, text).flatMap((g) => g.entries)) : new Set();
  const out = [];
  for (const m of text.matchAll(STATIC_IMPORT)) {
    const specifier = m[2] ?? m[4];
    if (!/^(\.{1,2})?\//.test(specifier)) continue;
    const target = specifier.startsWith('/') ? join(root, specifier) : resolve(dirname(file), specifier.split(/[?#]/)[0]);
    if (m[4] !== undefined && skip.has(target)) continue;
    if (statSync(target, { throwIfNoEntry: false })?.isFile()) out.push(target);
  }
  return out;
}

/** The sri-graph markers of a module: [{match, index, entries (absolute paths), listing}]. */
function graphMarkers(root, file, text) {
  if (!/\.m?js$/.test(file)) return [];
  return [...text.matchAll(GRAPH)].map((m) => {
    const entries = m[1].split(/\s+/).map((path) => {
      const target = localTarget(root, file, path);
      if (!target || !statSync(target, { throwIfNoEntry: false })?.isFile()) {
        throw new Error(`${relative(root, file)}: sri-graph entry ${path} does not exist under ${root}`);
      }
      return target;
    });
    return { match: m[0], index: m.index, entries, listing: m[1] };
  });
}

/** Every module `entries` load (themselves and all they import, statically or by a literal import()), in a stable order. */
function moduleGraph(root, entries) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of staticImports(root, file)) visit(dep);
  };
  for (const entry of entries) visit(entry);
  return [...seen];
}

/** The text a sri-graph marker becomes: the object of every module of its graph, hashes empty (run() fills them). */
function expandedGraph(root, file, marker) {
  const lines = moduleGraph(root, marker.entries).map((target) => {
    const rel = relative(dirname(file), target).split(sep).join('/');
    const path = rel.startsWith('.') ? rel : `./${rel}`;
    return `  '${path}': 'sha384-' /* sri: ${path} */,`;
  });
  return `/* sri-graph: ${marker.listing} */ {\n${lines.join('\n')}\n}`;
}

/**
 * Writes out every sri-graph marker under `root` (4. above). Returns the problems found (in
 * check mode nothing is written, and a listing that is not the current graph is a problem).
 */
export function expandModuleGraphs(root, { check = false } = {}) {
  root = resolve(root);
  const problems = [];
  for (const file of walk(root).filter((f) => /\.m?js$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    const markers = graphMarkers(root, file, text);
    if (markers.length === 0) continue;
    let out = '';
    let last = 0;
    for (const marker of markers) {
      const expanded = expandedGraph(root, file, marker);
      // The hashes are run()'s business: compare the listing with them blanked.
      if (marker.match.replace(/'sha384-[A-Za-z0-9+/=]*'/g, "'sha384-'") !== expanded) {
        problems.push(`${relative(root, file)}: the sri-graph of ${marker.listing} does not list its current module graph`);
      }
      out += text.slice(last, marker.index) + expanded;
      last = marker.index + marker.match.length;
    }
    out += text.slice(last);
    if (!check && out !== text) writeFileSync(file, out);
  }
  return problems;
}

/** Adds a modulepreload link for every module each page's module scripts import (see 3. above). */
export function addModulePreloads(root) {
  root = resolve(root);
  let added = 0;
  for (const page of walk(root).filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(page, 'utf8');
    const present = new Set();
    for (const m of html.matchAll(TAG)) {
      const tag = m[0];
      if (/^<link/i.test(tag) && (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/).includes('modulepreload')) {
        const target = localTarget(root, page, attr(tag, 'href'));
        if (target) present.add(target);
      }
    }
    let out = '';
    let last = 0;
    for (const m of html.matchAll(TAG)) {
      const tag = m[0];
      if (!/^<script/i.test(tag) || (attr(tag, 'type') ?? '').toLowerCase() !== 'module') continue;
      const entry = localTarget(root, page, attr(tag, 'src'));
      if (!entry) continue;
      const seen = new Set([entry]);
      const order = [];
      const visit = (file) => {
        for (const dep of staticImports(root, file, { lazy: true })) {
          if (seen.has(dep)) continue;
          seen.add(dep);
          order.push(dep);
          visit(dep);
        }
      };
      visit(entry);
      const links = order.filter((dep) => !present.has(dep)).map((dep) => {
        present.add(dep);
        const href = relative(dirname(page), dep).split(sep).join('/');
        return `<link rel="modulepreload" href="${href.startsWith('.') ? href : `./${href}`}">`;
      });
      if (links.length === 0) continue;
      const indent = html.slice(html.lastIndexOf('\n', m.index) + 1, m.index);
      out += html.slice(last, m.index) + links.map((link) => `${link}\n${/^\s*$/.test(indent) ? indent : ''}`).join('');
      last = m.index;
      added += links.length;
    }
    if (last > 0) writeFileSync(page, out + html.slice(last));
  }
  return added;
}

/**
 * Fills in every integrity value under `root`. Returns the list of problems found (in check
 * mode: nothing is written, and every missing or stale value is a problem).
 */
export function run(root, { check = false } = {}) {
  root = resolve(root);
  const files = walk(root).filter((f) => /\.(html|m?js)$/.test(f));
  const refsOf = new Map(files.map((f) => [f, references(root, f, readFileSync(f, 'utf8'))]));
  const done = new Map();
  const visiting = new Set();
  const problems = [];

  const finish = (file) => {
    if (done.has(file)) return done.get(file);
    if (!refsOf.has(file)) {
      const hash = sri(readFileSync(file));
      done.set(file, hash);
      return hash;
    }
    if (visiting.has(file)) throw new Error(`integrity cycle through ${relative(root, file)}`);
    visiting.add(file);
    let text = readFileSync(file, 'utf8');
    let out = '';
    let last = 0;
    for (const r of refsOf.get(file)) {
      const want = finish(r.target);
      const replacement = r.kind === 'marker'
        ? `${r.quote}${want}${r.quote}${r.rest}`
        : setIntegrity(r.match, want);
      if (replacement !== r.match) {
        problems.push(`${relative(root, file)}: ${r.url} ${r.kind === 'tag' ? attr(r.match, 'integrity') ? 'has a stale integrity' : 'has no integrity' : 'has a stale marker'}`);
      }
      out += text.slice(last, r.index) + replacement;
      last = r.index + r.match.length;
    }
    out += text.slice(last);
    if (!check && out !== text) writeFileSync(file, out);
    text = check ? text : out;
    visiting.delete(file);
    const hash = sri(Buffer.from(text));
    done.set(file, hash);
    return hash;
  };
  for (const f of files) finish(f);
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? args[rootAt + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'www');
  const check = args.includes('--check');
  try {
    if (args.includes('--preload') && !check) {
      expandModuleGraphs(root);
      addModulePreloads(root);
    }
    const problems = [...(check ? expandModuleGraphs(root, { check }) : []), ...run(root, { check })];
    if (check && problems.length > 0) {
      console.error(`sri: ${problems.length} integrity values missing or stale:\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    console.log(check ? 'sri: every integrity value is current'
      : `sri: ${problems.length} integrity values written under ${root}`);
  } catch (e) {
    console.error(`sri: ${e.message}`);
    process.exit(1);
  }
}
