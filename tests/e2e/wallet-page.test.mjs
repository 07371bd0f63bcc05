// The wallet page (www/) in Debian's Chromium with the real WebAssembly module in its Worker:
// create a wallet, write down the phrase, add accounts, sign, lock, reload, unlock: the same
// accounts come back from IndexedDB. What the page shows is checked against independent
// derivations (ethers for Ethereum, @scure/bip39 + SLIP-0010 over @noble/hashes and
// @solana/web3.js for Solana). Screenshots go to tests/out/wallet-*.png.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HDNodeWallet, getAddress, verifyMessage } from 'ethers';
import { Keypair, PublicKey } from '@solana/web3.js';
import { mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertOnlyOwnOrigin, launch, openPage, screenshot } from './lib/browser.mjs';

const PASSWORD = 'correct horse battery staple';
const TEST_MESSAGE = 'Custodian test message';

/** SLIP-0010 Ed25519 derivation along hardened indexes (Phantom's m/44'/501'/i'/0'). */
function slip10Ed25519(seed, path) {
  let digest = hmac(sha512, new TextEncoder().encode('ed25519 seed'), seed);
  for (const index of path) {
    const data = new Uint8Array(37);
    data.set(digest.subarray(0, 32), 1);
    new DataView(data.buffer).setUint32(33, (index | 0x80000000) >>> 0);
    digest = hmac(sha512, digest.subarray(32), data);
  }
  return digest.subarray(0, 32);
}

function expectedAddresses(mnemonic, count) {
  const seed = mnemonicToSeedSync(mnemonic);
  const ethereum = [];
  const solana = [];
  for (let i = 0; i < count; i += 1) {
    ethereum.push(HDNodeWallet.fromPhrase(mnemonic, undefined, `m/44'/60'/0'/0/${i}`).address);
    solana.push(Keypair.fromSeed(slip10Ed25519(seed, [44, 501, i, 0])).publicKey.toBase58());
  }
  return { ethereum, solana };
}

/** The accounts the page lists, in order. */
async function listedAccounts(page, listId) {
  return page.locator(`#${listId} li.account`).evaluateAll((items) =>
    items.map((item) => ({
      chain: item.dataset.chain,
      label: item.querySelector('.label').textContent,
      path: item.querySelector('.path').textContent,
      address: item.querySelector('.address').textContent,
    })),
  );
}

/** The sealed vault records in IndexedDB, read from the page: [{generation, header fields}]. */
async function storedVaults(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('custodian');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('vaults').objectStore('vaults').getAll();
          read.onerror = () => reject(read.error);
          read.onsuccess = () => {
            open.result.close();
            resolve(
              read.result.map(({ generation, bytes }) => {
                const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
                const salt = bytes[23];
                return {
                  generation,
                  magic: new TextDecoder().decode(bytes.subarray(0, 8)),
                  memoryKib: view.getUint32(11),
                  iterations: view.getUint32(15),
                  parallelism: view.getUint32(19),
                  headerGeneration: Number(view.getBigUint64(48 + salt)),
                };
              }),
            );
          };
        };
      }),
  );
}

async function createWallet(page) {
  await page.getByTestId('create-password').fill(PASSWORD);
  await page.getByTestId('create-confirm').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForSelector('body[data-view="backup"]', { timeout: 60_000 });
}

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('create a wallet, reload, unlock: the same accounts come back', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(browser, '/?kdf=floor');
  await page.waitForSelector('body[data-view="create"]');
  assert.equal(await page.getByTestId('state').textContent(), 'No wallet');
  assert.equal(await page.getByTestId('dev-note').isVisible(), true);
  // The module runs in the package's Worker, not on the page.
  assert.equal(page.workers().length, 1);
  assert.match(page.workers()[0].url(), /\/vendor\/custodian-web\/dist\/worker\.js$/);
  await screenshot(page, 'wallet-create');

  // Mismatched confirmation is caught before anything reaches the Worker.
  await page.getByTestId('create-password').fill(PASSWORD);
  await page.getByTestId('create-confirm').fill(`${PASSWORD}!`);
  await page.getByRole('button', { name: 'Create wallet' }).click();
  assert.equal(await page.getByTestId('message').textContent(), 'The two passwords differ.');

  await createWallet(page);
  const mnemonic = (await page.locator('#mnemonic li').allTextContents()).join(' ');
  assert.equal(mnemonic.split(' ').length, 12);
  assert.equal(validateMnemonic(mnemonic, wordlist), true, 'a valid BIP-39 English phrase');
  const created = await listedAccounts(page, 'backup-accounts');
  const expected = expectedAddresses(mnemonic, 2);
  assert.deepEqual(created, [
    { chain: 'ethereum', label: 'Ethereum 1', path: "m/44'/60'/0'/0/0", address: expected.ethereum[0] },
    { chain: 'solana', label: 'Solana 1', path: "m/44'/501'/0'/0'", address: expected.solana[0] },
  ]);
  assert.equal(getAddress(created[0].address.toLowerCase()), created[0].address, 'EIP-55 checksum');
  assert.equal(PublicKey.isOnCurve(new PublicKey(created[1].address).toBytes()), true);
  await screenshot(page, 'wallet-backup');

  assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
  await page.getByTestId('backup-done').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForSelector('body[data-view="wallet"]');
  // The phrase is gone from the page once the user moved on.
  assert.equal((await page.content()).includes(mnemonic), false);
  assert.deepEqual(await listedAccounts(page, 'accounts'), created);

  // Add one account per chain: the next HD index of each.
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#accounts li.account').length === 3);
  await page.locator('#add-chain').selectOption('solana');
  await page.getByRole('button', { name: 'Add account' }).click();
  await page.waitForFunction(() => document.querySelectorAll('#accounts li.account').length === 4);
  const accounts = await listedAccounts(page, 'accounts');
  const four = expectedAddresses(mnemonic, 2);
  assert.deepEqual(
    accounts.map((a) => a.address),
    [four.ethereum[0], four.solana[0], four.ethereum[1], four.solana[1]],
  );
  assert.deepEqual(
    accounts.map((a) => a.label),
    ['Ethereum 1', 'Solana 1', 'Ethereum 2', 'Solana 2'],
  );

  await page.getByRole('button', { name: 'Sign test message' }).click();
  await page.waitForSelector('#signature-card:not([hidden])');
  const signature = await page.getByTestId('signature').textContent();
  assert.equal(await page.getByTestId('signed-message').textContent(), TEST_MESSAGE);
  assert.equal(await page.getByTestId('signed-by').textContent(), four.ethereum[0]);
  assert.equal(verifyMessage(TEST_MESSAGE, signature), four.ethereum[0]);
  await screenshot(page, 'wallet-accounts');

  // Stored: one record, the floor cost the dev setting asked for, generation = header's.
  const vaults = await storedVaults(page);
  assert.equal(vaults.length, 1);
  const { magic, memoryKib, iterations, parallelism, generation, headerGeneration } = vaults[0];
  assert.deepEqual(
    { magic, memoryKib, iterations, parallelism },
    { magic: 'CSTDNVLT', memoryKib: 19456, iterations: 2, parallelism: 1 },
  );
  assert.equal(headerGeneration, generation);

  await page.getByRole('button', { name: 'Lock' }).click();
  await page.waitForSelector('body[data-view="unlock"]');
  assert.equal(await page.getByTestId('state').textContent(), 'Locked');

  // A reload is a new Worker: it finds the vault in IndexedDB and starts locked.
  await page.reload();
  await page.waitForSelector('body[data-view="unlock"]');
  await screenshot(page, 'wallet-unlock');

  await page.getByTestId('unlock-password').fill('not the password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForFunction(() => document.getElementById('message').textContent === 'Wrong password.');
  assert.equal(await page.getByTestId('message').getAttribute('data-kind'), 'error');
  await screenshot(page, 'wallet-wrong-password');

  await page.getByTestId('unlock-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('body[data-view="wallet"]');
  assert.deepEqual(await listedAccounts(page, 'accounts'), accounts);
  assert.equal(await page.getByTestId('message').textContent(), '');

  // A second tab of the same browser sees the same vault.
  await page.close();
  const second = await openPage(browser, '/');
  await second.page.waitForSelector('body[data-view="unlock"]');
  await second.page.getByTestId('unlock-password').fill(PASSWORD);
  await second.page.getByRole('button', { name: 'Unlock' }).click();
  await second.page.waitForSelector('body[data-view="wallet"]');
  assert.deepEqual(await listedAccounts(second.page, 'accounts'), accounts);
  await second.page.close();

  assert.deepEqual(problems, []);
  assert.deepEqual(second.problems, []);
  assertOnlyOwnOrigin(browser);
});

test('without the dev setting a wallet gets the default cost (Argon2id 64 MiB, t=3)', { timeout: 120_000 }, async () => {
  // A separate browser profile: the first test's vault lives in this one's IndexedDB.
  const fresh = await launch();
  try {
    const { page, problems } = await openPage(fresh, '/');
    await page.waitForSelector('body[data-view="create"]');
    assert.equal(await page.getByTestId('dev-note').isVisible(), false);
    await createWallet(page);
    const vaults = await storedVaults(page);
    assert.equal(vaults.length, 1);
    assert.deepEqual(
      [vaults[0].memoryKib, vaults[0].iterations, vaults[0].parallelism],
      [65536, 3, 1],
    );
    assert.deepEqual(problems, []);
    assertOnlyOwnOrigin(fresh);
  } finally {
    await fresh.close();
  }
});

test('the server sends the CSP and the WASM MIME type, and serves nothing outside its root', async () => {
  const page = await fetch(browser.url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const worker = await fetch(new URL('vendor/custodian-web/dist/worker.js', browser.url));
  assert.equal(worker.status, 200);
  assert.match(worker.headers.get('content-security-policy'), /worker-src 'self'/);
  const wasm = await fetch(new URL('vendor/custodian-web/pkg/custodian_wasm_bg.wasm', browser.url));
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(new URL('../Cargo.toml', browser.url))).status, 404);
  assert.equal((await fetch(new URL('%2e%2e/Cargo.toml', browser.url))).status, 404);
  assert.equal((await fetch(new URL('test/%2e%2e/%2e%2e/Cargo.toml', browser.url))).status, 404);
});
