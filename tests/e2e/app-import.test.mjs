// Importing into the wallet app, each on a fresh browser profile: a recovery phrase (with and
// without a BIP-39 passphrase) gives the addresses ethers and SLIP-0010 derive; an Ethereum
// and a Solana private key give their own address; an ethers keystore file (with its own
// password) gives the keystore's address; SLIP-39 shares from Trezor's published vectors
// (tests/vectors/slip39_trezor_vectors.json) give the wallet of the vector's master secret,
// and an invalid share set is refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Wallet, encryptKeystoreJsonSync } from 'ethers';
import { Keypair } from '@solana/web3.js';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { assertOnlyOwnOrigin, launch } from './lib/browser.mjs';
import { PASSWORD, cspViolations, expectedAddresses, fillNewPassword, listedAddresses, openApp, shots } from './lib/app.mjs';

// Hardhat's published development phrase (its accounts are documented everywhere).
const HARDHAT_MNEMONIC = 'test test test test test test test test test test test junk';
const SLIP39 = JSON.parse(readFileSync(new URL('../vectors/slip39_trezor_vectors.json', import.meta.url), 'utf8'));

/** A fresh profile on the import form for `kind` (the radio's value). */
async function importForm(kind) {
  const fresh = await launch();
  const { page, problems } = await openApp(fresh, '/?kdf=floor');
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  await page.getByRole('button', { name: /Import or restore/ }).click();
  await page.locator(`label[for="import-${kind}"]`).click();
  return { fresh, page, problems };
}

async function finish(fresh, page, problems) {
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  assertOnlyOwnOrigin(fresh);
  await fresh.close();
}

test('recovery phrase: the addresses ethers and SLIP-0010 derive; with a passphrase, other ones', { timeout: 120_000 }, async () => {
  for (const passphrase of ['', 'a secret 25th word']) {
    const { fresh, page, problems } = await importForm('mnemonic');
    // Extra spaces and capitals are forgiven.
    await page.getByTestId('import-mnemonic').fill(`  ${HARDHAT_MNEMONIC.toUpperCase().replace(/ /g, '  ')} `);
    if (passphrase !== '') {
      await page.getByText('BIP-39 passphrase (advanced)').click();
      await page.getByTestId('import-passphrase').fill(passphrase);
    }
    await fillNewPassword(page, 'import-password', PASSWORD);
    if (passphrase === '') await shots(page, 'import-mnemonic');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
    const expected = expectedAddresses(HARDHAT_MNEMONIC, 1, passphrase);
    assert.deepEqual(await listedAddresses(page), expected);
    if (passphrase === '') {
      // Hardhat's documented account #0.
      assert.equal(expected.ethereum[0], '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
      assert.equal(await page.getByTestId('message').textContent(), 'Wallet imported with 2 accounts.');
    }
    await finish(fresh, page, problems);
  }
});

test('an invalid phrase is refused with a clear message, and nothing is created', { timeout: 60_000 }, async () => {
  const { fresh, page, problems } = await importForm('mnemonic');
  await page.getByTestId('import-mnemonic').fill('test test test test test test test test test test test test');
  await fillNewPassword(page, 'import-password', PASSWORD);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForFunction(() => /recovery phrase is not valid/.test(document.querySelector('[data-testid="form-error"]').textContent), null, {
    timeout: 60_000,
  });
  assert.equal(await page.getByTestId('state').textContent(), 'No wallet');
  await finish(fresh, page, problems);
});

test('private keys: Ethereum (hex) and Solana (64-byte secret key) give their addresses', { timeout: 120_000 }, async () => {
  const ethereum = Wallet.createRandom();
  const solana = Keypair.generate();
  const cases = [
    { curve: 'secp256k1', key: ethereum.privateKey, chain: 'ethereum', address: ethereum.address },
    { curve: 'ed25519', key: Buffer.from(solana.secretKey).toString('hex'), chain: 'solana', address: solana.publicKey.toBase58() },
  ];
  for (const { curve, key, chain, address } of cases) {
    const { fresh, page, problems } = await importForm('privateKey');
    await page.getByTestId('import-key-chain').selectOption(curve);
    await page.getByTestId('import-key').fill(key);
    await fillNewPassword(page, 'import-password', PASSWORD);
    if (chain === 'solana') await shots(page, 'import-private-key');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
    const listed = await listedAddresses(page);
    assert.deepEqual(listed[chain], [address]);
    assert.equal(await page.locator('.path').first().textContent(), 'imported key');
    await finish(fresh, page, problems);
  }
});

test('an ethers keystore file with its own password gives its address', { timeout: 120_000 }, async () => {
  const account = Wallet.createRandom();
  // ethers' own keystore writer; a small scrypt cost keeps the test fast (the format is the same).
  const keystore = encryptKeystoreJsonSync({ address: account.address, privateKey: account.privateKey }, 'keystore pass', {
    scrypt: { N: 1 << 12 },
  });
  const { fresh, page, problems } = await importForm('keystore');
  await page.getByTestId('import-keystore-file').setInputFiles({
    name: 'UTC--keystore.json',
    mimeType: 'application/json',
    buffer: Buffer.from(keystore),
  });
  // The wrong keystore password first: refused, nothing created.
  await page.getByTestId('import-keystore-password').fill('not it');
  await fillNewPassword(page, 'import-password', PASSWORD);
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="form-error"]').textContent !== '', null, { timeout: 60_000 });
  assert.equal(await page.getByTestId('state').textContent(), 'No wallet');
  await page.getByTestId('import-keystore-password').fill('keystore pass');
  await fillNewPassword(page, 'import-password', PASSWORD);
  await shots(page, 'import-keystore');
  await page.getByRole('button', { name: 'Import' }).click();
  await page.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
  assert.deepEqual((await listedAddresses(page)).ethereum, [account.address]);
  await finish(fresh, page, problems);
});

test('SLIP-39 shares (Trezor vectors): a valid set restores the vector\'s wallet, an invalid one is refused', { timeout: 120_000 }, async () => {
  assert.equal(SLIP39.passphrase, 'TREZOR');
  const valid = SLIP39.cases.find(([description]) => description.startsWith('1. Valid mnemonic without sharing (128 bits)'));
  const invalid = SLIP39.cases.find(([description]) => description.startsWith('2. Mnemonic with invalid checksum (128 bits)'));
  assert.ok(valid && invalid, 'vectors 1 and 2 are in the file');
  const [, shares, masterSecret] = valid;
  // Custodian's shares hold the BIP-39 entropy: the master secret is the phrase's entropy.
  const mnemonic = entropyToMnemonic(Buffer.from(masterSecret, 'hex'), wordlist);

  const { fresh, page, problems } = await importForm('shares');
  await page.getByTestId('import-shares').fill(invalid[1].join('\n'));
  await page.getByText('Share passphrase (advanced)').click();
  await page.getByTestId('import-shares-passphrase').fill('TREZOR');
  await fillNewPassword(page, 'import-password', PASSWORD);
  await page.getByRole('button', { name: 'Recover' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="form-error"]').textContent !== '', null, { timeout: 60_000 });
  assert.equal(await page.getByTestId('state').textContent(), 'No wallet');

  await page.getByTestId('import-shares').fill(shares.join('\n'));
  await fillNewPassword(page, 'import-password', PASSWORD);
  await shots(page, 'import-shares');
  await page.getByRole('button', { name: 'Recover' }).click();
  await page.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
  assert.deepEqual(await listedAddresses(page), expectedAddresses(mnemonic, 1));
  await finish(fresh, page, problems);
});
