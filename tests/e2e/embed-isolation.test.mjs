// What the dapp's page cannot do to the embedded wallet, asserted inside the page, in Debian's
// Chromium. The vault is created first in the wallet origin's own storage (as the standalone
// wallet does), then the demo dapp on another origin loads the connector:
//   - the dapp's IndexedDB has no Custodian database, and its frame of the wallet origin sees
//     none either (third-party storage is partitioned by top-level site: why the vault lives in
//     the wallet window, a first-party page);
//   - the wallet frame's document, storage and globals are out of reach (SecurityError), and
//     neither the dapp page nor its wallet frame runs a Worker;
//   - a page of a third origin that gets hold of the dapp's windows cannot make the wallet frame
//     do anything, nor answer the dapp in the wallet's name;
//   - a request whose message names an origin of its own is ignored.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { NO_NODE, PASSWORD, createVault, launchEmbed, shot, watch } from './lib/embed.mjs';
import { walletWindow } from './lib/wallet-window.mjs';

let env;
let vault;
let dapp;
let problems;

before(async () => {
  env = await launchEmbed();
  vault = await createVault(env);
  dapp = await env.context.newPage();
  problems = watch(dapp, [NO_NODE]); // the demo looks for a local node that is not there
  await dapp.goto(env.demoUrl());
  await dapp.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
});

after(async () => {
  await env?.close();
});

function embedFrame() {
  const frame = dapp.frames().find((f) => f.url() === `${env.wallet.origin}/embed.html`);
  assert.ok(frame, 'the wallet frame is in the page');
  return frame;
}

test('the vault is only in the wallet origin\'s first-party storage', async () => {
  const dappDatabases = await dapp.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.equal(dappDatabases.includes('custodian'), false, `dapp databases: ${dappDatabases}`);
  // The wallet's own frame inside the dapp is third-party: its storage is partitioned under the
  // dapp's site (or refused outright when the browser blocks third-party storage, as this
  // Chromium does): either way, not the user's vault.
  const frameStorage = await embedFrame().evaluate(async () => {
    try {
      return { names: (await indexedDB.databases()).map((d) => d.name) };
    } catch (error) {
      return { refused: error.name };
    }
  });
  assert.ok(frameStorage.refused !== undefined || !frameStorage.names.includes('custodian'), JSON.stringify(frameStorage));
  // ...while a top-level page of the wallet origin (the wallet window is one) has it.
  const page = await env.context.newPage();
  await page.goto(`${env.wallet.url}test/harness.html?db=custodian`);
  const walletDatabases = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  assert.ok(walletDatabases.includes('custodian'), `wallet databases: ${walletDatabases}`);
  await page.close();
});

test('the wallet frame\'s document, storage and globals throw; no Worker on the dapp\'s side', async () => {
  const reach = await dapp.evaluate(() => {
    const frame = document.querySelector('iframe').contentWindow;
    const attempt = (f) => {
      try {
        f();
        return 'reachable';
      } catch (error) {
        return error.name;
      }
    };
    return {
      document: attempt(() => frame.document.title),
      indexedDB: attempt(() => frame.indexedDB.databases()),
      localStorage: attempt(() => frame.localStorage.length),
      globals: attempt(() => frame.Worker.name),
      location: attempt(() => frame.location.href),
    };
  });
  assert.deepEqual(reach, { document: 'SecurityError', indexedDB: 'SecurityError', localStorage: 'SecurityError', globals: 'SecurityError', location: 'SecurityError' });
  assert.equal(dapp.workers().length, 0, 'no Worker runs for the dapp page or its wallet frame');
});

test('a third origin cannot use the wallet frame nor answer the dapp in its name; a spoofed origin field is ignored', { timeout: 120_000 }, async () => {
  // The dapp asks for accounts from a click: the wallet window opens and holds the request.
  const [popup] = await Promise.all([dapp.waitForEvent('popup'), dapp.click('[data-testid="eth-connect"]')]);
  const wallet = walletWindow(popup);
  await wallet.unlock(PASSWORD);
  await wallet.waitForRequest();

  // A page of a third origin (a plain site, no special headers) that the dapp opened, so it
  // holds the dapp's window as its opener and can reach the dapp's frames.
  const evil = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
  await new Promise((resolve) => evil.listen(0, '127.0.0.1', resolve));
  const thirdOrigin = `http://127.0.0.1:${evil.address().port}`;
  await dapp.evaluate((url) => {
    const button = document.createElement('button');
    button.id = 'open-third';
    button.textContent = 'open';
    button.addEventListener('click', () => window.open(url, 'third'));
    document.body.append(button);
  }, `${thirdOrigin}/`);
  const [third] = await Promise.all([dapp.waitForEvent('popup'), dapp.click('#open-third')]);
  assert.equal(new URL(third.url()).origin, thirdOrigin);

  // Everything the dapp's window receives from now on, as the dapp sees it.
  await dapp.evaluate(() => {
    window.seen = [];
    window.addEventListener('message', (event) => window.seen.push({ origin: event.origin, data: event.data }));
  });
  const walletOrigin = env.wallet.origin;
  await third.evaluate((origin) => {
    const envelope = (m) => ({ channel: 'custodian-embed', v: 1, ...m });
    // To the wallet frame: a request and a port of its own (the frame only listens to its parent,
    // and to ports from its own origin).
    const frame = window.opener.frames[0];
    frame.postMessage(envelope({ type: 'hello', session: '00000000-0000-4000-8000-000000000000' }), origin);
    frame.postMessage(envelope({ type: 'request', id: 4242, method: 'eth_requestAccounts' }), origin);
    const channel = new MessageChannel();
    frame.postMessage(envelope({ type: 'port', session: '00000000-0000-4000-8000-000000000000' }), origin, [channel.port2]);
    // To the dapp: answers to every id it may be waiting for, claiming a wallet account.
    for (let id = 1; id <= 50; id++) {
      window.opener.postMessage(envelope({ type: 'response', id, result: ['0x000000000000000000000000000000000000dEaD'] }), '*');
    }
  }, walletOrigin);

  // The dapp itself posts a request that names another origin.
  await dapp.evaluate((origin) => {
    document.querySelector('iframe').contentWindow.postMessage(
      { channel: 'custodian-embed', v: 1, type: 'request', id: 777, method: 'eth_requestAccounts', origin: 'https://bank.example' },
      origin,
    );
  }, walletOrigin);
  await dapp.waitForTimeout(1000);

  // The forged answers arrived (from the third origin) and changed nothing; the frame answered
  // neither the third origin's request nor the spoofed one.
  const seen = await dapp.evaluate(() => window.seen);
  assert.ok(seen.some((m) => m.origin === thirdOrigin), 'the forgeries were delivered');
  const fromWallet = seen.filter((m) => m.origin === walletOrigin && m.data?.type === 'response');
  assert.deepEqual(fromWallet.filter((m) => m.data.id === 777 || m.data.id === 4242), []);
  assert.equal(await dapp.textContent('[data-testid="eth-account"]'), 'not connected');
  await shot(popup, 'embed-window-forgeries');

  // The dapp's real request is still the one waiting: approving it gives the dapp its account.
  await wallet.decide('approve');
  await dapp.waitForFunction((address) => document.getElementById('eth-account').textContent === address, vault.ethereum);
  await dapp.waitForTimeout(300);
  await third.close();
  evil.closeAllConnections();
  await new Promise((resolve) => evil.close(resolve));
  await shot(dapp, 'embed-isolation-demo');
});

test('no CSP violation on the wallet, its frame, its window or the demo', () => {
  assert.deepEqual(env.wallet.reports, []);
  assert.deepEqual(env.demo.reports, []);
  assert.deepEqual(problems, []);
});
