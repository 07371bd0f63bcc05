// Issue 4 item 4, the isolation rule: nothing that leaves the module contains a private key,
// seed or mnemonic, except wallet_create's one-time mnemonic and wallet_export's answers.
//
// One full session (create, lock, unlock, accounts, every signing method, settings, password
// change, chain switch, failing requests) is recorded: every result, every error, every event,
// every sealed save. Then every record is scanned for every secret of the wallet in every
// encoding (secret_scan.mjs). The signatures are also verified with ethers, @noble/curves and
// @solana/web3.js, so the session is a real one and not a string of errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mnemonicToSeedSync } from '@scure/bip39';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Keypair, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import {
  HDNodeWallet, Transaction as EthTransaction, encodeBase58, getAddress, hexlify, randomBytes, toUtf8Bytes, verifyMessage,
  verifyTypedData,
} from 'ethers';
import { FLOOR_KDF, ethersAccount, solanaSeed, wasm, assertProtocolError } from './support.mjs';
import { mailTypedData } from './fuzz_requests.mjs';
import { compileSecrets, scan } from './secret_scan.mjs';

const PASSWORD = 'first vault password 2024';
const NEW_PASSWORD = 'second vault password 2025';
const PASSPHRASE = 'bip39 passphrase of the session';
const ACCOUNTS = 3;

/** Drives one Custodian and records everything that comes out of it. */
class Recorder {
  constructor() {
    this.custodian = new wasm.Custodian();
    this.records = [];
  }

  /** Sends a request; records the result or error, events and save. Returns the outcome. */
  async send(method, params, { origin, exempt } = {}) {
    let outcome;
    try {
      outcome = { ok: true, result: await this.custodian.request({ method, params }, origin) };
    } catch (error) {
      assertProtocolError(error);
      outcome = { ok: false, error };
    }
    const label = `#${this.records.length} ${method}`;
    this.records.push({ label, method, exempt, value: outcome.ok ? { result: outcome.result } : { error: outcome.error } });
    const events = this.custodian.takeEvents();
    if (events.length > 0) this.records.push({ label: `${label} events`, method, value: events });
    const save = this.custodian.takeSave();
    if (save !== undefined) {
      this.records.push({ label: `${label} save`, method, value: { generation: save.generation }, blobs: [save.bytes] });
    }
    return outcome;
  }

  async ok(method, params, options) {
    const outcome = await this.send(method, params, options);
    assert.ok(outcome.ok, `${method}: ${JSON.stringify(outcome.error)}`);
    return outcome.result;
  }

  async fails(method, params, kind) {
    const outcome = await this.send(method, params);
    assert.equal(outcome.ok, false, `${method} succeeded`);
    assert.equal(outcome.error.data?.kind, kind, JSON.stringify(outcome.error));
    return outcome.error;
  }
}

/** Everything secret about the session's wallet, derived independently of Custodian. */
function secretsOf(phrase) {
  const seed = mnemonicToSeedSync(phrase, PASSPHRASE);
  const secrets = [
    { name: 'mnemonic', text: phrase, words: phrase.split(' ') },
    { name: 'passphrase', text: PASSPHRASE },
    { name: 'password', text: PASSWORD },
    { name: 'new password', text: NEW_PASSWORD },
    { name: 'BIP-39 seed', bytes: seed },
  ];
  const root = HDNodeWallet.fromSeed(seed);
  secrets.push({ name: 'root xprv', text: root.extendedKey });
  secrets.push({ name: 'root private key', bytes: Buffer.from(root.privateKey.slice(2), 'hex') });
  const parent = HDNodeWallet.fromPhrase(phrase, PASSPHRASE, "m/44'/60'/0'/0");
  secrets.push({ name: "m/44'/60'/0'/0 xprv", text: parent.extendedKey });
  for (let i = 0; i < ACCOUNTS; i++) {
    const eth = ethersAccount(phrase, PASSPHRASE, i);
    secrets.push({ name: `Ethereum ${i} private key`, bytes: Buffer.from(eth.privateKey.slice(2), 'hex') });
    const solSeed = solanaSeed(phrase, PASSPHRASE, i);
    secrets.push({ name: `Solana ${i} seed`, bytes: solSeed });
    // Solana's 64-byte secret key is seed || public key: its second half is the address, so
    // only the whole value is a secret (its fragments are covered by the seed above).
    const secretKey = Buffer.from(Keypair.fromSeed(solSeed).secretKey);
    secrets.push({ name: `Solana ${i} secret key base58`, text: encodeBase58(secretKey) });
    secrets.push({ name: `Solana ${i} secret key hex`, text: secretKey.toString('hex') });
    secrets.push({ name: `Solana ${i} secret key base64`, text: secretKey.toString('base64') });
    secrets.push({ name: `Solana ${i} secret key as JSON bytes`, text: JSON.stringify([...secretKey]) });
  }
  return secrets;
}

function solanaTransfer(from) {
  const tx = new Transaction({
    feePayer: new PublicKey(from), recentBlockhash: Keypair.generate().publicKey.toBase58(),
  }).add(SystemProgram.transfer({ fromPubkey: new PublicKey(from), toPubkey: Keypair.generate().publicKey, lamports: 5000 }));
  return Buffer.from(tx.serialize({ requireAllSignatures: false, verifySignatures: false })).toString('base64');
}

/** The whole session; returns the recorder and the phrase. */
async function fullSession() {
  const s = new Recorder();
  await s.ok('wallet_status');
  await s.fails('wallet_unlock', { password: PASSWORD }, 'NoVault');
  const created = await s.ok('wallet_create', { password: PASSWORD, words: 24, passphrase: PASSPHRASE, kdf: FLOOR_KDF },
    { exempt: 'mnemonic' });
  const phrase = created.mnemonic;
  const eth = created.accounts.find((a) => a.chain === 'ethereum').address;
  const sol = created.accounts.find((a) => a.chain === 'solana').address;
  assert.equal(eth, ethersAccount(phrase, PASSPHRASE, 0).address);

  await s.ok('wallet_status');
  await s.ok('eth_chainId', []);
  await s.ok('eth_accounts', []);
  await s.ok('eth_requestAccounts', []);
  await s.ok('wallet_lock');
  await s.ok('eth_accounts', []);
  await s.fails('eth_requestAccounts', [], 'Locked');
  await s.fails('personal_sign', ['0x68656c6c6f', eth], 'Locked');
  await s.fails('wallet_unlock', { password: NEW_PASSWORD }, 'WrongPassword');
  await s.ok('wallet_unlock', { password: PASSWORD });

  for (let i = 1; i < ACCOUNTS; i++) {
    await s.ok('wallet_addAccount', { chain: 'ethereum', label: `Savings ${i}` });
    await s.ok('wallet_addAccount', { chain: 'solana' });
  }
  await s.ok('wallet_renameAccount', { address: sol, label: 'Main Solana' });
  const accounts = await s.ok('wallet_listAccounts');
  assert.equal(accounts.length, ACCOUNTS * 2);
  await s.ok('wallet_updateSettings', { autoLockMinutes: 30 });

  // Signing, each result checked by another implementation.
  const message = 'Custodian isolation test';
  const signature = await s.ok('personal_sign', [hexlify(toUtf8Bytes(message)), eth]);
  assert.equal(verifyMessage(message, signature), eth);
  const mail = mailTypedData();
  const typedSignature = await s.ok('eth_signTypedData_v4', [eth, mail]);
  const { EIP712Domain, ...types } = mail.types;
  assert.ok(EIP712Domain);
  assert.equal(verifyTypedData(mail.domain, types, mail.message, typedSignature), eth);
  const to = getAddress(hexlify(randomBytes(20)));
  const raw = await s.ok('eth_signTransaction', [{
    from: eth, to, value: '0xde0b6b3a7640000', nonce: '0x7', gas: '0x5208',
    maxFeePerGas: '0x4a817c800', maxPriorityFeePerGas: '0x3b9aca00', chainId: '0x1', type: '0x2',
  }]);
  const parsed = EthTransaction.from(raw);
  assert.equal(parsed.from, eth);
  assert.equal(parsed.to, to);
  assert.equal(parsed.type, 2);
  await s.ok('wallet_signAuthorization', { address: to, nonce: 8 });
  const bytes = toUtf8Bytes('Solana isolation test');
  const solSigned = await s.ok('solana_signMessage', { address: sol, message: Buffer.from(bytes).toString('base64') });
  assert.equal(ed25519.verify(Buffer.from(solSigned.signature, 'base64'), bytes, new PublicKey(sol).toBytes()), true);
  const { signedTransaction } = await s.ok('solana_signTransaction', { address: sol, transaction: solanaTransfer(sol) });
  assert.equal(Transaction.from(Buffer.from(signedTransaction, 'base64')).verifySignatures(), true);
  const all = await s.ok('solana_signAllTransactions', { address: sol, transactions: [solanaTransfer(sol), solanaTransfer(sol)] });
  assert.equal(all.signedTransactions.length, 2);
  // A site's sign-in (docs/sites.md): the site connects and asks; the user approves both in
  // the wallet's own UI. The held requests and the approvals are recorded and scanned too.
  const site = { origin: 'https://dapp.example' };
  for (const [method, params] of [
    ['wallet_connect', {}],
    ['solana_signIn', { address: sol, input: { domain: 'dapp.example', statement: 'Sign in to the dapp' } }],
  ]) {
    const held = await s.send(method, params, site);
    assert.equal(held.error?.data?.kind, 'ConsentRequired', `${method}: ${JSON.stringify(held)}`);
    await s.ok('wallet_listRequests', {});
    await s.ok('wallet_approveRequest', { requestId: held.error.data.requestId });
  }

  // Chain switch, then a password change.
  await s.ok('wallet_switchEthereumChain', [{ chainId: '0x89' }]);
  assert.equal(await s.ok('eth_chainId', []), '0x89');
  await s.fails('wallet_changePassword', { oldPassword: NEW_PASSWORD, newPassword: PASSWORD }, 'WrongPassword');
  await s.ok('wallet_changePassword', { oldPassword: PASSWORD, newPassword: NEW_PASSWORD, kdf: FLOOR_KDF });
  await s.ok('wallet_lock');
  await s.fails('wallet_unlock', { password: PASSWORD }, 'WrongPassword');
  await s.ok('wallet_unlock', { password: NEW_PASSWORD });

  // Failing requests, several carrying secrets in the wrong place. Their errors must not echo them.
  await s.fails('wallet_create', { password: PASSWORD, kdf: FLOOR_KDF }, 'VaultExists');
  await s.fails('wallet_import', { password: PASSWORD, mnemonic: phrase, passphrase: PASSPHRASE, kdf: FLOOR_KDF }, 'VaultExists');
  await s.fails('wallet_unlock', { password: 7, mnemonic: phrase }, 'InvalidParams');
  await s.fails('wallet_unlock', phrase, 'InvalidParams');
  await s.fails('wallet_unlock', { password: [phrase] }, 'InvalidParams');
  await s.fails('wallet_export', { password: PASSWORD, what: 'mnemonic' }, 'WrongPassword');
  await s.fails('wallet_export', { password: NEW_PASSWORD, what: 'privateKey', address: '0x0000000000000000000000000000000000000001' }, 'UnknownAccount');
  await s.fails('wallet_addAccount', { chain: 'ethereum', label: phrase.repeat(3) }, 'InvalidParams');
  await s.fails('personal_sign', ['0x00', '0x0000000000000000000000000000000000000001'], 'UnknownAccount');
  await s.fails('eth_signTransaction', [{ from: eth, to, nonce: PASSWORD, gas: 21000, maxFeePerGas: 1, maxPriorityFeePerGas: 1 }], 'InvalidTransaction');
  await s.fails('solana_signTransaction', { address: sol, transaction: Buffer.from(phrase).toString('base64') }, 'InvalidSolanaRequest');
  await s.fails('eth_sendTransaction', [{ from: eth, to }], 'Unsupported');
  await s.fails('wallet_doesNotExist', { password: PASSWORD }, 'MethodNotFound');
  await s.fails('wallet_switchEthereumChain', [{ chainId: PASSWORD }], 'UnrecognizedChain');

  // The two exports the rule allows, recorded but exempt from the scan.
  const exported = await s.ok('wallet_export', { password: NEW_PASSWORD, what: 'mnemonic' }, { exempt: 'all' });
  assert.equal(exported.mnemonic, phrase);
  await s.ok('wallet_export', { password: NEW_PASSWORD, what: 'privateKey', address: eth }, { exempt: 'all' });
  await s.ok('wallet_export', { password: NEW_PASSWORD, what: 'privateKey', address: sol }, { exempt: 'all' });
  await s.ok('wallet_status');
  await s.ok('wallet_lock');
  return { session: s, phrase };
}

/** The records the rule covers: all but the exports, and create's result minus its mnemonic. */
function scanned(records) {
  return records.filter((r) => r.exempt !== 'all').map((r) => {
    if (r.exempt !== 'mnemonic') return r;
    const { mnemonic, ...rest } = r.value.result;
    assert.equal(typeof mnemonic, 'string');
    return { ...r, value: { result: rest } };
  });
}

const sessionPromise = fullSession();

test('no response, error, event or save of a full session contains a secret', async () => {
  const { session, phrase } = await sessionPromise;
  const records = scanned(session.records);
  const methods = new Set(session.records.map((r) => r.method));
  const secrets = secretsOf(phrase);
  const compiled = compileSecrets(secrets);
  const findings = scan(records, compiled);
  console.log(`isolation: ${records.length} records of ${methods.size} methods scanned for ${secrets.length} secrets ` +
    `(${compiled.textNeedles.length} text, ${compiled.byteNeedles.length} byte, ${compiled.patterns.length} word needles)`);
  assert.deepEqual(findings, []);
  // The session really covered what the rule is about.
  for (const m of ['wallet_create', 'wallet_unlock', 'personal_sign', 'eth_signTypedData_v4', 'eth_signTransaction',
    'solana_signMessage', 'solana_signTransaction', 'wallet_changePassword', 'wallet_switchEthereumChain', 'wallet_export']) {
    assert.ok(methods.has(m), m);
  }
  assert.ok(records.some((r) => r.label.endsWith('save')), 'no save was scanned');
  assert.ok(records.some((r) => r.label.endsWith('events')), 'no event was scanned');
  // 25 methods, plus the site flow's wallet_connect, wallet_listRequests and wallet_approveRequest.
  assert.equal(methods.size, 28);
});

test('the exempt answers do hold the secrets (so the scan looks for the right things)', async () => {
  const { session, phrase } = await sessionPromise;
  const exempt = session.records.filter((r) => r.exempt !== undefined);
  const findings = scan(exempt, compileSecrets(secretsOf(phrase)));
  const found = new Set(findings.map((f) => f.secret.split(' ').slice(0, 3).join(' ')));
  // create and export give the phrase; the exports give the first Ethereum and Solana keys.
  assert.ok(found.has('mnemonic'), JSON.stringify([...found]));
  assert.ok(found.has('Ethereum 0 private'), JSON.stringify([...found]));
  assert.ok(found.has('Solana 0 seed'), JSON.stringify([...found]));
  assert.ok(found.has('Solana 0 secret'), JSON.stringify([...found]));
  assert.equal(exempt.length, 4);
});

test('the scanner finds a secret injected in any encoding, whole or in part', async () => {
  const { session, phrase } = await sessionPromise;
  const records = scanned(session.records);
  const compiled = compileSecrets(secretsOf(phrase));
  const seed = mnemonicToSeedSync(phrase, PASSPHRASE);
  const ethKey = ethersAccount(phrase, PASSPHRASE, 1).privateKey;
  const solSecret = Keypair.fromSeed(solanaSeed(phrase, PASSPHRASE, 2)).secretKey;
  const words = phrase.split(' ');
  const injections = {
    'Ethereum key, 0x hex': ethKey,
    'Ethereum key, upper-case hex': ethKey.slice(2).toUpperCase(),
    'seed, 10-byte hex fragment': Buffer.from(seed.subarray(21, 31)).toString('hex'),
    'seed, base64 at offset 1': Buffer.from(seed.subarray(1, 40)).toString('base64'),
    'seed, base64url': Buffer.from(seed).toString('base64url'),
    'Solana secret key, base58': encodeBase58(solSecret),
    'Solana seed inside a base64 blob': Buffer.concat([randomBytes(5), solSecret.subarray(0, 32), randomBytes(3)]).toString('base64'),
    'three words as an array': words.slice(10, 13),
    'phrase in base64': Buffer.from(phrase).toString('base64'),
    'password in an error message': `wrong password ${PASSWORD}`,
    'passphrase': PASSPHRASE,
  };
  let caught = 0;
  for (const [what, leak] of Object.entries(injections)) {
    // Into a copy of a random non-exempt record, deep inside its value.
    const copy = structuredClone(records);
    const target = copy[Math.floor(Math.random() * copy.length)];
    target.value = { original: target.value, nested: [{ leak }] };
    const findings = scan(copy, compiled);
    assert.ok(findings.length > 0, `the scanner missed: ${what}`);
    assert.ok(findings.every((f) => f.label === target.label), `${what}: ${JSON.stringify(findings)}`);
    caught++;
  }
  // A secret in a save's raw bytes (as if the vault were written in clear).
  const copy = structuredClone(records);
  const save = copy.find((r) => r.blobs);
  save.blobs = [Buffer.concat([Buffer.from(save.blobs[0]), Buffer.from(seed)])];
  assert.ok(scan(copy, compiled).some((f) => f.label === save.label));
  caught++;
  assert.equal(caught, Object.keys(injections).length + 1);
});

// Regression: serde's "unknown variant" and "unknown field" messages quote the offending text in
// backticks; scrub_serde_message (crates/core/src/api/error.rs) once cut only double-quoted text,
// so a secret pasted into an enum field was echoed in the error.
test('a secret pasted into an enum field is not echoed in the error', async () => {
  const { phrase } = await sessionPromise;
  const c = new wasm.Custodian();
  await c.request({ method: 'wallet_create', params: { password: PASSWORD, kdf: FLOOR_KDF } });
  const cases = [
    ['wallet_addAccount', { chain: phrase }],
    ['wallet_export', { password: PASSWORD, what: phrase }],
  ];
  for (const [method, params] of cases) {
    const error = await c.request({ method, params }).then(() => assert.fail('accepted'), (e) => e);
    assert.equal(error.code, -32602);
    const twoWords = phrase.split(' ').slice(0, 2).join(' ');
    assert.ok(!error.message.includes(twoWords), `${method} echoed: ${error.message}`);
  }
});
