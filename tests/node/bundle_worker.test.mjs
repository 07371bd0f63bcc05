// scripts/bundle-worker.mjs, which makes the wallet Worker one file: a module graph with every
// import and export form tsc and wasm-bindgen emit runs the same bundled as unbundled, and each
// form it does not handle is refused with the file and line rather than bundled wrongly.
// (The shipped Worker itself runs bundled in every browser test, tests/e2e.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundle } from '../../scripts/bundle-worker.mjs';

function site(files) {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bundle-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const GRAPH = {
  'entry.js': [
    "import makeDefault, { counter as count, Shape } from './lib/b.js';",
    "import * as c from './lib/c.js';",
    "import { here } from './e.js';",
    "import './side.js';",
    'globalThis.bundleResult = { made: makeDefault(), count: count(), shape: new Shape(3).area(), z: c.z, url: c.url, d: c.d, here, order: globalThis.bundleOrder };',
  ].join('\n'),
  'lib/b.js': [
    "import d from '../d.js';",
    'let calls = 0;',
    'export default function make() { return `made ${d}`; }',
    'export function counter() { calls += 1; return calls; }',
    'export class Shape { constructor(side) { this.side = side; } area() { return this.side * this.side; } }',
  ].join('\n'),
  'lib/c.js': "import d from '../d.js';\nconst z = 'zed';\nconst url = import.meta.url;\nexport { z, url, d };\n",
  'e.js': 'export const here = new URL(\'./d.js\', import.meta.url).href;\n',
  'd.js': "(globalThis.bundleOrder ??= []).push('d');\nexport default 42;\n",
  'side.js': "(globalThis.bundleOrder ??= []).push('side');\n",
};

test('a module graph bundled into one file behaves as the graph did', async () => {
  const dir = site(GRAPH);
  try {
    const out = join(dir, 'out.js');
    const text = bundle(join(dir, 'entry.js'), out);
    assert.doesNotMatch(text, /^\s*(import|export)\b/m, 'no import or export statement is left');
    assert.equal(text.match(/^\/\/ ---- /gm).length, 6, 'six modules, each once (d.js is imported twice)');
    // In the output's directory, import.meta.url is left as written (bundlers downstream look for it).
    assert.match(text, /new URL\('\.\/d\.js', import\.meta\.url\)/);
    writeFileSync(out, text);
    delete globalThis.bundleResult;
    delete globalThis.bundleOrder;
    await import(pathToFileURL(out).href);
    assert.deepEqual(globalThis.bundleResult, {
      made: 'made 42',
      count: 1,
      shape: 9,
      z: 'zed',
      // import.meta.url still names the module's own file, so URLs built from it are unchanged.
      url: pathToFileURL(join(dir, 'lib/c.js')).href,
      d: 42,
      here: pathToFileURL(join(dir, 'd.js')).href,
      order: ['d', 'side'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('forms the bundler does not handle are refused, naming the file', () => {
  const refused = {
    'import cycle': { 'entry.js': "import { a } from './a.js';\n", 'a.js': "import './entry.js';\nexport const a = 1;\n" },
    'an exported let': { 'entry.js': "import { a } from './a.js';\n", 'a.js': 'export let a = 1;\n' },
    'top-level await': { 'entry.js': 'await Promise.resolve();\n' },
    'top-level for await': { 'entry.js': 'for await (const x of []) {}\n' },
    'a bare specifier': { 'entry.js': "import x from 'ethers';\n" },
    're-export from another module': { 'entry.js': "export { a } from './a.js';\n", 'a.js': 'export const a = 1;\n' },
    'a name the module does not export': { 'entry.js': "import { b } from './a.js';\n", 'a.js': 'export const a = 1;\n' },
    'dynamic import': { 'entry.js': "const m = import('./a.js');\n", 'a.js': 'export const a = 1;\n' },
  };
  const expected = {
    'import cycle': /import cycle through/,
    'an exported let': /a\.js:1: an exported let\/var/,
    'top-level await': /entry\.js:1: top-level await/,
    'top-level for await': /entry\.js:1: top-level await/,
    'a bare specifier': /entry\.js:1: only relative imports can be bundled, not ethers/,
    're-export from another module': /entry\.js:1: `export \.\.\. from` is not supported/,
    'a name the module does not export': /entry\.js:1: .*a\.js does not export b/,
    'dynamic import': /entry\.js:1: dynamic import\(\) is not supported/,
  };
  let count = 0;
  for (const [name, files] of Object.entries(refused)) {
    const dir = site(files);
    try {
      assert.throws(() => bundle(join(dir, 'entry.js'), join(dir, 'out.js')), expected[name], name);
      count += 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.equal(count, 8);
});
