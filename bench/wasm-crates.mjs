#!/usr/bin/env node
// Which crates the .wasm is made of: code bytes per crate from `twiggy top` on the wasm-bindgen
// output before wasm-opt (it still has the function-name section), and, when a wasm-ld map is
// given, data bytes per crate from the linker's symbol list.
//
//   cargo install twiggy
//   node bench/wasm-crates.mjs [module.wasm] [--map linker.map] [--json]
//
// The map comes from a build with `RUSTFLAGS="-C link-arg=--Map=FILE"` (docs/benchmarks.md).
// Attribution is by the first crate named in each symbol: after LTO, generic code instantiated
// for a caller's types is counted under the crate that defines the function or type first
// mentioned, so the split is approximate (a few percent either way), not exact.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const mapAt = args.indexOf('--map');
const mapFile = mapAt >= 0 ? args[mapAt + 1] : null;
const wasm = args.find((a, i) => !a.startsWith('--') && i !== mapAt + 1) ?? 'target/wasm-bindgen/web/custodian_wasm_bg.wasm';

/** The crate of a demangled Rust symbol, or a bucket for non-Rust items. */
export function crateOf(name) {
  let n = name.trim();
  if (n.startsWith('data segment') || n.startsWith('"') || n.startsWith('elem') || n.startsWith('table')) return `(${n.replace(/"/g, '')})`;
  // `<A as B>::f` and `<impl X for A>`: the type's crate.
  n = n.replace(/^<+(impl\s+(\S+\s+for\s+)?)?&?(mut\s+)?(dyn\s+)?/, '');
  const m = n.match(/^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/);
  if (m) {
    const crate = m[1];
    if (['core', 'alloc', 'std'].includes(crate)) return 'std (core/alloc)';
    return crate.replace(/_/g, '-');
  }
  if (/^(__|wasm_bindgen|__wbg|__wbindgen)/.test(n)) return 'wasm-bindgen';
  if (/^(memcpy|memset|memmove|memcmp|bcmp|dlmalloc|__rust|rust_)/.test(n)) return 'std (core/alloc)';
  return '(other)';
}

function twiggyRows(file) {
  const out = execFileSync('twiggy', ['top', '-n', '1000000', '--format', 'json', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return JSON.parse(out);
}

/** Data symbols from a wasm-ld map: lines `addr size align   symbol` under a data output section. */
function mapDataSymbols(file) {
  const rows = [];
  let inData = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    const [, size, , ...rest] = cols;
    const what = rest.join(' ');
    if (/^(DATA|\.rodata|\.data|\.bss)$/.test(what)) {
      inData = what !== '.bss';
      continue;
    }
    if (/^(CODE|TYPE|IMPORT|FUNCTION|TABLE|MEMORY|GLOBAL|EXPORT|ELEM|CUSTOM)/.test(what)) inData = false;
    if (!inData) continue;
    const sym = what.match(/^\.(?:rodata|data)\.(.+)$/)?.[1] ?? (what.includes('.o:(') ? null : what);
    if (sym && /^[0-9a-f]+$/i.test(size)) rows.push({ name: demangle(sym), size: parseInt(size, 16) });
  }
  return rows;
}

/** Enough of legacy Rust demangling (`_ZN3foo3bar17h…E`) to find the crate. */
function demangle(sym) {
  const m = sym.match(/_ZN((?:\d+[^\d][^]*?)+)E/);
  if (!m) return sym;
  const parts = [];
  let rest = m[1];
  while (rest.length) {
    const len = rest.match(/^\d+/);
    if (!len) break;
    const n = Number(len[0]);
    parts.push(rest.slice(len[0].length, len[0].length + n));
    rest = rest.slice(len[0].length + n);
  }
  return parts.join('::').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\.\./g, '::');
}

function group(rows, sizeKey) {
  const totals = new Map();
  for (const r of rows) {
    const c = crateOf(r.name);
    totals.set(c, (totals.get(c) ?? 0) + r[sizeKey]);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

if (!existsSync(wasm)) {
  console.error(`${wasm} not found: run scripts/build-wasm.sh first`);
  process.exit(1);
}
const rows = twiggyRows(wasm);
const total = rows.reduce((s, r) => s + r.shallow_size, 0);
const code = group(rows, 'shallow_size');
const data = mapFile ? group(mapDataSymbols(mapFile), 'size') : null;
if (json) {
  console.log(JSON.stringify({ wasm, total, code, data }, null, 2));
} else {
  console.log(`${wasm}: ${total} bytes (before wasm-opt; names included)\n`);
  console.log('| Crate | code + named items (twiggy) | share |\n|---|---|---|');
  for (const [c, n] of code.slice(0, 30)) console.log(`| ${c} | ${(n / 1024).toFixed(1)} KiB | ${((100 * n) / total).toFixed(1)}% |`);
  if (data) {
    const dataTotal = data.reduce((s, [, n]) => s + n, 0);
    console.log(`\nData segment by crate (linker map, ${(dataTotal / 1024).toFixed(1)} KiB of named symbols):\n`);
    console.log('| Crate | data |\n|---|---|');
    for (const [c, n] of data.slice(0, 20)) console.log(`| ${c} | ${(n / 1024).toFixed(1)} KiB |`);
  }
}
