// Wallet Standard registration and the Solana features, run against the REAL WASM core (the
// worker host over a MessageChannel, as in a page minus the browser Worker). The dapp side is
// the standard's own code: getWallets() from @wallet-standard/app (via @wallet-standard/core)
// finds the wallet; signatures are checked with @noble/curves and @solana/web3.js, sign-in with
// @solana/wallet-standard-util. A dapp's wallet reaches the core the way a dapp on another
// origin does (connector -> wallet frame -> site host, over simulated windows), with a user
// who approves every request the core holds for consent.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

// @wallet-standard/app registers its listeners on `window` when getWallets() is first called;
// Node has none, so an EventTarget stands in (this file runs in its own process). It needs
// `crypto` too: once `window` exists, the WASM module's randomness is looked up there, as in
// a browser.
globalThis.window ??= Object.assign(new EventTarget(), { crypto: globalThis.crypto });

const { getWallets } = await import('@wallet-standard/core');
const { ed25519 } = await import('@noble/curves/ed25519.js');
const { PublicKey, SystemProgram, Transaction, VersionedTransaction, TransactionMessage, Keypair } = await import('@solana/web3.js');
const { verifySignIn } = await import('@solana/wallet-standard-util');
const { CustodianClient } = await import('../dist/client.js');
const {
  APP_READY_EVENT,
  CustodianSolanaWallet,
  REGISTER_WALLET_EVENT,
  SOLANA_CHAINS,
  base58Decode,
  registerSolanaWallet,
  registerWallet,
} = await import('../dist/index.js');
const { FLOOR_KDF, loadWasm, realWorkers } = await import('./real-wasm.mjs');
const { embedWorld } = await import('./embed-harness.mjs');

// RFC 8032 §7.1 TEST 1: a published key pair, so the expected public key is not computed by
// the code under test.
const SECRET = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const PUBLIC = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
const ADDRESS = new PublicKey(PUBLIC).toBase58();
const ORIGIN = 'https://app.example';

let wasm;
const clients = [];

before(async () => {
  wasm = await loadWasm();
});

after(() => {
  for (const client of clients) client.terminate();
});

function newClient(dbName) {
  const client = new CustodianClient({ spawn: realWorkers(wasm).spawn, dbName });
  clients.push(client);
  return client;
}

async function importKey(client) {
  await client.request({
    method: 'wallet_import',
    params: { password: 'pw', privateKey: SECRET.toString('hex'), curve: 'ed25519', kdf: FLOOR_KDF },
  });
}

/**
 * The Solana wallet a dapp at ORIGIN gets: over the connector, the wallet frame and the site
 * host, to the real core behind `client`; every request held for consent is approved.
 */
function siteWallet(client) {
  const world = embedWorld({ core: client, dappOrigin: ORIGIN, autoDecide: 'approve' });
  const wallet = new CustodianSolanaWallet(world.client, { origin: ORIGIN });
  return { wallet, world };
}

function recordChanges(wallet) {
  const changes = [];
  wallet.features['standard:events'].on('change', (properties) => changes.push(properties));
  return changes;
}

test('getWallets() finds Custodian whether it registers before or after the app is ready', async () => {
  // Before: nothing has called getWallets() yet in this process, so no app is listening; the
  // wallet must answer the app-ready event getWallets() dispatches on its first call.
  const early = registerSolanaWallet(newClient('early'), { origin: ORIGIN });
  const wallets = getWallets();
  assert.ok(wallets.get().includes(early.wallet), 'registered on app-ready');

  // After: the app is listening; registering dispatches register-wallet, heard at once.
  const registered = [];
  const off = wallets.on('register', (...ws) => registered.push(...ws));
  const late = registerSolanaWallet(newClient('late'), { origin: ORIGIN });
  assert.deepEqual(registered, [late.wallet]);
  assert.equal(wallets.get().filter((w) => w.name === 'Custodian').length, 2);

  // Unregistering takes it out of the app's list and stops answering app-ready events.
  late.unregister();
  assert.ok(!wallets.get().includes(late.wallet));
  off();
  early.unregister();
  assert.ok(!wallets.get().includes(early.wallet));
});

test('registerWallet speaks the two-event protocol on any EventTarget', () => {
  assert.equal(REGISTER_WALLET_EVENT, 'wallet-standard:register-wallet');
  assert.equal(APP_READY_EVENT, 'wallet-standard:app-ready');
  const target = new EventTarget();
  const wallet = { name: 'w' };
  const seen = [];
  const app = { register: (w) => (seen.push(w), () => seen.push('unregistered')) };
  target.addEventListener(REGISTER_WALLET_EVENT, (event) => {
    assert.throws(() => event.stopImmediatePropagation(), /cannot be called/);
    event.detail(app);
  });
  const stop = registerWallet(wallet, { target });
  const ready = new Event(APP_READY_EVENT);
  ready.detail = app;
  target.dispatchEvent(ready);
  assert.deepEqual(seen, [wallet, wallet]);
  stop();
  target.dispatchEvent(ready);
  assert.deepEqual(seen, [wallet, wallet, 'unregistered', 'unregistered']);
});

test('the wallet object: chains, the six features, no signAndSendTransaction', () => {
  const wallet = new CustodianSolanaWallet(newClient('shape'), { origin: ORIGIN });
  assert.equal(wallet.version, '1.0.0');
  assert.equal(wallet.name, 'Custodian');
  assert.match(wallet.icon, /^data:image\/svg\+xml;base64,/);
  assert.deepEqual([...wallet.chains], ['solana:mainnet', 'solana:devnet', 'solana:testnet']);
  assert.deepEqual(Object.keys(wallet.features).sort(), [
    'solana:signIn',
    'solana:signMessage',
    'solana:signTransaction',
    'standard:connect',
    'standard:disconnect',
    'standard:events',
  ]);
  assert.equal(wallet.features['solana:signAndSendTransaction'], undefined);
  assert.deepEqual([...wallet.features['solana:signTransaction'].supportedTransactionVersions], ['legacy', 0]);
  assert.equal(wallet.features['solana:signMessage'].version, '1.1.0');
  assert.ok(Object.isFrozen(wallet.features));
  assert.deepEqual(wallet.accounts, []);
  assert.throws(() => new CustodianSolanaWallet(newClient('bad'), { origin: '*' }), TypeError);
  wallet.detach();
});

test('connect returns the Solana account; signMessage through the feature verifies with noble', async () => {
  const client = newClient('connect');
  const { wallet, world } = siteWallet(client);
  const changes = recordChanges(wallet);
  const { connect } = wallet.features['standard:connect'];

  // No vault yet: a silent connect offers nothing, a prompting one passes the refusal on.
  assert.deepEqual((await connect({ silent: true })).accounts, []);
  await assert.rejects(connect(), (e) => e.code === 4100);

  await importKey(client);
  const { accounts } = await connect();
  assert.equal(accounts.length, 1);
  const [account] = accounts;
  assert.equal(account.address, ADDRESS);
  assert.deepEqual(Buffer.from(account.publicKey), PUBLIC);
  assert.deepEqual([...account.chains], SOLANA_CHAINS);
  assert.deepEqual([...account.features].sort(), ['solana:signIn', 'solana:signMessage', 'solana:signTransaction']);
  assert.ok(Object.isFrozen(account));
  assert.equal(wallet.accounts[0], account);
  assert.equal(changes.length, 1);

  const messages = ['hello', '', 'Sign to prove you own this wallet: 日本語 ✓'].map((m) => new TextEncoder().encode(m));
  const outputs = await wallet.features['solana:signMessage'].signMessage(...messages.map((message) => ({ account, message })));
  assert.equal(outputs.length, messages.length);
  outputs.forEach((out, i) => {
    assert.deepEqual(out.signedMessage, messages[i]);
    assert.equal(out.signatureType, 'ed25519');
    assert.equal(ed25519.verify(out.signature, messages[i], PUBLIC), true, `message ${i}`);
    assert.deepEqual(out.signature, ed25519.sign(messages[i], SECRET));
  });
});

test('signTransaction through the feature: one, and a batch signed all or nothing', async () => {
  const client = newClient('transactions');
  await importKey(client);
  const { wallet, world } = siteWallet(client);
  const [account] = (await wallet.features['standard:connect'].connect()).accounts;
  const me = new PublicKey(ADDRESS);
  const blockhash = new PublicKey(new Uint8Array(32).fill(7)).toBase58();
  const transfer = (lamports) =>
    new Transaction({ feePayer: me, recentBlockhash: blockhash })
      .add(SystemProgram.transfer({ fromPubkey: me, toPubkey: Keypair.fromSeed(new Uint8Array(32).fill(lamports)).publicKey, lamports }))
      .serialize({ requireAllSignatures: false, verifySignatures: false });
  const v0 = new VersionedTransaction(
    new TransactionMessage({
      payerKey: me,
      recentBlockhash: blockhash,
      instructions: [SystemProgram.transfer({ fromPubkey: me, toPubkey: Keypair.fromSeed(new Uint8Array(32).fill(9)).publicKey, lamports: 5 })],
    }).compileToV0Message(),
  ).serialize();

  const { signTransaction } = wallet.features['solana:signTransaction'];
  const [single] = await signTransaction({ account, transaction: transfer(1), chain: 'solana:devnet' });
  const legacy = Transaction.from(single.signedTransaction);
  assert.equal(legacy.verifySignatures(), true);

  const batch = await signTransaction(...[transfer(2), v0, transfer(3)].map((transaction) => ({ account, transaction })));
  assert.equal(batch.length, 3);
  assert.equal(Transaction.from(batch[0].signedTransaction).verifySignatures(), true);
  const signedV0 = VersionedTransaction.deserialize(batch[1].signedTransaction);
  assert.equal(ed25519.verify(signedV0.signatures[0], signedV0.message.serialize(), PUBLIC), true);

  // One transaction we are not a signer of: the whole call fails, naming it.
  const stranger = Keypair.fromSeed(new Uint8Array(32).fill(42)).publicKey;
  const foreign = new Transaction({ feePayer: stranger, recentBlockhash: blockhash })
    .add(SystemProgram.transfer({ fromPubkey: stranger, toPubkey: me, lamports: 1 }))
    .serialize({ requireAllSignatures: false, verifySignatures: false });
  await assert.rejects(
    signTransaction(...[transfer(4), foreign].map((transaction) => ({ account, transaction }))),
    (e) => e.code === -32602 && /^transaction 1: .*not a required signer/.test(e.message),
  );
  await assert.rejects(signTransaction({ account, transaction: transfer(5), chain: 'ethereum:1' }), /unsupported chain/);
  // An account the dapp was never given is refused before anything reaches the core.
  const unknown = { ...account, address: stranger.toBase58() };
  await assert.rejects(signTransaction({ account: unknown, transaction: transfer(6) }), (e) => e.code === 4100);
});

test('signIn through the feature: after connecting, the reference verifier accepts it', async () => {
  const client = newClient('sign-in');
  await importKey(client);
  const { wallet, world } = siteWallet(client);
  const changes = recordChanges(wallet);
  // A site signs in once connected (the core refuses a sign-in from a site it does not know).
  await assert.rejects(wallet.features['solana:signIn'].signIn({}), (e) => e.code === 4100 && e.data.kind === 'SiteNotConnected');
  await wallet.features['standard:connect'].connect();
  const input = { statement: 'Sign in to the example app', uri: `${ORIGIN}/login`, version: '1', nonce: 'a1b2c3d4e5', chainId: 'mainnet' };
  const [output] = await wallet.features['solana:signIn'].signIn(input);
  assert.equal(output.account, wallet.accounts[0], 'the output account is the connected WalletAccount');
  assert.equal(output.account.address, ADDRESS);
  assert.equal(changes.length, 1);
  const text = new TextDecoder().decode(output.signedMessage);
  assert.match(text, /^app\.example wants you to sign in with your Solana account:\n/);
  assert.equal(verifySignIn({ ...input, domain: 'app.example', address: ADDRESS }, output), true);
  assert.equal(ed25519.verify(output.signature, output.signedMessage, PUBLIC), true);

  // No input at all: the domain comes from the origin and the account is the first one.
  const [bare] = await wallet.features['solana:signIn'].signIn(undefined);
  assert.equal(new TextDecoder().decode(bare.signedMessage), `app.example wants you to sign in with your Solana account:\n${ADDRESS}`);

  // A page cannot obtain a sign-in for another site.
  await assert.rejects(wallet.features['solana:signIn'].signIn({ domain: 'bank.example' }), (e) => e.code === -32602 && /comes from/.test(e.message));
  await assert.rejects(wallet.features['solana:signIn'].signIn({ useOffchainMessage: { messageVersion: 1 } }), /unsupported field useOffchainMessage/);
});

test('accounts follow the vault: lock empties them, unlock restores them, disconnect drops them', async () => {
  const client = newClient('events');
  await importKey(client);
  const { wallet, world } = siteWallet(client);
  const changes = recordChanges(wallet);
  const [account] = (await wallet.features['standard:connect'].connect()).accounts;

  await client.request({ method: 'wallet_lock' });
  await waitFor(() => changes.length === 2);
  assert.deepEqual(changes[1].accounts, []);
  await assert.rejects(
    wallet.features['solana:signMessage'].signMessage({ account, message: new Uint8Array([1]) }),
    (e) => e.code === 4100,
  );

  await client.request({ method: 'wallet_unlock', params: { password: 'pw' } });
  await waitFor(() => changes.length === 3);
  assert.equal(changes[2].accounts[0], account, 'the same account object comes back');

  await wallet.features['standard:disconnect'].disconnect();
  assert.deepEqual(wallet.accounts, []);
  assert.equal(changes.length, 4);
  // Disconnected: the wallet's own events no longer expose accounts.
  await client.request({ method: 'wallet_lock' });
  await client.request({ method: 'wallet_unlock', params: { password: 'pw' } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(wallet.accounts, []);
  assert.equal(changes.length, 4);
});

test('several Solana accounts: a new one and a rename reach the dapp as change events; refresh() agrees; signing for two accounts at once', async () => {
  const client = newClient('hd');
  await client.request({
    method: 'wallet_import',
    params: { password: 'pw', mnemonic: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about', kdf: FLOOR_KDF },
  });
  // The wallet's own page (no origin) sees every account, and refresh() picks up a new one.
  const own = new CustodianSolanaWallet(client);
  const { accounts } = await own.features['standard:connect'].connect();
  assert.equal(accounts.length, 1, 'the import derives one Solana account');
  const changes = recordChanges(own);
  await client.request({ method: 'wallet_addAccount', params: { chain: 'solana' } });
  // refresh() right away: the core's accountsChanged for the new account starts a load of its
  // own while refresh() waits; refresh() must still answer with the new list.
  const mine = await own.refresh();
  assert.equal(mine.length, 2);
  assert.equal(mine[0], accounts[0]);
  // The change reached the page once, by itself.
  assert.deepEqual(changes.map((c) => c.accounts.length), [2]);
  // Renaming a Solana account changes its label, so the page gets a new account object.
  await client.request({ method: 'wallet_renameAccount', params: { address: mine[1].address, label: 'Savings' } });
  await waitFor(() => changes.length === 2);
  assert.equal(changes[1].accounts[1].label, 'Savings');
  assert.equal(changes[1].accounts[0], mine[0]);
  own.detach();
  // A site connecting now is granted both (the default grant is every account).
  const { wallet, world } = siteWallet(client);
  const both = (await wallet.features['standard:connect'].connect()).accounts;
  assert.deepEqual(both.map((a) => a.address), mine.map((a) => a.address));
  const message = new TextEncoder().encode('two keys');
  const outputs = await wallet.features['solana:signMessage'].signMessage(...both.map((account) => ({ account, message })));
  outputs.forEach((out, i) => assert.equal(ed25519.verify(out.signature, message, both[i].publicKey), true));
  assert.notDeepEqual(outputs[0].signature, outputs[1].signature);
});

test('base58Decode agrees with @solana/web3.js and refuses other text', () => {
  for (const fill of [0, 1, 7, 255]) {
    const key = new PublicKey(new Uint8Array(32).fill(fill));
    assert.deepEqual(base58Decode(key.toBase58()), key.toBytes());
  }
  assert.deepEqual(base58Decode('11'), new Uint8Array([0, 0]));
  assert.deepEqual(base58Decode(''), new Uint8Array([]));
  assert.equal(base58Decode('0OIl'), undefined);
});

async function waitFor(condition, ms = 2000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
