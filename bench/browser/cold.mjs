// Cold start of Custodian in a fresh module Worker: fetch + compile + instantiate the .wasm,
// open a sealed vault, unlock it (Argon2id at the vault's cost), first signature. Every mark
// is an absolute time (timeOrigin + now) so the page can add the Worker's own start-up.
// With `memory=1` it also reports the module's linear memory after several unlocks.

const mark = () => performance.timeOrigin + performance.now();
const marks = { scriptStart: mark() };
const params = new URL(self.location.href).searchParams;
// `prefetch=1`: start fetching the .wasm before the glue is imported, so the two downloads
// overlap (what a Worker can do with `init({module_or_path: fetch(url)})`).
const WASM = '/web/pkg/custodian_wasm_bg.wasm';
const early = params.get('prefetch') === '1' ? fetch(WASM) : null;
const input = new Promise((resolve) => {
  self.onmessage = ({ data }) => resolve(data);
});

try {
  const glue = await import('/web/pkg/custodian_wasm.js');
  marks.glueLoaded = mark();
  const exports = await glue.default({ module_or_path: early ?? WASM });
  marks.instantiated = mark();
  const { sealed, password, request } = await input;
  marks.inputReceived = mark();
  const memory = [['instantiated', exports.memory.buffer.byteLength]];
  const wallet = new glue.Custodian(sealed);
  marks.constructed = mark();
  await wallet.request({ method: 'wallet_unlock', params: { password } });
  wallet.takeEvents();
  marks.unlocked = mark();
  memory.push(['unlock 1', exports.memory.buffer.byteLength]);
  const signature = await wallet.request(request);
  marks.firstSignature = mark();
  if (params.get('memory') === '1') {
    for (let i = 2; i <= 4; i++) {
      await wallet.request({ method: 'wallet_lock' });
      await wallet.request({ method: 'wallet_unlock', params: { password } });
      wallet.takeEvents();
      memory.push([`unlock ${i}`, exports.memory.buffer.byteLength]);
    }
  }
  self.postMessage({ marks, memory, signature });
} catch (error) {
  self.postMessage({ error: String(error?.stack ?? error) });
}
