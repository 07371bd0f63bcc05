// Test plumbing for the embedded wallet: a dapp page, the wallet frame inside it and the wallet
// window it opens, as simulated windows (fake-windows.mjs), running the package's real
// connector, frame and site host; the core behind the site host is the consent fake
// (fake-sites.mjs) unless a test passes another client.

import { after } from 'node:test';
import { connectCustodian } from '../dist/connector.js';
import { serveEmbedFrame } from '../dist/embed-frame.js';
import { createSiteHost } from '../dist/site-host.js';
import { FakeSitesCore } from './fake-sites.mjs';
import { FakePopup, Win, view } from './fake-windows.mjs';
import { until } from './harness.mjs';

export const DAPP = 'https://dapp.example';
export const WALLET = 'https://wallet.example';

const live = new Set();
after(() => {
  for (const world of live) world.close();
});

/**
 * Options: `core` (the site host's client), `dappOrigin`, `popup`: 'open' (default) | 'blocked' | 'silent'
 * (opens, never connects), `frame`: 'ok' (default) | 'dead' (never answers), `connect`: extra
 * connectCustodian options, `autoDecide`: 'approve' | 'reject' | undefined.
 */
export function embedWorld(options = {}) {
  const core = options.core ?? new FakeSitesCore();
  const dappOrigin = options.dappOrigin ?? DAPP;
  const dapp = new Win(dappOrigin, 'dapp');
  const held = [];
  const decided = new Set();
  const world = {
    core,
    dapp,
    held,
    frameWin: undefined,
    frame: undefined,
    popupWin: undefined,
    popup: undefined,
    siteHost: undefined,
    opened: 0,
    /** onHeld calls without a request: the waiting set changed otherwise. */
    changes: 0,
    /** Waits for the next held request not decided yet and decides it. */
    async decideNext(decision, decideOptions) {
      await until(() => held.some((h) => !decided.has(h.requestId)), 3000);
      const next = held.find((h) => !decided.has(h.requestId));
      decided.add(next.requestId);
      await world.siteHost.decide(next.requestId, decision, decideOptions);
      return next;
    },
    close() {
      live.delete(world);
      world.connection?.disconnect();
      world.siteHost?.close();
      world.frame?.close();
    },
  };
  live.add(world);

  const environment = {
    pageOrigin: dappOrigin,
    listen: (listener) => dapp.listen(listener),
    createFrame(src, onLoad) {
      const frameWin = new Win(new URL(src).origin, 'frame');
      world.frameWin = frameWin;
      if (options.frame !== 'dead') {
        world.frame = serveEmbedFrame({
          ownOrigin: WALLET,
          parent: view(dapp, frameWin),
          ancestorOrigins: [dappOrigin],
          listen: (listener) => frameWin.listen(listener),
          onUnload() {},
        });
      } else {
        frameWin.navigate('chrome-error://chromewebdata'); // what a frame blocked by CSP holds
      }
      setTimeout(onLoad, 0);
      let removed = false;
      return {
        get window() {
          return removed ? null : view(frameWin, dapp);
        },
        remove() {
          removed = true;
        },
      };
    },
    openPopup(url) {
      world.opened += 1;
      if (options.popup === 'blocked') return null;
      const popupWin = new Win(WALLET, 'popup');
      const popup = new FakePopup(popupWin);
      world.popupWin = popupWin;
      world.popup = popup;
      world.popupUrl = url;
      if (options.popup !== 'silent') {
        setTimeout(() => {
          world.siteHost?.close();
          world.siteHost = createSiteHost({
            client: core,
            onHeld: (info) => {
              if (info === undefined) {
                world.changes += 1;
                return;
              }
              held.push(info);
              // A refused approval (no vault, say) reaches the dapp as its answer; decide() also
              // rejects with it, which is the app's business, not the test's.
              if (options.autoDecide) world.decideNext(options.autoDecide).catch(() => undefined);
            },
            environment: {
              ownOrigin: WALLET,
              session: new URL(url).searchParams.get('embed'),
              openerFrames: () => (world.frameWin ? [view(world.frameWin, popupWin)] : []),
              createChannel: () => new MessageChannel(),
              onUnload() {},
              focus() {},
            },
            sweepIntervalMs: options.sweepIntervalMs ?? 30_000,
          });
        }, 5);
      }
      return popup;
    },
  };
  world.connection = connectCustodian({ walletUrl: WALLET, environment, announce: false, solana: false, ...options.connect });
  world.provider = world.connection.provider;
  world.client = world.connection.client;
  return world;
}

/** A request's outcome as data. */
export async function settle(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, code: error?.code, kind: error?.data?.kind, message: error?.message };
  }
}
