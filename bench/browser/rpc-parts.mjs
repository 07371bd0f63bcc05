// Where a Worker RPC's time goes (bench/rpc-parts.mjs drives this page): the same `eth_chainId`
// round trip measured over layers added one at a time, interleaved, plus the wallet Worker's
// own busy time per request measured inside it.
//
//   echo            a module Worker that posts each message back: the browser's floor
//   client + no-op  CustodianClient over a Worker that answers every request at once
//                   (rpc-fake-worker.mjs): the page side's own cost on top of the floor
//   wallet          CustodianClient over the shipped Worker (web/dist/worker.js), unlocked
//   wallet, traced  the same host and module with timers inside (rpc-traced-worker.mjs)

import { CustodianClient } from '/web/dist/client.js';
import { KDF_19M, MNEMONIC, PASSWORD } from '/bench/lib/fixtures.mjs';
import { median } from '/bench/lib/measure.mjs';

/** Mean µs per call over `n` sequential calls. */
async function timeLoop(run, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run();
  return ((performance.now() - t0) / n) * 1000;
}

async function unlockedClient(spawn, dbName) {
  const client = new CustodianClient({ spawn, dbName });
  await client.ready();
  await client.request({ method: 'wallet_import', params: { password: PASSWORD, mnemonic: MNEMONIC, kdf: KDF_19M } });
  return client;
}

window.runParts = async ({ rounds, calls }) => {
  const stamp = Date.now();
  const echo = new Worker('/bench/browser/echo-worker.mjs', { type: 'module' });
  let echoed;
  echo.onmessage = () => echoed();
  const noop = new CustodianClient({ spawn: () => new Worker('/bench/browser/rpc-fake-worker.mjs', { type: 'module' }), dbName: 'unused' });
  await noop.ready();
  const wallet = await unlockedClient(() => new Worker('/web/dist/worker.js', { type: 'module', name: 'custodian' }), `parts-${stamp}`);
  let tracedWorker;
  let statsArrived;
  const traced = await unlockedClient(() => {
    tracedWorker = new Worker('/bench/browser/rpc-traced-worker.mjs', { type: 'module' });
    tracedWorker.addEventListener('message', ({ data }) => data.type === 'stats' && statsArrived(data));
    return tracedWorker;
  }, `parts-traced-${stamp}`);
  const stats = () => new Promise((resolve) => {
    statsArrived = resolve;
    tracedWorker.postMessage({ type: 'stats' });
  });

  const request = { method: 'eth_chainId' };
  const cases = {
    echo: () => new Promise((resolve) => { echoed = resolve; echo.postMessage({ id: 1, ...request }); }),
    'client + no-op Worker': () => noop.request(request),
    wallet: () => wallet.request(request),
    'wallet, traced': () => traced.request(request),
  };
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const run of Object.values(cases)) await timeLoop(run, 200); // warm-up
  await stats(); // and forget the warm-up's figures
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(cases)) samples[name].push(await timeLoop(run, calls));
  }
  const inside = await stats();
  for (const c of [echo]) c.terminate();
  for (const c of [noop, wallet, traced]) c.terminate();
  return { roundTripUs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])), inside };
};
