// The Worker that holds the WebAssembly module. Keys exist only in here; what goes back to
// the page is public data. `onmessage` only dispatches.

import init, { demo_addresses, version } from './pkg/custodian_wasm.js';

// Fetches pkg/custodian_wasm_bg.wasm (next to the glue) and compiles it once.
const ready = init();

const methods = {
  demo_addresses: () => demo_addresses(),
  version: () => version(),
};

self.addEventListener('message', async (event) => {
  const { id, method } = event.data ?? {};
  try {
    await ready;
    const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (!handler) throw new Error(`unknown method: ${String(method)}`);
    self.postMessage({ id, result: handler() });
  } catch (err) {
    self.postMessage({ id, error: { message: err instanceof Error ? err.message : String(err) } });
  }
});
