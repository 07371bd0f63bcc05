// Issue 2 item 6: the accounts Custodian derives, checked against the libraries people already
// use. Ethereum: ethers' HDNodeWallet (MetaMask's path m/44'/60'/0'/0/i). Solana: @scure/bip39's
// seed, SLIP-0010 written in support.mjs from the spec, and @solana/web3.js's Keypair (Phantom's
// path m/44'/501'/i'/0'). Every mnemonic goes through the real WASM module's protocol.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { Keypair } from '@solana/web3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  FLOOR_KDF, INDEXES, addAccountsUpTo, addressesOf, call, ethersAccount, ethersAddresses,
  importMnemonic, slip10Ed25519, solanaAddresses, solanaKeypair, wasm,
} from './support.mjs';

const MNEMONICS = 25;
const CREATES = 50;

function vectors(name) {
  return JSON.parse(readFileSync(new URL(`../vectors/${name}`, import.meta.url), 'utf8'));
}

// Passphrases that exercise BIP-39's NFKD rule: ethers and @scure/bip39 both normalise, so a
// Custodian that did not would derive different addresses.
const PASSPHRASES = [
  'TREZOR',
  'correct horse battery staple',
  'caf\u00e9', // composed é
  'cafe\u0301', // decomposed é: the same seed as the line above after NFKD
  '\uff50\uff41\uff53\uff53', // fullwidth "pass": NFKD folds it to ASCII
  '\u{1F511} key',
  ' leading and trailing ',
];

test('the test\'s own SLIP-0010 matches the published vectors (so it can judge Custodian)', () => {
  let chains = 0;
  for (const vector of vectors('slip10_test_vectors.json').vectors) {
    if (vector.curve !== 'ed25519') continue;
    for (const chain of vector.chains) {
      const indexes = chain.path === 'm' ? [] : chain.path.slice(2).split('/').map((p) => {
        assert.ok(p.endsWith("'"), `ed25519 path step ${p} is not hardened`);
        return Number.parseInt(p, 10);
      });
      const { key, chainCode } = slip10Ed25519(hexToBytes(vector.seed), indexes);
      assert.equal(bytesToHex(key), chain.private, `${vector.name} ${chain.path}`);
      assert.equal(bytesToHex(chainCode), chain.chain_code, `${vector.name} ${chain.path}`);
      chains++;
    }
  }
  let solana = 0;
  for (const hd of vectors('solana_vectors.json').hd_derivation) {
    const indexes = hd.path.slice(2).split('/').map((p) => Number.parseInt(p, 10));
    const seed = mnemonicToSeedSync(hd.mnemonic, hd.passphrase);
    const key = slip10Ed25519(seed, indexes).key;
    assert.equal(Keypair.fromSeed(key).publicKey.toBase58(), hd.address_base58, hd.path);
    solana++;
  }
  console.log(`SLIP-0010 self-check: ${chains} ed25519 chains, ${solana} Solana HD vectors`);
  assert.equal(chains, 12);
  assert.equal(solana, 3);
});

test(`${MNEMONICS} random mnemonics: indexes 0-4 equal ethers and SLIP-0010 + @solana/web3.js`, async () => {
  let checked = 0;
  let withPassphrase = 0;
  for (let n = 0; n < MNEMONICS; n++) {
    const phrase = generateMnemonic(wordlist, n % 2 === 0 ? 128 : 256);
    // Two of every three carry a passphrase.
    const passphrase = n % 3 === 0 ? undefined : PASSPHRASES[n % PASSPHRASES.length];
    if (passphrase !== undefined) withPassphrase++;
    const what = `mnemonic #${n} (${phrase.split(' ').length} words, passphrase ${JSON.stringify(passphrase)}): ${phrase}`;

    const { custodian, imported } = await importMnemonic(phrase, { passphrase });
    assert.equal(imported.accounts.length, 2, what);
    const accounts = await addAccountsUpTo(custodian, 4);
    assert.equal(accounts.length, 10, what);

    const eth = addressesOf(accounts, 'ethereum');
    const sol = addressesOf(accounts, 'solana');
    const ethersEth = ethersAddresses(phrase, passphrase, INDEXES.length);
    const independentSol = solanaAddresses(phrase, passphrase, INDEXES.length);
    for (const i of INDEXES) {
      assert.equal(eth[i], ethersEth[i], `${what}: Ethereum index ${i}`);
      assert.equal(sol[i], independentSol[i], `${what}: Solana index ${i}`);
      checked += 2;
    }
    // One full-path derivation through ethers' other entry point, as MetaMask's docs show it.
    assert.equal(eth[4], ethersAccount(phrase, passphrase, 4).address, what);
    // The paths Custodian reports are the ones the addresses were compared at.
    assert.deepEqual(
      accounts.filter((a) => a.chain === 'ethereum').map((a) => a.path).sort(),
      INDEXES.map((i) => `m/44'/60'/0'/0/${i}`),
    );
    assert.deepEqual(
      accounts.filter((a) => a.chain === 'solana').map((a) => a.path).sort(),
      INDEXES.map((i) => `m/44'/501'/${i}'/0'`),
    );
    custodian.free();
  }
  console.log(`${MNEMONICS} mnemonics (${withPassphrase} with a passphrase): ${checked} addresses equal`);
  assert.equal(checked, MNEMONICS * INDEXES.length * 2);
});

test('composed and decomposed passphrases give the same wallet (NFKD)', async () => {
  const phrase = generateMnemonic(wordlist, 128);
  const a = await importMnemonic(phrase, { passphrase: 'caf\u00e9' });
  const b = await importMnemonic(phrase, { passphrase: 'cafe\u0301' });
  const c = await importMnemonic(phrase, {});
  assert.deepEqual(a.imported.accounts, b.imported.accounts);
  assert.notDeepEqual(a.imported.accounts, c.imported.accounts);
});

test('a phrase typed with odd case and spacing imports as the canonical phrase', async () => {
  const phrase = generateMnemonic(wordlist, 256);
  const expected = ethersAddresses(phrase, undefined, 1)[0];
  const variants = [
    phrase.toUpperCase(),
    ` ${phrase.replaceAll(' ', '  \t')}\n`,
    phrase.replaceAll(' ', '\u3000'), // ideographic space, as Japanese keyboards type it
  ];
  for (const variant of variants) {
    const { custodian, imported } = await importMnemonic(variant);
    assert.equal(imported.accounts[0].address, expected, JSON.stringify(variant));
    const backup = await call(custodian, 'wallet_export', { password: 'pw-import', what: 'mnemonic' });
    assert.equal(backup.mnemonic, phrase);
    custodian.free();
  }
  assert.equal(variants.length, 3);
});

test('wallet_create: 12 and 24 words that @scure/bip39 validates, accounts that ethers derives', async () => {
  let created = 0;
  for (const words of [12, 24]) {
    for (const passphrase of [undefined, 'TREZOR']) {
      const custodian = new wasm.Custodian();
      const params = { password: 'pw-create', words, kdf: FLOOR_KDF };
      if (passphrase !== undefined) params.passphrase = passphrase;
      const result = await call(custodian, 'wallet_create', params);
      const phrase = result.mnemonic;
      assert.equal(phrase.split(' ').length, words);
      assert.equal(validateMnemonic(phrase, wordlist), true, `invalid BIP-39: ${phrase}`);
      const accounts = await addAccountsUpTo(custodian, 1);
      const eth = addressesOf(accounts, 'ethereum');
      const sol = addressesOf(accounts, 'solana');
      for (const i of [0, 1]) {
        assert.equal(eth[i], ethersAccount(phrase, passphrase, i).address);
        assert.equal(sol[i], solanaKeypair(phrase, passphrase, i).publicKey.toBase58());
      }
      custodian.free();
      created++;
    }
  }
  assert.equal(created, 4);
});

test(`${CREATES} wallet_create calls never repeat a mnemonic or an address`, async () => {
  const phrases = new Set();
  const addresses = new Set();
  for (let n = 0; n < CREATES; n++) {
    const custodian = new wasm.Custodian();
    const result = await call(custodian, 'wallet_create', { password: 'pw', kdf: FLOOR_KDF });
    phrases.add(result.mnemonic);
    for (const account of result.accounts) addresses.add(account.address);
    custodian.free();
  }
  console.log(`${CREATES} creates: ${phrases.size} distinct mnemonics, ${addresses.size} distinct addresses`);
  assert.equal(phrases.size, CREATES);
  assert.equal(addresses.size, CREATES * 2);
});
