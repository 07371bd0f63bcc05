// The wallet Worker's host (web/src/worker-host.ts) over the real module, with timers inside:
// from each request's `message` event to its answer's postMessage, and the calls into the
// module on the way (bench/browser/rpc-parts.mjs). A `{type: 'stats'}` message answers with
// the means since the last one, in µs per request.
import initWasm, { Custodian } from '/web/pkg/custodian_wasm.js';
import { openStoredWallet, serveWorker } from '/web/dist/worker-host.js';

const spent = { busy: 0, request: 0, takeSave: 0, takeEvents: 0 };
let answered = 0;
let received = 0;

const clock = (name, call) => {
  const start = performance.now();
  try {
    return call();
  } finally {
    spent[name] += performance.now() - start;
  }
};

function timed(core) {
  return {
    request: async (args, ...origin) => {
      const start = performance.now();
      try {
        return await core.request(args, ...origin);
      } finally {
        spent.request += performance.now() - start;
      }
    },
    takeSave: () => clock('takeSave', () => core.takeSave()),
    takeEvents: () => clock('takeEvents', () => core.takeEvents()),
    free: () => core.free(),
  };
}

const endpoint = {
  postMessage(message) {
    if (message.type === 'response') {
      spent.busy += performance.now() - received;
      answered += 1;
    }
    self.postMessage(message);
  },
  addEventListener(type, listener) {
    self.addEventListener(type, (event) => {
      if (event.data?.type !== 'stats') {
        received = performance.now();
        listener(event);
        return;
      }
      const perRequestUs = Object.fromEntries(Object.entries(spent).map(([k, ms]) => [k, (ms / answered) * 1000]));
      self.postMessage({ type: 'stats', answered, perRequestUs });
      for (const k of Object.keys(spent)) spent[k] = 0;
      answered = 0;
    });
  },
  removeEventListener() {},
};

serveWorker(endpoint, {
  open: async (init) => {
    await initWasm({ module_or_path: '/web/pkg/custodian_wasm_bg.wasm' });
    return openStoredWallet({ indexedDB, name: init.dbName, construct: (sealed, records) => timed(new Custodian(sealed, records ?? null)) });
  },
});
