// Issue 3 item 5: keystore v3 files round-trip with ethers, the library most dapps and scripts
// use to read and write them; and `wallet_export` gives the keys ethers derives.
//
// Scrypt at geth's and ethers' default cost (n = 2^17, 128 MiB) takes a second or two on each
// side, so the default-cost cases are few; the rest lower N through ethers' own option.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { Keypair } from '@solana/web3.js';
import { Wallet, encodeBase58, encryptKeystoreJson } from 'ethers';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  FLOOR_KDF, addAccountsUpTo, addressesOf, call, callFails, ethersAccount, importMnemonic,
  solanaSeed, wasm,
} from './support.mjs';

/** ethers writes a keystore for a fresh random key, scrypt N lowered for speed. */
async function ethersKeystore(password, N = 1 << 14) {
  const wallet = Wallet.createRandom();
  const json = await encryptKeystoreJson(
    { address: wallet.address, privateKey: wallet.privateKey },
    password,
    { scrypt: { N } },
  );
  return { wallet, json };
}

test('wallet_export keystore (default scrypt cost) opens in ethers with the same address and key', async () => {
  const phrase = generateMnemonic(wordlist, 128);
  const { custodian, imported } = await importMnemonic(phrase, { password: 'vault password' });
  const eth = imported.accounts.find((a) => a.chain === 'ethereum').address;

  let started = Date.now();
  const { keystore } = await call(custodian, 'wallet_export', {
    password: 'vault password', what: 'keystore', address: eth,
  });
  const exportMs = Date.now() - started;
  const file = JSON.parse(keystore);
  assert.equal(file.version, 3);
  assert.equal(file.crypto.kdf, 'scrypt');
  assert.equal(file.crypto.kdfparams.n, 131072);

  started = Date.now();
  // Without keystorePassword the file is encrypted with the vault password.
  const opened = await Wallet.fromEncryptedJson(keystore, 'vault password');
  const openMs = Date.now() - started;
  assert.equal(opened.address, eth);
  assert.equal(opened.privateKey, ethersAccount(phrase, undefined, 0).privateKey);
  console.log(`keystore n=2^17: Custodian (wasm) export ${exportMs} ms, ethers open ${openMs} ms`);
  custodian.free();
});

test('wallet_export keystore with its own non-ASCII password opens in ethers', async () => {
  const phrase = generateMnemonic(wordlist, 256);
  const { custodian } = await importMnemonic(phrase, { passphrase: 'TREZOR' });
  const accounts = await addAccountsUpTo(custodian, 2);
  const eth = addressesOf(accounts, 'ethereum')[2];
  // NFC text (what keyboards produce), so ethers' NFKC and Custodian's bytes-as-given agree.
  const keystorePassword = 'p\u00e4ssw\u00f6rd \u{1F511}';
  const { keystore } = await call(custodian, 'wallet_export', {
    password: 'pw-import', what: 'keystore', address: eth.toLowerCase(), keystorePassword,
  });
  const opened = await Wallet.fromEncryptedJson(keystore, keystorePassword);
  assert.equal(opened.address, eth);
  assert.equal(opened.privateKey, ethersAccount(phrase, 'TREZOR', 2).privateKey);
  await assert.rejects(Wallet.fromEncryptedJson(keystore, 'pw-import'), /incorrect password/);
  custodian.free();
});

test('ethers-written keystores import with ethers\' address; a wrong password is WrongPassword', async () => {
  let imported = 0;
  const passwords = [
    'keystore password',
    'p\u00e4ssw\u00f6rd', // NFC
    'cafe\u0301', // decomposed: ethers encrypts its NFKC form, Custodian retries with NFKC
    '\uff50\uff41\uff53\uff53', // fullwidth: NFKC folds it to "pass"
  ];
  for (const keystorePassword of passwords) {
    const { wallet, json } = await ethersKeystore(keystorePassword);
    const custodian = new wasm.Custodian();
    await callFails(custodian, 'wallet_import', {
      password: 'vault', keystore: json, keystorePassword: `${keystorePassword}x`, kdf: FLOOR_KDF,
    }, { code: 4100, kind: 'WrongPassword' });
    // A failed import leaves no vault behind.
    assert.deepEqual(await call(custodian, 'wallet_status'), { state: 'empty' });
    assert.equal(custodian.takeSave(), undefined);

    // The keystore as text (what a file read gives) and as an object (what JSON.parse gives).
    const asObject = imported % 2 === 1;
    const result = await call(custodian, 'wallet_import', {
      password: 'vault', keystore: asObject ? JSON.parse(json) : json, keystorePassword, kdf: FLOOR_KDF,
    });
    assert.equal(result.accounts.length, 1);
    assert.equal(result.accounts[0].chain, 'ethereum');
    assert.equal(result.accounts[0].source, 'imported');
    assert.equal(result.accounts[0].address, wallet.address);
    const { privateKey } = await call(custodian, 'wallet_export', {
      password: 'vault', what: 'privateKey', address: wallet.address,
    });
    assert.equal(privateKey, wallet.privateKey);
    custodian.free();
    imported++;
  }
  assert.equal(imported, passwords.length);
});

test('ethers default keystore (n=2^17) -> Custodian -> keystore -> ethers gives back the key', async () => {
  const wallet = Wallet.createRandom();
  const json = await wallet.encrypt('first password');
  const custodian = new wasm.Custodian();
  await call(custodian, 'wallet_import', {
    password: 'vault', keystore: json, keystorePassword: 'first password', kdf: FLOOR_KDF,
  });
  const { keystore } = await call(custodian, 'wallet_export', {
    password: 'vault', what: 'keystore', address: wallet.address, keystorePassword: 'second password',
  });
  const reopened = await Wallet.fromEncryptedJson(keystore, 'second password');
  assert.equal(reopened.privateKey, wallet.privateKey);
  custodian.free();
});

test('wallet_export privateKey equals ethers (Ethereum) and SLIP-0010 + web3.js (Solana)', async () => {
  const phrase = generateMnemonic(wordlist, 128);
  const passphrase = 'export me';
  const { custodian } = await importMnemonic(phrase, { passphrase, password: 'vault' });
  const accounts = await addAccountsUpTo(custodian, 2);
  let exported = 0;
  for (const [i, address] of addressesOf(accounts, 'ethereum').entries()) {
    const { privateKey } = await call(custodian, 'wallet_export', { password: 'vault', what: 'privateKey', address });
    assert.equal(privateKey, ethersAccount(phrase, passphrase, i).privateKey);
    exported++;
  }
  for (const [i, address] of addressesOf(accounts, 'solana').entries()) {
    const result = await call(custodian, 'wallet_export', { password: 'vault', what: 'privateKey', address });
    const seed = solanaSeed(phrase, passphrase, i);
    assert.equal(result.privateKey, bytesToHex(seed));
    // Phantom's and the Solana CLI's form: the 64-byte secret key (seed || public key), base58.
    assert.equal(result.secretKeyBase58, encodeBase58(Keypair.fromSeed(seed).secretKey));
    exported++;
  }
  assert.equal(exported, 6);

  const eth = addressesOf(accounts, 'ethereum')[0];
  await callFails(custodian, 'wallet_export', { password: 'not it', what: 'privateKey', address: eth },
    { code: 4100, kind: 'WrongPassword' });
  await callFails(custodian, 'wallet_export', { password: 'not it', what: 'mnemonic' },
    { code: 4100, kind: 'WrongPassword' });
  const backup = await call(custodian, 'wallet_export', { password: 'vault', what: 'mnemonic' });
  assert.deepEqual(backup, { mnemonic: phrase, passphrase });
  // A Solana key has no keystore v3 form.
  await callFails(custodian, 'wallet_export',
    { password: 'vault', what: 'keystore', address: addressesOf(accounts, 'solana')[0] },
    { code: -32602, kind: 'InvalidParams' });
  custodian.free();
});
