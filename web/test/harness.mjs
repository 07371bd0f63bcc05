// Test plumbing: a "Worker" made of a MessageChannel, with the real worker host (serveWorker)
// on the far port running the fake core. The wrapper adds what a MessagePort lacks: an `error`
// event to simulate a crash, and `terminate`.

import { after } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { openStoredWallet, serveWorker } from '../dist/worker-host.js';
import { FakeCustodian } from './fake-custodian.mjs';

// Open MessagePorts keep Node running: close whatever a failed test left open, so a failure
// is reported instead of hanging the run.
const live = new Set();
after(() => {
  for (const worker of live) worker.terminate();
});

/** A WorkerLike over `port`, recording what it posts. */
export class PortWorker {
  #port;
  #errors = new EventTarget();
  #onTerminate;
  terminated = false;
  posted = [];

  constructor(port, onTerminate = () => {}) {
    this.#port = port;
    this.#onTerminate = onTerminate;
    live.add(this);
  }

  postMessage(message) {
    this.posted.push(message);
    this.#port.postMessage(message);
  }

  addEventListener(type, listener) {
    if (type === 'error') this.#errors.addEventListener(type, listener);
    else this.#port.addEventListener(type, listener);
  }

  removeEventListener(type, listener) {
    if (type === 'error') this.#errors.removeEventListener(type, listener);
    else this.#port.removeEventListener(type, listener);
  }

  start() {
    this.#port.start();
  }

  terminate() {
    if (this.terminated) return;
    this.terminated = true;
    live.delete(this);
    this.#port.close();
    this.#onTerminate();
  }

  /** What a Worker does when its script throws at top level. */
  crash(message = 'boom') {
    const event = new Event('error');
    event.message = message;
    this.#errors.dispatchEvent(event);
  }
}

/**
 * A `spawn` for CustodianClient: each call starts a fresh "Worker" whose core is loaded from
 * `storage` (a fake IndexedDB shared by every Worker of the test, like a browser profile).
 *
 * options.open(init, defaults) may replace how the wallet is opened.
 */
export function fakeWorkers(options = {}) {
  const indexedDB = options.indexedDB ?? new IDBFactory();
  const spawned = [];
  const cores = [];
  // The same opening logic as worker.ts, with the fake in place of the WASM class.
  const openWallet = async (init) => {
    const wallet = await openStoredWallet({
      indexedDB,
      name: init.dbName,
      construct: (sealed) => new FakeCustodian(sealed),
    });
    cores.push(wallet.core);
    // options.save(vault, store) sees the vault of each save; `store(vault)` persists it with
    // the save's audit records, as the real host does.
    return options.save
      ? { core: wallet.core, save: (request) => options.save(request.vault, (vault) => wallet.save({ ...request, vault })) }
      : wallet;
  };
  const spawn = () => {
    const channel = new MessageChannel();
    const stop = serveWorker(channel.port2, {
      open: (init) => (options.open ? options.open(init, openWallet) : openWallet(init)),
    });
    const worker = new PortWorker(channel.port1, () => {
      stop();
      channel.port2.close();
    });
    spawned.push(worker);
    return worker;
  };
  return { spawn, spawned, cores, indexedDB, get lastCore() { return cores.at(-1); } };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the next client event matching `predicate`. */
export function nextClientEvent(client, predicate = () => true) {
  return new Promise((resolve) => {
    const unsubscribe = client.subscribe((event) => {
      if (predicate(event)) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

/** Collects a provider's events in order as [name, payload]. */
export function recordProviderEvents(provider) {
  const seen = [];
  for (const name of ['accountsChanged', 'chainChanged', 'connect', 'disconnect', 'message']) {
    provider.on(name, (payload) => seen.push([name, payload]));
  }
  return seen;
}

/** Waits until `condition()` is true, checking every few milliseconds, failing after `ms`. */
export async function until(condition, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(5);
  }
}
