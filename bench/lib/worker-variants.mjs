// The wallet Worker in the forms the cold-start bench compares (bench/browser/cold-app.mjs):
//
//   shipped      web/dist/worker.js: one file (scripts/bundle-worker.mjs), the product default
//   page-compile the same, with the .wasm compiled in the page and the module posted to it
//                (createCustodian's `compileInPage`)
//   modules      the tsc output as it was before the bundling step: worker.js importing the glue,
//                the host, the store and the protocol (bench/out/modules/)
//   traced       a copy of the one file with timestamps at the Worker's script start, init,
//                module ready and vault open, posted to the page as a `message` event; only
//                for the phase breakdown (its totals are the shipped file's plus four marks)
//
// Both generated forms are built from the current sources, under bench/out/.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from '../../scripts/bundle-worker.mjs';

const MARKS = [
  // [what to find in the bundle, what to put instead]
  ['async function open(init) {\n', "async function open(init) {\n    __benchMark('init');\n"],
  [
    '    await contract.init({ module_or_path: init.module ?? init.wasmUrl ?? (await defaultWasm()) });\n',
    "    await contract.init({ module_or_path: init.module ?? init.wasmUrl ?? (await defaultWasm()) });\n    __benchMark('instantiated');\n",
  ],
  [
    "        post({ v: PROTOCOL_VERSION, type: 'ready' });",
    "        __benchMark('opened');\n        post({ v: PROTOCOL_VERSION, type: 'event', event: 'message', data: { type: 'bench', data: __benchMarks } });\n        post({ v: PROTOCOL_VERSION, type: 'ready' });",
  ],
];

/** Builds the generated forms; returns the variants for `runBench({appWorkers})`. */
export function prepareWorkerVariants(root) {
  const out = join(root, 'bench/out/modules');
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'web/tsconfig.json'), '--outDir', join(out, 'dist')], { stdio: 'inherit' });
  mkdirSync(join(out, 'pkg'), { recursive: true });
  for (const name of ['custodian_wasm.js', 'custodian_wasm_bg.wasm']) copyFileSync(join(root, 'web/pkg', name), join(out, 'pkg', name));

  const tracedFile = join(root, 'bench/out/worker-traced.js');
  let traced = bundle(join(out, 'dist/worker.js'), tracedFile);
  for (const [find, replace] of MARKS) {
    if (traced.split(find).length !== 2) throw new Error(`worker-variants: the Worker no longer contains ${JSON.stringify(find)}; update MARKS`);
    traced = traced.replace(find, replace);
  }
  const prelude = 'const __benchMarks = { scriptStart: performance.timeOrigin + performance.now() };\n'
    + 'const __benchMark = (name) => { __benchMarks[name] = performance.timeOrigin + performance.now(); };\n';
  writeFileSync(tracedFile, prelude + traced);

  return {
    shipped: { worker: '/web/dist/worker.js', compileInPage: false },
    'page-compile': { worker: '/web/dist/worker.js', compileInPage: true },
    modules: { worker: '/bench/out/modules/dist/worker.js', compileInPage: false },
    traced: { worker: '/bench/out/worker-traced.js', compileInPage: false },
  };
}
