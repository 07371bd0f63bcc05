// The embedded wallet as a person uses it, in Debian's Chromium: the demo dapp on
// http://localhost:<p2> finds Custodian (EIP-6963, Wallet Standard), connects through the wallet
// window of http://127.0.0.1:<p1> (unlock, approve), and gets a personal_sign, an EIP-712
// permit, an EIP-1559 transaction (accepted by a Hardhat node) and a Solana transfer signature,
// each approved in the wallet window and verified on the dapp's page with ethers /
// @solana/web3.js (and again here). Then a rejection gives the dapp 4001, and a revoked origin
// is refused. The vault is the one the standalone wallet created in its own storage.
// Screenshots: tests/out/embed-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Transaction, getAddress, verifyMessage } from 'ethers';
import { NO_NODE, PASSWORD, createVault, launchEmbed, shot, startHardhat, watch } from './lib/embed.mjs';
import { walletWindow } from './lib/wallet-window.mjs';

let env;
let hardhat;
let vault;
let dapp;
let dappProblems;
let wallet; // the wallet window driver
let windowProblems;

before(async () => {
  hardhat = await startHardhat();
  env = await launchEmbed({ hardhat });
  vault = await createVault(env);
  dapp = await env.context.newPage();
  dappProblems = watch(dapp, hardhat ? [] : [NO_NODE]);
  await dapp.goto(env.demoUrl());
  await dapp.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
});

after(async () => {
  await env?.close();
  hardhat?.stop();
});

/** The result box's state once the wallet answered. */
async function settled(id) {
  await dapp.waitForSelector(`#${id}[data-state="verified"], #${id}[data-state="mismatch"], #${id}[data-state="error"]`, { timeout: 60_000 });
  return dapp.locator(`#${id}`).evaluate((box) => ({ ...box.dataset, text: box.textContent }));
}

test('the demo finds Custodian by EIP-6963 and the Wallet Standard, from its own origin', async () => {
  assert.equal(await dapp.textContent('[data-testid="page-origin"]'), env.demo.origin);
  assert.equal(await dapp.locator('[data-testid="wallet-eip6963"]').count(), 1);
  assert.equal(await dapp.locator('[data-testid="wallet-standard"]').count(), 1);
  assert.match(await dapp.textContent('[data-testid="wallet-eip6963"]'), /Custodian — Ethereum \(EIP-6963, dev\.custodian\.wallet\)/);
  // The only wallet code in the dapp's page is the connector; the wallet runs in a frame of its own origin.
  const frames = dapp.frames().map((f) => f.url()).filter((url) => url !== dapp.url());
  assert.deepEqual(frames, [`${env.wallet.origin}/embed.html`]);
  assert.equal(dapp.workers().length, 0, 'no Worker in the dapp page');
  await shot(dapp, 'embed-demo-start');
});

test('connect: the wallet window opens from the click, unlocks, and the user approves', { timeout: 120_000 }, async () => {
  const [popup] = await Promise.all([dapp.waitForEvent('popup'), dapp.click('[data-testid="eth-connect"]')]);
  windowProblems = watch(popup);
  wallet = walletWindow(popup);
  assert.equal(new URL(popup.url()).origin, env.wallet.origin);
  assert.equal(new URL(popup.url()).searchParams.get('mode'), 'popup');
  await wallet.unlock(PASSWORD);
  await wallet.waitForRequest();
  await shot(popup, 'embed-window-connect');
  await wallet.decide('approve');
  await dapp.waitForFunction((address) => document.getElementById('eth-account').textContent === address, vault.ethereum);
  assert.equal(await dapp.textContent('[data-testid="eth-chain"]'), '0x1');
  // The popup's Worker and vault are first-party: the same vault the standalone wallet made.
  assert.equal(popup.workers().length, 1);
});

test('personal_sign approved in the wallet window, verified on the page and here', { timeout: 120_000 }, async () => {
  await dapp.click('[data-testid="personal-sign"]');
  await wallet.waitForRequest();
  await shot(wallet.page, 'embed-window-personal-sign');
  await wallet.decide('approve');
  const result = await settled('personal-sign-result');
  assert.equal(result.state, 'verified', result.text);
  const signature = result.text.match(/0x[0-9a-f]{130}/)[0];
  const message = await dapp.inputValue('[data-testid="message-text"]');
  assert.equal(verifyMessage(message, signature), vault.ethereum);
  await shot(dapp, 'embed-demo-personal-sign');
});

test('an EIP-712 permit approved in the wallet window verifies on the page', { timeout: 120_000 }, async () => {
  await dapp.click('[data-testid="permit-sign"]');
  await wallet.waitForRequest();
  await shot(wallet.page, 'embed-window-permit');
  await wallet.decide('approve');
  const result = await settled('permit-result');
  assert.equal(result.state, 'verified', result.text);
  assert.ok(result.text.includes(vault.ethereum));
});

test('an EIP-1559 transaction approved in the wallet window decodes on the page (and a node accepts it)', { timeout: 180_000 }, async (t) => {
  await dapp.waitForSelector('[data-testid="node-state"][data-node]');
  await dapp.click('[data-testid="tx-sign"]');
  if (hardhat) {
    // The demo first asks to switch to the node's chain: the user approves that too.
    await wallet.page.locator('[data-testid="approval"][data-consent-kind="switchChain"]').waitFor({ timeout: 30_000 });
    await wallet.decide('approve');
  }
  await wallet.page.locator('[data-testid="approval"][data-consent-kind="sign"]').waitFor({ timeout: 30_000 });
  await shot(wallet.page, 'embed-window-transaction');
  await wallet.decide('approve');
  const result = await settled('tx-result');
  assert.equal(result.state, 'verified', result.text);
  const raw = result.text.match(/0x02[0-9a-f]+/)[0];
  const tx = Transaction.from(raw);
  assert.equal(tx.type, 2);
  assert.equal(tx.from, getAddress(vault.ethereum));
  assert.equal(tx.value, 10n ** 16n);
  if (hardhat) {
    assert.equal(tx.chainId, 31337n);
    assert.equal(result.sent, 'success', 'Hardhat mined it');
    assert.equal(await dapp.textContent('[data-testid="eth-chain"]'), '0x7a69');
  } else {
    t.diagnostic('Hardhat did not start: the transaction was signed, not sent');
  }
  await shot(dapp, 'embed-demo-transaction');
});

test('Solana: standard:connect gets the granted account, then a transfer signature verified by @solana/web3.js', { timeout: 120_000 }, async () => {
  // The connect approved above granted every account of the wallet (the default), Solana's
  // too: wallet_connect answers at once, without asking again.
  await dapp.click('[data-testid="sol-connect"]');
  await dapp.waitForFunction((address) => document.getElementById('sol-account').textContent === address, vault.solana);
  await dapp.click('[data-testid="sol-sign"]');
  await wallet.waitForRequest();
  await shot(wallet.page, 'embed-window-solana');
  await wallet.decide('approve');
  const result = await settled('sol-result');
  assert.equal(result.state, 'verified', result.text);
  await shot(dapp, 'embed-demo-solana');
});

test('a chain switch from the dapp waits for the user: approved, the same chain at once, another rejected', { timeout: 120_000 }, async () => {
  const before = await dapp.textContent('[data-testid="eth-chain"]');
  const from = before === '0x7a69' ? 'Hardhat / Anvil local chain (31337)' : 'Ethereum (1)';
  await dapp.selectOption('[data-testid="switch-chain-id"]', '0xaa36a7');
  await dapp.click('[data-testid="switch-chain"]');
  const approval = wallet.page.locator('[data-testid="approval"][data-consent-kind="switchChain"]');
  await approval.waitFor({ timeout: 30_000 });
  assert.equal(
    await approval.getByTestId('switch-sentence').textContent(),
    `${env.demo.origin} wants to switch the network from ${from} to Sepolia (11155111).`,
  );
  // Nothing changed while the user looks at it.
  assert.equal(await dapp.textContent('[data-testid="eth-chain"]'), before);
  await shot(wallet.page, 'embed-window-switch-chain');
  await wallet.decide('approve');
  let result = await settled('switch-chain-result');
  assert.equal(result.state, 'verified', result.text);
  // The dapp heard chainChanged from the wallet.
  await dapp.waitForFunction(() => document.getElementById('eth-chain').textContent === '0xaa36a7');

  // The chain already active: answered at once, nothing to approve.
  await dapp.click('[data-testid="switch-chain"]');
  result = await settled('switch-chain-result');
  assert.equal(result.state, 'verified', result.text);
  assert.equal(await wallet.page.locator('[data-testid="approval"]').count(), 0);

  // Another chain, rejected: 4001, and the chain stays.
  await dapp.selectOption('[data-testid="switch-chain-id"]', '0x1');
  await dapp.click('[data-testid="switch-chain"]');
  await approval.waitFor({ timeout: 30_000 });
  await wallet.decide('reject');
  result = await settled('switch-chain-result');
  assert.deepEqual([result.state, result.code, result.kind], ['error', '4001', 'UserRejected']);
  assert.equal(await dapp.textContent('[data-testid="eth-chain"]'), '0xaa36a7');
  await shot(dapp, 'embed-demo-switch-chain');
});

test('a request rejected in the wallet window is 4001 on the dapp', { timeout: 60_000 }, async () => {
  await dapp.click('[data-testid="personal-sign"]');
  await wallet.decide('reject');
  const result = await settled('personal-sign-result');
  assert.deepEqual([result.state, result.code, result.kind], ['error', '4001', 'UserRejected']);
  await shot(dapp, 'embed-demo-rejected');
});

test('a revoked origin loses its accounts and is refused', { timeout: 60_000 }, async () => {
  await wallet.revoke(env.demo.origin);
  await dapp.waitForFunction(() => document.getElementById('eth-account').textContent === 'not connected');
  // As any dapp would: the provider it discovered, asked directly.
  const outcome = await dapp.evaluate(async (address) => {
    const provider = await new Promise((resolve) => {
      window.addEventListener('eip6963:announceProvider', (event) => resolve(event.detail.provider), { once: true });
      window.dispatchEvent(new Event('eip6963:requestProvider'));
    });
    const accounts = await provider.request({ method: 'eth_accounts' });
    try {
      await provider.request({ method: 'personal_sign', params: ['0x68656c6c6f', address] });
      return { accounts, refused: false };
    } catch (error) {
      return { accounts, refused: true, code: error.code, kind: error.data?.kind };
    }
  }, vault.ethereum);
  assert.deepEqual(outcome, { accounts: [], refused: true, code: 4100, kind: 'SiteNotConnected' });
  await shot(wallet.page, 'embed-window-revoked');
  await shot(dapp, 'embed-demo-revoked');
});

test('no CSP violation on any page, no console error, nothing fetched from a third origin', async () => {
  // The standalone wallet too (its page, its Worker), in the same browser.
  const standalone = await env.context.newPage();
  const standaloneProblems = watch(standalone);
  await standalone.goto(env.wallet.url);
  await standalone.waitForLoadState('load');
  await standalone.waitForTimeout(1500);
  assert.equal(standalone.workers().length, 1, 'the standalone wallet started its Worker');
  await shot(standalone, 'embed-standalone-wallet');
  await standalone.close();
  assert.deepEqual(standaloneProblems, []);
  assert.deepEqual(env.wallet.reports, [], 'CSP reports from the wallet pages (standalone, popup, embed frame)');
  assert.deepEqual(env.demo.reports, [], 'CSP reports from the demo');
  assert.deepEqual(dappProblems, []);
  assert.deepEqual(windowProblems, []);
  const allowed = new Set([env.wallet.origin, env.demo.origin, new URL(env.rpc).origin]);
  const foreign = env.requests.filter((url) => !url.startsWith('data:') && !allowed.has(new URL(url).origin));
  assert.deepEqual(foreign, []);
});
