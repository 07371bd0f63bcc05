// The embedded wallet's messages (web/src/embed-protocol.ts) and the whole dapp -> frame ->
// wallet window path (connector.ts, embed-frame.ts, site-host.ts) over simulated windows that
// enforce postMessage's origin rules, with the consent fake behind the site host. ethers and
// viem drive the provider unchanged; signatures are verified by them and by noble.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { BrowserProvider, verifyMessage, verifyTypedData } from 'ethers';
import { createWalletClient, custom, verifyTypedData as viemVerifyTypedData } from 'viem';
import {
  EMBED_CHANNEL,
  MAX_PARAMS_BYTES,
  MAX_PENDING_PER_FRAME,
  jsonParams,
  parseDappToFrame,
  parseFrameToDapp,
  parseFrameToPopup,
  parsePopupToFrame,
  parsePortOffer,
} from '../dist/embed-protocol.js';
import { CustodianSolanaWallet } from '../dist/wallet-standard.js';
import { DAPP, WALLET, embedWorld, settle } from './embed-harness.mjs';
import { FAKE_ADDRESS, SOLANA_ADDRESS, SOLANA_PUBLIC } from './fake-sites.mjs';
import { Win, starPosts, view } from './fake-windows.mjs';
import { recordProviderEvents, sleep, until } from './harness.mjs';

const env = (message) => ({ channel: EMBED_CHANNEL, v: 1, ...message });
const SESSION = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

const TYPED = {
  domain: { name: 'Demo USD', version: '1', chainId: 1, verifyingContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' },
  types: {
    Permit: [
      { name: 'owner', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  },
  primaryType: 'Permit',
  message: { owner: FAKE_ADDRESS, spender: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', value: 25n * 10n ** 18n, nonce: 0n, deadline: 1_900_000_000n },
};

// --- The messages, one by one

test('dapp -> frame: exactly the listed fields; anything else (an origin of its own) drops the message', () => {
  assert.deepEqual(parseDappToFrame(env({ type: 'hello', session: SESSION })), { type: 'hello', session: SESSION });
  assert.deepEqual(parseDappToFrame(env({ type: 'request', id: 7, method: 'eth_chainId' })), { type: 'request', id: 7, method: 'eth_chainId' });
  assert.deepEqual(parseDappToFrame(env({ type: 'request', id: 0, method: 'personal_sign', params: ['0x00', FAKE_ADDRESS] })), {
    type: 'request',
    id: 0,
    method: 'personal_sign',
    params: ['0x00', FAKE_ADDRESS],
  });
  assert.deepEqual(parseDappToFrame(env({ type: 'popup', state: 'opened' })), { type: 'popup', state: 'opened' });

  const refused = [
    // The one that matters most: a dapp naming an origin is not listened to at all.
    env({ type: 'request', id: 1, method: 'eth_requestAccounts', origin: 'https://bank.example' }),
    env({ type: 'request', id: 1, method: 'eth_accounts', params: [], extra: true }),
    { channel: 'other', v: 1, type: 'hello', session: SESSION },
    { channel: EMBED_CHANNEL, v: 2, type: 'hello', session: SESSION },
    { v: 1, type: 'hello', session: SESSION },
    env({ type: 'hello', session: 'short' }),
    env({ type: 'hello', session: `${SESSION}!` }),
    env({ type: 'hello' }),
    env({ type: 'request', id: -1, method: 'eth_chainId' }),
    env({ type: 'request', id: 1.5, method: 'eth_chainId' }),
    env({ type: 'request', id: '1', method: 'eth_chainId' }),
    env({ type: 'request', id: 2 ** 53, method: 'eth_chainId' }),
    env({ type: 'request', id: 1, method: '' }),
    env({ type: 'request', id: 1, method: 'eth chainId' }),
    env({ type: 'request', id: 1, method: `m${'x'.repeat(64)}` }),
    env({ type: 'request', id: 1, method: 'personal_sign', params: 'hello' }),
    env({ type: 'request', id: 1, method: 'personal_sign', params: null }),
    env({ type: 'popup', state: 'attached' }),
    env({ type: 'response', id: 1, result: null }),
    env({ type: 'port', session: SESSION }),
    [env({ type: 'hello', session: SESSION })],
    null,
    'hello',
  ];
  for (const message of refused) assert.equal(parseDappToFrame(message), undefined, JSON.stringify(message));
});

test('frame -> dapp: one of result or error, errors in {code, message}, and only EIP-1193 events', () => {
  assert.deepEqual(parseFrameToDapp(env({ type: 'response', id: 3, result: null })), { type: 'response', id: 3, result: null });
  const error = { code: 4001, message: 'no', data: { kind: 'UserRejected' } };
  assert.deepEqual(parseFrameToDapp(env({ type: 'response', id: 3, error })), { type: 'response', id: 3, error });
  assert.deepEqual(parseFrameToDapp(env({ type: 'event', event: 'accountsChanged', data: [] })), {
    type: 'event',
    event: 'accountsChanged',
    data: [],
  });
  assert.deepEqual(parseFrameToDapp(env({ type: 'ready', chainId: '0x1' })), { type: 'ready', chainId: '0x1' });
  for (const message of [
    env({ type: 'response', id: 3 }),
    env({ type: 'response', id: 3, result: 1, error }),
    env({ type: 'response', id: 3, error: { code: '4001', message: 'no' } }),
    env({ type: 'response', id: 3, error: { code: 4001 } }),
    env({ type: 'event', event: 'siteRevoked', data: { origin: DAPP } }), // the wallet's own business
    env({ type: 'event', event: 'anything' }),
    env({ type: 'ready' }),
    env({ type: 'ready', chainId: 1 }),
    env({ type: 'popup', state: 'opened' }),
    env({ type: 'hello', session: SESSION }),
  ]) {
    assert.equal(parseFrameToDapp(message), undefined, JSON.stringify(message));
  }
});

test('frame <-> wallet window and the port offer', () => {
  assert.deepEqual(parsePortOffer(env({ type: 'port', session: SESSION })), { type: 'port', session: SESSION });
  assert.equal(parsePortOffer(env({ type: 'port', session: SESSION, origin: DAPP })), undefined);
  assert.equal(parsePortOffer(env({ type: 'port' })), undefined);
  assert.deepEqual(parseFrameToPopup(env({ type: 'attach', origin: DAPP, session: SESSION })), { type: 'attach', origin: DAPP, session: SESSION });
  assert.deepEqual(parseFrameToPopup(env({ type: 'detach' })), { type: 'detach' });
  assert.equal(parseFrameToPopup(env({ type: 'attach', origin: DAPP })), undefined);
  assert.equal(parseFrameToPopup(env({ type: 'request', id: 1, method: 'eth_accounts', origin: DAPP })), undefined);
  assert.deepEqual(parsePopupToFrame(env({ type: 'bye' })), { type: 'bye' });
  assert.equal(parsePopupToFrame(env({ type: 'bye', now: true })), undefined);
  for (const event of ['siteRevoked', 'siteBlocked', 'siteUnblocked']) {
    assert.equal(parsePopupToFrame(env({ type: 'event', event, data: {} })), undefined, event);
  }
});

test('params reach the wallet as plain JSON of bounded size', () => {
  assert.deepEqual(jsonParams([{ a: 1 }, 'x']), { params: [{ a: 1 }, 'x'] });
  assert.deepEqual(jsonParams(undefined), { params: undefined });
  assert.deepEqual(jsonParams([new Map([[1, 2]])]), { params: [{}] });
  assert.equal(jsonParams([1n]).error.code, -32602);
  const cycle = [];
  cycle.push(cycle);
  assert.equal(jsonParams(cycle).error.code, -32602);
  assert.equal(jsonParams(['x'.repeat(MAX_PARAMS_BYTES)]).error.code, -32602);
  assert.deepEqual(jsonParams(['x'.repeat(MAX_PARAMS_BYTES - 10)]).params[0].length, MAX_PARAMS_BYTES - 10);
  // The bound is in UTF-8 bytes, not UTF-16 units: 3 bytes per '€' puts this at 1.5 MiB.
  assert.equal(jsonParams(['€'.repeat(MAX_PARAMS_BYTES / 2)]).error.code, -32602);
  const fits = Math.floor(MAX_PARAMS_BYTES / 3) - 10;
  assert.equal(jsonParams(['€'.repeat(fits)]).params[0].length, fits);
});

// --- The whole path

test('ethers: getSigner asks for consent in the wallet window; signMessage and signTypedData verify', async () => {
  const world = embedWorld({ autoDecide: 'approve' });
  const events = recordProviderEvents(world.provider);
  const ethers = new BrowserProvider(world.provider);
  const signer = await ethers.getSigner();
  assert.equal(signer.address, FAKE_ADDRESS);
  assert.equal(world.opened, 1, 'one wallet window');
  assert.deepEqual(world.held[0], { requestId: world.held[0].requestId, origin: DAPP, consentKind: 'connect', method: 'eth_requestAccounts' });

  const message = 'Sign in to dapp.example\nNonce: 42';
  assert.equal(verifyMessage(message, await signer.signMessage(message)), FAKE_ADDRESS);
  const typed = await signer.signTypedData(TYPED.domain, TYPED.types, TYPED.message);
  assert.equal(verifyTypedData(TYPED.domain, TYPED.types, TYPED.message, typed), FAKE_ADDRESS);
  assert.equal(world.opened, 1, 'the open window served every request');
  assert.deepEqual(
    world.held.map((h) => [h.consentKind, h.method]),
    [
      ['connect', 'eth_requestAccounts'],
      ['sign', 'personal_sign'],
      ['sign', 'eth_signTypedData_v4'],
    ],
  );

  // Every request of the dapp reached the core with the dapp's origin, from the browser.
  const siteCalls = world.core.calls.filter((c) => c.origin !== undefined);
  assert.ok(siteCalls.length >= 5);
  assert.ok(siteCalls.every((c) => c.origin === DAPP));
  assert.ok(events.some(([name, data]) => name === 'accountsChanged' && data[0] === FAKE_ADDRESS));
  assert.deepEqual(starPosts, [], 'no message was ever posted to "*"');
  world.close();
});

test('viem custom(provider): requestAddresses and signTypedData through the wallet window', async () => {
  const world = embedWorld({ autoDecide: 'approve' });
  const client = createWalletClient({ transport: custom(world.provider) });
  const [address] = await client.requestAddresses();
  assert.equal(address, FAKE_ADDRESS);
  const signature = await client.signTypedData({ account: address, ...TYPED });
  assert.equal(await viemVerifyTypedData({ address, ...TYPED, signature }), true);
  world.close();
});

test('a rejection in the wallet window is 4001 for the dapp, and the core holds nothing', async () => {
  const world = embedWorld();
  const pending = settle(world.provider.request({ method: 'eth_requestAccounts' }));
  const decided = await world.decideNext('reject');
  assert.equal(decided.consentKind, 'connect');
  assert.deepEqual(await pending, { ok: false, code: 4001, kind: 'UserRejected', message: 'The user rejected the request.' });
  assert.deepEqual(await world.core.request({ method: 'wallet_listRequests', params: {} }), []);
  world.close();
});

test('a revoked origin gets accountsChanged [] and its signing requests are refused', async () => {
  const world = embedWorld({ autoDecide: 'approve' });
  const events = recordProviderEvents(world.provider);
  assert.deepEqual(await world.provider.request({ method: 'eth_requestAccounts' }), [FAKE_ADDRESS]);
  await world.core.request({ method: 'wallet_revokeSite', params: { origin: DAPP } });
  await until(() => events.some(([name, data]) => name === 'accountsChanged' && data.length === 0));
  assert.deepEqual(await world.provider.request({ method: 'eth_accounts' }), []);
  const refused = await settle(world.provider.request({ method: 'personal_sign', params: ['0x68656c6c6f', FAKE_ADDRESS] }));
  assert.deepEqual([refused.code, refused.kind], [4100, 'SiteNotConnected']);
  world.close();
});

test('a blocked origin gets accountsChanged [] and 4001 SiteBlocked; unblocked, its accounts come back', async () => {
  const world = embedWorld({ autoDecide: 'approve' });
  const events = recordProviderEvents(world.provider);
  assert.deepEqual(await world.provider.request({ method: 'eth_requestAccounts' }), [FAKE_ADDRESS]);
  await world.core.request({ method: 'wallet_blockSite', params: { origin: DAPP } });
  await until(() => events.some(([name, data]) => name === 'accountsChanged' && data.length === 0));
  const refused = await settle(world.provider.request({ method: 'personal_sign', params: ['0x68656c6c6f', FAKE_ADDRESS] }));
  assert.deepEqual([refused.code, refused.kind], [4001, 'SiteBlocked']);
  events.length = 0;
  await world.core.request({ method: 'wallet_unblockSite', params: { origin: DAPP } });
  await until(() => events.some(([name, data]) => name === 'accountsChanged' && data.length === 1));
  assert.deepEqual(events, [['accountsChanged', [FAKE_ADDRESS]]]);
  world.close();
});

test('without the wallet window the frame answers chain and (no) accounts, and opens nothing', async () => {
  const world = embedWorld();
  await world.connection.ready();
  assert.equal(await world.provider.request({ method: 'eth_chainId' }), '0x1');
  assert.deepEqual(await world.provider.request({ method: 'eth_accounts' }), []);
  const other = await settle(world.provider.request({ method: 'wallet_getPolicy' }));
  assert.deepEqual([other.code, other.kind], [4900, 'WalletClosed']);
  assert.equal(world.opened, 0);
  assert.equal(world.core.calls.length, 0, 'nothing reached the core');
  world.close();
});

test('a blocked window, a closed window and a window that never connects each end in 4900, never a hang', async () => {
  const blocked = embedWorld({ popup: 'blocked' });
  const outcome = await settle(blocked.provider.request({ method: 'eth_requestAccounts' }));
  assert.deepEqual([outcome.code, outcome.kind], [4900, 'PopupBlocked']);
  assert.equal(blocked.client.pendingCount, 0);
  blocked.close();

  const closing = embedWorld();
  const events = recordProviderEvents(closing.provider);
  const first = closing.provider.request({ method: 'eth_requestAccounts' });
  await closing.decideNext('approve');
  await first;
  const signing = settle(closing.provider.request({ method: 'personal_sign', params: ['0x68656c6c6f', FAKE_ADDRESS] }));
  await until(() => closing.held.length === 2);
  closing.popup.closed = true; // the user closed the window instead of deciding
  closing.siteHost.close();
  const closed = await signing;
  assert.deepEqual([closed.code, closed.kind], [4900, 'PopupClosed']);
  await until(() => events.some(([name, data]) => name === 'accountsChanged' && data.length === 0));
  await until(() => closing.client.popupState === 'none'); // the connector polls window.closed
  closing.close();

  const silent = embedWorld({ popup: 'silent', connect: { popupTimeoutMs: 150 } });
  const never = await settle(silent.provider.request({ method: 'eth_requestAccounts' }));
  assert.deepEqual([never.code, never.kind], [4900, 'PopupUnresponsive']);
  silent.close();
});

test('a wallet frame that does not answer (blocked by frame-ancestors) fails requests with 4900 EmbedUnavailable', async () => {
  const world = embedWorld({ frame: 'dead', connect: { frameTimeoutMs: 150 } });
  const outcome = await settle(world.provider.request({ method: 'eth_chainId' }));
  assert.deepEqual([outcome.code, outcome.kind], [4900, 'EmbedUnavailable']);
  await assert.rejects(world.connection.ready(), (e) => e.data.kind === 'EmbedUnavailable');
  world.close();
});

test('forged messages are ignored on every hop', async () => {
  const world = embedWorld({ autoDecide: 'approve' });
  await world.connection.ready();
  const frameWin = world.frameWin;

  // 1. To the dapp: a well-formed answer from a window that is not the frame, or from the frame
  //    after it left the wallet's origin, settles nothing.
  const pending = world.provider.request({ method: 'eth_requestAccounts' });
  let settled = false;
  void pending.then(() => (settled = true));
  await until(() => world.held.length === 1 || settled);
  const forged = env({ type: 'response', id: 1, result: ['0x000000000000000000000000000000000000dEaD'] });
  const evil = new Win('https://evil.example', 'evil');
  const otherWalletWindow = new Win(WALLET, 'other wallet window');
  for (let id = 1; id <= 10; id++) {
    view(world.dapp, evil).postMessage({ ...forged, id }, DAPP);
    view(world.dapp, otherWalletWindow).postMessage({ ...forged, id }, DAPP);
  }
  await sleep(20);
  assert.deepEqual(await pending, [FAKE_ADDRESS], 'only the real answer counted');

  // 2. To the frame: a request carrying its own origin, a request from a window that is not
  //    its parent, and a port offered by another origin are all dropped without an answer.
  const before = world.core.calls.length;
  const answersBefore = world.dapp.received.length;
  view(frameWin, world.dapp).postMessage(env({ type: 'request', id: 99, method: 'eth_accounts', origin: 'https://bank.example' }), WALLET);
  view(frameWin, evil).postMessage(env({ type: 'request', id: 98, method: 'eth_accounts' }), WALLET);
  // The offer names the right session (it is in the window's URL, which a dapp chose anyway):
  // only the sender's origin keeps it out.
  const session = new URL(world.popupUrl).searchParams.get('embed');
  const stranger = new MessageChannel();
  const strangerGot = [];
  stranger.port1.onmessage = (event) => strangerGot.push(event.data);
  view(frameWin, evil).postMessage(env({ type: 'port', session }), WALLET, [stranger.port2]);
  await sleep(30);
  assert.deepEqual(strangerGot, [], 'the frame did not attach to a port from another origin');
  assert.equal(world.core.calls.length, before, 'nothing reached the core');
  assert.equal(
    world.dapp.received.slice(answersBefore).filter((e) => e.data?.type === 'response').length,
    0,
    'no answer to a forged request',
  );
  stranger.port1.close();

  // 3. The frame navigates to another origin: the connector stops listening to it, and its own
  //    posts to the frame are dropped by the browser's target-origin check.
  frameWin.navigate('https://evil.example');
  const late = settle(world.client.request({ method: 'eth_chainId', params: [] }, { timeoutMs: 100 }));
  view(world.dapp, frameWin).postMessage(env({ type: 'response', id: 1000, result: '0x539' }), DAPP);
  assert.equal((await late).kind, 'Timeout');
  assert.ok(frameWin.dropped.length > 0, 'the dapp posted only to the wallet origin');
  assert.deepEqual(starPosts, []);
  world.close();
});

test('the Solana wallet over the connector: connect asks for consent, silent connect does not', async () => {
  const world = embedWorld();
  const wallet = new CustodianSolanaWallet(world.client, { origin: DAPP });
  const connect = wallet.features['standard:connect'].connect;

  assert.deepEqual((await connect({ silent: true })).accounts, [], 'nothing granted yet, and no prompt');
  assert.equal(world.opened, 0);

  const connecting = connect();
  const decided = await world.decideNext('approve');
  assert.deepEqual([decided.method, decided.consentKind], ['wallet_connect', 'connect']);
  const { accounts } = await connecting;
  assert.deepEqual(accounts.map((a) => a.address), [SOLANA_ADDRESS]);

  const message = new TextEncoder().encode('Sign in to dapp.example');
  const signing = wallet.features['solana:signMessage'].signMessage({ account: accounts[0], message });
  await world.decideNext('approve');
  const [{ signature, signedMessage }] = await signing;
  assert.deepEqual(signedMessage, message);
  assert.equal(ed25519.verify(signature, message, SOLANA_PUBLIC), true);

  // A later silent connect (the dapp reloading) gets the granted account without a prompt.
  const again = new CustodianSolanaWallet(world.client, { origin: DAPP });
  assert.deepEqual((await again.features['standard:connect'].connect({ silent: true })).accounts.map((a) => a.address), [SOLANA_ADDRESS]);
  assert.equal(world.held.length, 2);
  wallet.detach();
  again.detach();
  world.close();
});

test('a flood of requests is capped per frame; held requests end when the core drops them', async () => {
  const world = embedWorld();
  const outcomes = Array.from({ length: MAX_PENDING_PER_FRAME + 8 }, () => settle(world.provider.request({ method: 'eth_requestAccounts' })));
  await until(() => world.held.length >= 8, 3000);
  // The consent fake holds at most 8 per origin (as the core does); the rest are refused at once.
  world.core.crash(); // the Worker restarts: what it held is gone
  const results = await Promise.all(outcomes);
  const kinds = results.map((r) => r.kind);
  // 8 refused by the frame (32 in flight at most), 24 by the core (8 held per origin), 8 lost.
  assert.equal(kinds.filter((k) => k === 'WorkerCrashed').length, 8);
  assert.equal(kinds.filter((k) => k === 'TooManyRequests').length, MAX_PENDING_PER_FRAME);
  assert.ok(results.every((r) => !r.ok));
  world.close();

  // Locking drops what is held: the site host notices and answers 4100 RequestDropped.
  const locking = embedWorld({ sweepIntervalMs: 50 });
  const asking = settle(locking.provider.request({ method: 'eth_requestAccounts' }));
  await until(() => locking.held.length === 1);
  await locking.core.request({ method: 'wallet_lock', params: {} });
  assert.deepEqual(((r) => [r.code, r.kind])(await asking), [4100, 'RequestDropped']);
  locking.close();
});

test('approving while locked keeps the request held; after unlocking it goes through', async () => {
  const world = embedWorld();
  world.core.unlocked = false;
  const asking = world.provider.request({ method: 'eth_requestAccounts' });
  await until(() => world.held.length === 1);
  const { requestId } = world.held[0];
  await assert.rejects(world.siteHost.decide(requestId, 'approve'), (e) => e.data.kind === 'Locked');
  await world.core.request({ method: 'wallet_unlock', params: { password: 'x' } });
  await world.siteHost.decide(requestId, 'approve', { accounts: [FAKE_ADDRESS] });
  assert.deepEqual(await asking, [FAKE_ADDRESS]);
  assert.deepEqual(world.siteHost.origins, [DAPP]);
  world.close();
});

test('when the dapp page goes away, what it was waiting for is withdrawn from the wallet', async () => {
  const world = embedWorld();
  void world.provider.request({ method: 'eth_requestAccounts' }).catch(() => undefined);
  await until(() => world.held.length === 1);
  assert.equal((await world.core.request({ method: 'wallet_listRequests', params: {} })).length, 1);
  world.frame.close(); // pagehide of the dapp's page: the frame says detach
  await until(() => world.changes === 1);
  assert.deepEqual(await world.core.request({ method: 'wallet_listRequests', params: {} }), []);
  assert.deepEqual(world.siteHost.origins, []);
  world.close();
});
