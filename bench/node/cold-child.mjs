// One cold start of Custodian in a fresh Node process (spawned by cold.mjs): import the glue,
// read + compile + instantiate the .wasm, open the sealed vault, unlock, first signature.
//   node bench/node/cold-child.mjs <sealed-vault-file> <password> <request-json> [memory]

import { readFileSync } from 'node:fs';

const t = { start: performance.now() };
const glue = await import(new URL('../../web/pkg/custodian_wasm.js', import.meta.url));
t.glue = performance.now();
const bytes = readFileSync(new URL('../../web/pkg/custodian_wasm_bg.wasm', import.meta.url));
t.read = performance.now();
const module = new WebAssembly.Module(bytes);
t.compiled = performance.now();
const exports = glue.initSync({ module });
t.instantiated = performance.now();
const [sealedFile, password, requestJson, memoryFlag] = process.argv.slice(2);
const sealed = readFileSync(sealedFile);
const memory = [['instantiated', exports.memory.buffer.byteLength]];
t.inputRead = performance.now();
const wallet = new glue.Custodian(sealed);
t.constructed = performance.now();
await wallet.request({ method: 'wallet_unlock', params: { password } });
wallet.takeEvents();
t.unlocked = performance.now();
memory.push(['unlock 1', exports.memory.buffer.byteLength]);
const signature = await wallet.request(JSON.parse(requestJson));
t.firstSignature = performance.now();
if (memoryFlag === 'memory') {
  for (let i = 2; i <= 4; i++) {
    await wallet.request({ method: 'wallet_lock' });
    await wallet.request({ method: 'wallet_unlock', params: { password } });
    wallet.takeEvents();
    memory.push([`unlock ${i}`, exports.memory.buffer.byteLength]);
  }
}
process.stdout.write(JSON.stringify({ t, memory, signature }));
