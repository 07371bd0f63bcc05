// Test-only: a Custodian over the shipped package (www/vendor/custodian-web: web/dist and the
// real WASM in its Worker), exposed to the Playwright tests as `window.harness`.
// `?db=NAME` picks the IndexedDB database, so tests in one browser profile stay apart.

import { compileWasm, createCustodian, defaultWasmIntegrity } from '/vendor/custodian-web/dist/index.js';

const params = new URLSearchParams(location.search);
const custodian = createCustodian({ dbName: params.get('db') ?? 'custodian-e2e' });

/** A request's outcome as plain data, for page.evaluate to return. */
async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, code: error?.code, kind: error?.data?.kind, message: String(error?.message ?? error) };
  }
}

/**
 * Keeps `inFlight` saving requests (wallet_addAccount, wallet_renameAccount of `renameTarget`)
 * outstanding until stopped. Each answer is reported to `window.e2eAck` (a Playwright binding)
 * as soon as it arrives, so the test knows what the wallet acknowledged before it was killed.
 * Requests are numbered in the order they are posted, which is the order the Worker runs them.
 */
function saveStream({ round, renameTarget, inFlight = 4 }) {
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped) {
      const n = next;
      next += 1;
      if (n % 3 === 2) {
        const label = `r${round}-${n}`;
        const outcome = await settle(custodian.request({ method: 'wallet_renameAccount', params: { address: renameTarget, label } }));
        if (!outcome.ok) break;
        window.e2eAck({ kind: 'rename', round, n, label });
      } else {
        const chain = n % 3 === 0 ? 'ethereum' : 'solana';
        const label = `a${round}-${n}`;
        const outcome = await settle(custodian.request({ method: 'wallet_addAccount', params: { chain, label } }));
        if (!outcome.ok) break;
        window.e2eAck({ kind: 'add', round, n, chain, label, address: outcome.value.address });
      }
    }
  };
  for (let i = 0; i < inFlight; i += 1) void lane();
  return { sent: () => next, stop: () => { stopped = true; } };
}

window.harness = { custodian, provider: custodian.provider, settle, saveStream, createCustodian, compileWasm, defaultWasmIntegrity };
custodian.ready().then(
  () => {
    document.body.dataset.state = 'ready';
  },
  (error) => {
    document.body.dataset.state = 'error';
    document.body.dataset.error = String(error?.message ?? error);
  },
);
