// Wallet Standard in Debian's Chromium: a page registers Custodian (web/src/wallet-standard.ts,
// the shipped @custodian/web with the real module in its Worker) and a Solana dapp on the same
// page finds it with getWallets() of @wallet-standard/app and drives every feature
// (tests/e2e/pages/wallet-standard*.js). The page is the wallet's own UI: its requests carry no
// origin. What comes back is checked here, in Node, by @noble/curves, @solana/web3.js and
// @solana/wallet-standard-util, against a key exported from the wallet and a published address.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { PublicKey, Transaction, VersionedTransaction } from '@solana/web3.js';
import { verifySignIn } from '@solana/wallet-standard-util';
import { FLOOR_KDF, assertOnlyOwnOrigin, launch, openPage, screenshot } from './lib/browser.mjs';

const PASSWORD = 'wallet standard e2e password';
/**
 * trezor/wallet-core StoredKeyTests (tests/vectors/solana_vectors.json `hd_derivation[2]`):
 * this phrase's first Solana account at Phantom's path m/44'/501'/0'/0'.
 */
const TEAM_MNEMONIC = 'team engine square letter hero song dizzy scrub tornado fabric divert saddle';
const TEAM_SOLANA_0 = 'CgWJeEWkiYqosy1ba7a3wn9HAQuHyK48xs3LM4SSDc1C';
const SOLANA_CHAINS = ['solana:mainnet', 'solana:devnet', 'solana:testnet'];
const ACCOUNT_FEATURES = ['solana:signTransaction', 'solana:signMessage', 'solana:signIn'];
const FEATURES = {
  'standard:connect': '1.0.0',
  'standard:disconnect': '1.0.0',
  'standard:events': '1.0.0',
  'solana:signTransaction': '1.0.0',
  'solana:signMessage': '1.1.0',
  'solana:signIn': '1.0.0',
};
/** A recent blockhash as web3.js prints them; any 32 bytes do for signing. */
const BLOCKHASH = 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k';

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const bytes = (text) => Uint8Array.from(Buffer.from(text, 'hex'));

let browser;
let page;
let problems;
let seed; // the Solana account's 32-byte Ed25519 seed, exported from the wallet
let secondAddress; // the Solana account added while connected

/** Runs `expression` in the page until it returns something truthy, or fails after 10 s. */
async function waitForPage(fn, arg) {
  const handle = await page.waitForFunction(fn, arg, { timeout: 10_000 });
  return handle.jsonValue();
}

before(async () => {
  browser = await launch();
  ({ page, problems } = await openPage(browser, '/test/wallet-standard.html?db=ws-dapp-first'));
  await page.waitForSelector('body[data-state="ready"][data-dapp="ready"]', { timeout: 60_000 });
  const imported = await page.evaluate(
    ([mnemonic, password, kdf]) => window.walletSide.request('wallet_import', { password, mnemonic, kdf }),
    [TEAM_MNEMONIC, PASSWORD, FLOOR_KDF],
  );
  const solana = imported.accounts.filter((a) => a.chain === 'solana').map((a) => a.address);
  assert.deepEqual(solana, [TEAM_SOLANA_0]);
  // The same key, out of the wallet through its own UI (password asked again), for noble.
  const exported = await page.evaluate(
    ([password, address]) => window.walletSide.request('wallet_export', { password, what: 'privateKey', address }),
    [PASSWORD, TEAM_SOLANA_0],
  );
  seed = bytes(exported.privateKey.replace(/^0x/, ''));
  assert.equal(seed.length, 32);
  assert.equal(new PublicKey(ed25519.getPublicKey(seed)).toBase58(), TEAM_SOLANA_0);
});

after(async () => {
  await browser?.close();
});

test('getWallets() finds Custodian: name, icon, chains, the six features, no accounts yet', async () => {
  assert.deepEqual(await page.evaluate(() => window.dapp.registered()), ['Custodian'], 'heard register-wallet');
  const found = await page.evaluate(() => window.dapp.find());
  assert.equal(found.count, 1);
  assert.equal(found.version, '1.0.0');
  assert.equal(found.name, 'Custodian');
  assert.match(found.icon, /^data:image\/svg\+xml;base64,/);
  const svg = Buffer.from(found.icon.slice(found.icon.indexOf(',') + 1), 'base64').toString('utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.deepEqual(found.chains, SOLANA_CHAINS);
  assert.deepEqual(found.features, FEATURES, 'exactly these features and versions');
  assert.deepEqual(found.supportedTransactionVersions, ['legacy', 0]);
  assert.equal(found.accounts, 0, 'no account before standard:connect');
  assert.equal(found.frozen, true);
});

test('standard:connect: the published account of the imported phrase, as a frozen WalletAccount', async () => {
  const { accounts, walletAccounts } = await page.evaluate(() => window.dapp.connect());
  assert.equal(accounts.length, 1);
  const [account] = accounts;
  assert.equal(account.address, TEAM_SOLANA_0);
  assert.equal(account.publicKey, hex(new PublicKey(TEAM_SOLANA_0).toBytes()));
  assert.deepEqual(account.chains, SOLANA_CHAINS);
  assert.deepEqual(account.features, ACCOUNT_FEATURES);
  assert.equal(account.frozen, true);
  assert.deepEqual(walletAccounts, [TEAM_SOLANA_0]);
  assert.deepEqual(await page.evaluate(() => window.dapp.changes()), [[TEAM_SOLANA_0]]);
});

test('solana:signMessage: verified in the page and here, and equal to noble\'s signature', async () => {
  const text = 'Signed for a Wallet Standard dapp by Custodian';
  const out = await page.evaluate((t) => window.dapp.signMessage(t), text);
  const message = new TextEncoder().encode(text);
  assert.equal(out.signedMessage, hex(message));
  assert.equal(out.signatureType, 'ed25519');
  assert.equal(out.verifiedInPage, true);
  assert.equal(ed25519.verify(bytes(out.signature), message, new PublicKey(TEAM_SOLANA_0).toBytes()), true);
  assert.equal(out.signature, hex(ed25519.sign(message, seed)), 'Ed25519 is deterministic');
});

test('solana:signTransaction: web3.js legacy and v0 (with a co-signer) in one call', async () => {
  const out = await page.evaluate((b) => window.dapp.signTransactions(b), BLOCKHASH);
  assert.equal(out.legacyVerifiesInPage, true);
  assert.equal(out.v0VerifiesInPage, true);
  const me = new PublicKey(TEAM_SOLANA_0);

  // Legacy: web3.js reads it back, every signature verifies, ours is noble's.
  const legacy = Transaction.from(bytes(out.signed[0]));
  assert.equal(legacy.verifySignatures(), true);
  assert.equal(legacy.signatures.length, 1);
  assert.ok(legacy.signatures[0].publicKey.equals(me));
  assert.equal(legacy.recentBlockhash, BLOCKHASH);
  const legacyMessage = legacy.serializeMessage();
  assert.equal(hex(legacy.signatures[0].signature), hex(ed25519.sign(legacyMessage, seed)));
  // Only our 64 bytes changed (after the one-byte signature count).
  assert.equal(out.signed[0].slice(2 + 128), out.unsigned[0].slice(2 + 128));

  // v0: we pay (slot 0), the co-signer had signed first (slot 1, untouched).
  const v0 = VersionedTransaction.deserialize(bytes(out.signed[1]));
  assert.equal(v0.version, 0);
  const message = v0.message.serialize();
  const keys = v0.message.staticAccountKeys;
  assert.ok(keys[0].equals(me));
  assert.equal(keys[1].toBase58(), out.cosigner);
  assert.equal(hex(v0.signatures[0]), hex(ed25519.sign(message, seed)));
  v0.signatures.forEach((signature, i) => assert.equal(ed25519.verify(signature, message, keys[i].toBytes()), true, `slot ${i}`));
  const unsigned = VersionedTransaction.deserialize(bytes(out.unsigned[1]));
  assert.equal(hex(v0.signatures[1]), hex(unsigned.signatures[1]), 'the co-signer\'s signature is unchanged');
  assert.equal(hex(message), hex(unsigned.message.serialize()), 'the message is unchanged');
});

test('solana:signIn: Sign-In With Solana verifies with @solana/wallet-standard-util', async () => {
  const { host, origin } = new URL(browser.url);
  const input = {
    domain: host,
    statement: 'Sign in to the Wallet Standard e2e page',
    uri: `${origin}/test/wallet-standard.html`,
    version: '1',
    chainId: 'solana:devnet',
    nonce: 'e2eNonce42',
    issuedAt: new Date().toISOString(),
    resources: [`${origin}/terms`],
  };
  const out = await page.evaluate((i) => window.dapp.signIn(i), input);
  assert.equal(out.account.address, TEAM_SOLANA_0);
  assert.deepEqual(out.account.features, ACCOUNT_FEATURES);
  assert.equal(out.signatureType, 'ed25519');
  assert.equal(out.verifiedInPage, true);
  const text = Buffer.from(bytes(out.signedMessage)).toString('utf8');
  assert.ok(text.startsWith(`${host} wants you to sign in with your Solana account:\n${TEAM_SOLANA_0}\n`), text);
  const output = {
    account: { address: out.account.address, publicKey: bytes(out.account.publicKey) },
    signedMessage: bytes(out.signedMessage),
    signature: bytes(out.signature),
  };
  assert.equal(verifySignIn(input, output), true);
  // The same output does not verify for another domain or another nonce.
  assert.equal(verifySignIn({ ...input, domain: 'evil.example' }, output), false);
  assert.equal(verifySignIn({ ...input, nonce: 'other' }, output), false);
  assert.equal(out.signature, hex(ed25519.sign(output.signedMessage, seed)));
});

test('standard:events: change after wallet_addAccount (solana), lock and unlock, with no refresh()', async () => {
  const before = (await page.evaluate(() => window.dapp.changes())).length;
  const added = await page.evaluate(() => window.walletSide.request('wallet_addAccount', { chain: 'solana' }));
  assert.equal(added.chain, 'solana');
  secondAddress = added.address;
  const afterAdd = await waitForPage((n) => window.dapp.changes().length > n && window.dapp.changes(), before);
  assert.deepEqual(afterAdd.slice(before), [[TEAM_SOLANA_0, secondAddress]]);
  assert.deepEqual((await page.evaluate(() => window.dapp.accounts())).map((a) => a.address), [TEAM_SOLANA_0, secondAddress]);

  await page.evaluate(() => window.walletSide.request('wallet_lock', {}));
  const afterLock = await waitForPage((n) => window.dapp.changes().length > n + 1 && window.dapp.changes(), before);
  assert.deepEqual(afterLock.slice(before + 1), [[]], 'locked: no accounts');
  const locked = await page.evaluate(() => window.dapp.signMessageRefused('while locked'));
  assert.equal(locked.ok, false, 'nothing is signed while locked');

  await page.evaluate((password) => window.walletSide.request('wallet_unlock', { password }), PASSWORD);
  const afterUnlock = await waitForPage((n) => window.dapp.changes().length > n + 2 && window.dapp.changes(), before);
  assert.deepEqual(afterUnlock.slice(before + 2), [[TEAM_SOLANA_0, secondAddress]]);
  // Signing works again for the account the dapp kept from before the lock.
  const again = await page.evaluate(() => window.dapp.signMessage('after unlock'));
  assert.equal(again.verifiedInPage, true);
  await screenshot(page, 'wallet-standard');
});

test('standard:disconnect: no accounts, a change event, and signing is refused', async () => {
  const before = (await page.evaluate(() => window.dapp.changes())).length;
  assert.equal(await page.evaluate(() => window.dapp.disconnect()), 0);
  assert.deepEqual((await page.evaluate(() => window.dapp.changes())).slice(before), [[]]);
  const refused = await page.evaluate(() => window.dapp.signMessageRefused('after disconnect'));
  assert.equal(refused.ok, false);
  assert.equal(refused.code, 4100);
  assert.match(refused.message, /not connected/);
  // Disconnected, the wallet's own changes no longer reach the dapp.
  await page.evaluate(() => window.walletSide.request('wallet_addAccount', { chain: 'solana' }));
  await page.evaluate(() => window.walletSide.request('wallet_listAccounts', {}));
  assert.equal((await page.evaluate(() => window.dapp.changes())).length, before + 1);
});

test('a wallet registered before the app loads is found through wallet-standard:app-ready', async () => {
  const opened = await openPage(browser, '/test/wallet-standard.html?order=wallet-first&db=ws-wallet-first');
  try {
    await opened.page.waitForSelector('body[data-state="ready"][data-dapp="ready"]', { timeout: 60_000 });
    const found = await opened.page.evaluate(() => window.dapp.find());
    assert.equal(found.count, 1);
    assert.deepEqual(found.features, FEATURES);
    // An empty wallet: connect is refused (no vault), not answered with someone else's accounts.
    const refused = await opened.page.evaluate(() => window.dapp.connect().then(() => 'connected', (e) => e.code));
    assert.equal(refused, 4100);
    assert.deepEqual(opened.problems, []);
  } finally {
    await opened.page.close();
  }
});

test('nothing left the page\'s origin: the standard\'s packages, web3.js, the Worker and the .wasm', (t) => {
  assert.deepEqual(problems, []);
  assertOnlyOwnOrigin(browser);
  const origin = new URL(browser.url).origin;
  for (const prefix of ['/vendor/custodian-web/pkg/custodian_wasm_bg.wasm', '/node_modules/@wallet-standard/app/', '/node_modules/@noble/curves/', '/node_modules/@solana/web3.js/']) {
    assert.ok(browser.requests.some((url) => url.startsWith(`${origin}${prefix}`)), prefix);
  }
  t.diagnostic(`${browser.requests.length} requests, all to ${origin}`);
});
