// A dapp in Debian's Chromium finds Custodian through EIP-6963 and uses it, unchanged, with
// ethers v6 (`new BrowserProvider(provider).getSigner()`) and viem (`createWalletClient({transport:
// custom(provider)})`), inside the page (tests/e2e/pages/dapp.html). The wallet side is the shipped
// @custodian/web with the real module. Signatures are verified here, in Node, by ethers.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyMessage, verifyTypedData } from 'ethers';
import { FLOOR_KDF, assertOnlyOwnOrigin, launch, openPage, screenshot } from './lib/browser.mjs';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let browser;
let page;
let problems;
let wallet; // the created wallet's Ethereum address
let custodianIndex; // where the dapp keeps the provider Custodian announced

before(async () => {
  browser = await launch();
  ({ page, problems } = await openPage(browser, '/test/dapp.html'));
  await page.waitForSelector('body[data-state="ready"][data-dapp="ready"]', { timeout: 60_000 });
  const created = await page.evaluate(
    (kdf) =>
      window.walletSide.custodian.request({ method: 'wallet_create', params: { password: 'dapp e2e password', kdf } }),
    FLOOR_KDF,
  );
  wallet = created.accounts.find((account) => account.chain === 'ethereum').address;
});

after(async () => {
  await browser?.close();
});

test('EIP-6963: a requestProvider is answered with Custodian\'s info and a working provider', async () => {
  const first = await page.evaluate(() => window.dapp.discover());
  assert.equal(first.length, 1, 'one wallet on the page, one announcement');
  const [{ info, frozen, isCustodian, index }] = first;
  assert.equal(info.name, 'Custodian');
  assert.equal(info.rdns, 'dev.custodian.wallet');
  assert.match(info.uuid, UUID_V4);
  assert.match(info.icon, /^data:image\/svg\+xml;base64,/);
  const svg = Buffer.from(info.icon.slice(info.icon.indexOf(',') + 1), 'base64').toString('utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="96" height="96"/);
  assert.equal(frozen, true, 'detail and info are frozen (EIP-6963)');
  assert.equal(isCustodian, true);
  custodianIndex = index;

  // Asking again gets the same wallet (same uuid for the page session).
  const again = await page.evaluate(() => window.dapp.discover());
  assert.deepEqual(again.map((d) => d.info), [info]);

  // The announced provider is the wallet: it answers with its state.
  const answers = await page.evaluate(async (i) => {
    const provider = window.dapp.provider(i);
    return [await provider.request({ method: 'eth_chainId' }), await provider.request({ method: 'eth_accounts' })];
  }, index);
  assert.deepEqual(answers, ['0x1', [wallet]]);
});

test('ethers v6 BrowserProvider: getSigner() is the wallet, signMessage and signTypedData verify', async () => {
  const message = 'Signed for ethers by Custodian';
  const result = await page.evaluate(([i, m]) => window.dapp.withEthers(i, m), [custodianIndex, message]);
  assert.equal(result.address, wallet);
  assert.equal(result.chainId, '1');
  assert.equal(verifyMessage(message, result.signature), wallet);
  const { domain, types, message: value } = await page.evaluate(() => window.dapp.TYPED);
  assert.equal(verifyTypedData(domain, types, value, result.typedSignature), wallet);
});

test('viem custom(provider): getAddresses() is the wallet, signMessage and signTypedData verify', async () => {
  const message = 'Signed for viem by Custodian';
  const result = await page.evaluate(([i, m]) => window.dapp.withViem(i, m), [custodianIndex, message]);
  assert.deepEqual(result.addresses, [wallet]);
  assert.deepEqual(result.requested, [wallet]);
  assert.equal(result.chainId, 1);
  assert.equal(verifyMessage(message, result.signature), wallet);
  const { domain, types, message: value } = await page.evaluate(() => window.dapp.TYPED);
  assert.equal(verifyTypedData(domain, types, value, result.typedSignature), wallet);
  await screenshot(page, 'dapp');
});

test('nothing left the page\'s origin: ethers, viem, the Worker and the .wasm all came from it', (t) => {
  assert.deepEqual(problems, []);
  assertOnlyOwnOrigin(browser);
  const origin = new URL(browser.url).origin;
  assert.ok(browser.requests.some((url) => url === `${origin}/vendor/custodian-web/pkg/custodian_wasm_bg.wasm`));
  assert.ok(browser.requests.some((url) => url.startsWith(`${origin}/node_modules/viem/`)));
  t.diagnostic(`${browser.requests.length} requests, all to ${origin}`);
});
