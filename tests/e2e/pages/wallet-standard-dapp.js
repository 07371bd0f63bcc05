// Test-only: the dapp side of wallet-standard.html. It knows nothing of Custodian: it finds
// wallets with getWallets() (@wallet-standard/app, re-exported by @wallet-standard/core),
// builds transactions with @solana/web3.js and checks signatures with @noble/curves, all
// served from node_modules on the page's own origin. Results go back to the test as hex.

import { getWallets } from '@wallet-standard/core';
import { ed25519 } from '@noble/curves/ed25519.js';

const { Keypair, PublicKey, SystemProgram, Transaction, TransactionMessage, VersionedTransaction } = window.solanaWeb3;

const wallets = getWallets();
/** Names of the wallets the app heard register, in order. */
const registered = [];
wallets.on('register', (...added) => registered.push(...added.map((w) => w.name)));

let wallet;
let account;
/** Every standard:events `change`: the accounts' addresses (or null if accounts did not change). */
const changes = [];

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromHex = (text) => Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));

const plainAccount = (a) => ({
  address: a.address,
  publicKey: hex(a.publicKey),
  chains: [...a.chains],
  features: [...a.features],
  ...(a.label === undefined ? {} : { label: a.label }),
  frozen: Object.isFrozen(a),
});

/** Writes what happened on the page too, for the screenshot. */
function show(title, value, icon) {
  const section = document.createElement('section');
  const heading = document.createElement('h2');
  if (icon) {
    const img = document.createElement('img');
    img.src = icon;
    img.width = 32;
    img.height = 32;
    img.alt = '';
    heading.append(img, ' ');
  }
  heading.append(title);
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(value, null, 2);
  section.append(heading, pre);
  document.getElementById('log').append(section);
}

function current() {
  if (account === undefined) throw new Error('connect first');
  return account;
}

window.dapp = {
  registered: () => [...registered],
  changes: () => changes.map((c) => (c === null ? null : [...c])),

  /** Picks the wallet named Custodian among everything registered; describes it. */
  find() {
    const found = wallets.get().filter((w) => w.name === 'Custodian');
    [wallet] = found;
    if (wallet === undefined) return { count: 0 };
    wallet.features['standard:events'].on('change', (properties) => {
      const accounts = properties.accounts === undefined ? null : properties.accounts.map((a) => a.address);
      changes.push(accounts);
      show('standard:events change', { accounts });
    });
    const description = {
      count: found.length,
      version: wallet.version,
      name: wallet.name,
      icon: wallet.icon,
      chains: [...wallet.chains],
      features: Object.fromEntries(Object.entries(wallet.features).map(([name, f]) => [name, f.version])),
      supportedTransactionVersions: [...wallet.features['solana:signTransaction'].supportedTransactionVersions],
      accounts: wallet.accounts.length,
      frozen: Object.isFrozen(wallet.features),
    };
    show(`getWallets(): ${wallet.name}`, { ...description, icon: `${wallet.icon.slice(0, 40)}…` }, wallet.icon);
    return description;
  },

  async connect() {
    const { accounts } = await wallet.features['standard:connect'].connect();
    [account] = accounts;
    const result = { accounts: accounts.map(plainAccount), walletAccounts: wallet.accounts.map((a) => a.address) };
    show('standard:connect', result);
    return result;
  },

  accounts: () => wallet.accounts.map(plainAccount),

  async signMessage(text) {
    const message = new TextEncoder().encode(text);
    const [output] = await wallet.features['solana:signMessage'].signMessage({ account: current(), message });
    const result = {
      signedMessage: hex(output.signedMessage),
      signature: hex(output.signature),
      signatureType: output.signatureType,
      verifiedInPage: ed25519.verify(output.signature, message, current().publicKey),
    };
    show('solana:signMessage', { text, ...result });
    return result;
  },

  /**
   * Two transactions built with web3.js, signed in one call: a legacy transfer we pay for, and
   * a v0 transfer from a co-signer (a fresh web3.js Keypair that signs first) paid by us.
   */
  async signTransactions(blockhash) {
    const me = new PublicKey(current().publicKey);
    const cosigner = Keypair.generate();
    const recipient = Keypair.generate().publicKey;
    const legacy = new Transaction({ feePayer: me, recentBlockhash: blockhash }).add(
      SystemProgram.transfer({ fromPubkey: me, toPubkey: recipient, lamports: 1_000_000 }),
    );
    const legacyBytes = legacy.serialize({ requireAllSignatures: false, verifySignatures: false });
    const v0 = new VersionedTransaction(
      new TransactionMessage({
        payerKey: me,
        recentBlockhash: blockhash,
        instructions: [SystemProgram.transfer({ fromPubkey: cosigner.publicKey, toPubkey: recipient, lamports: 42 })],
      }).compileToV0Message(),
    );
    v0.sign([cosigner]);
    const v0Bytes = v0.serialize();
    const outputs = await wallet.features['solana:signTransaction'].signTransaction(
      { account: current(), transaction: legacyBytes, chain: 'solana:devnet' },
      { account: current(), transaction: v0Bytes, chain: 'solana:devnet' },
    );
    // What a dapp does next: read the signed transactions back with web3.js.
    const signedLegacy = Transaction.from(outputs[0].signedTransaction);
    const signedV0 = VersionedTransaction.deserialize(outputs[1].signedTransaction);
    const v0Message = signedV0.message.serialize();
    const result = {
      unsigned: [hex(legacyBytes), hex(v0Bytes)],
      signed: outputs.map((o) => hex(o.signedTransaction)),
      cosigner: cosigner.publicKey.toBase58(),
      legacyVerifiesInPage: signedLegacy.verifySignatures(),
      v0VerifiesInPage: signedV0.signatures.every((sig, i) =>
        ed25519.verify(sig, v0Message, signedV0.message.staticAccountKeys[i].toBytes()),
      ),
    };
    show('solana:signTransaction (legacy + v0, one call)', {
      cosigner: result.cosigner,
      legacyVerifiesInPage: result.legacyVerifiesInPage,
      v0VerifiesInPage: result.v0VerifiesInPage,
      signatures: [signedLegacy.signature?.toString('hex'), ...signedV0.signatures.map(hex)],
    });
    return result;
  },

  async signIn(input) {
    const [output] = await wallet.features['solana:signIn'].signIn(input);
    account = output.account;
    const result = {
      account: plainAccount(output.account),
      signedMessage: hex(output.signedMessage),
      signature: hex(output.signature),
      signatureType: output.signatureType,
      verifiedInPage: ed25519.verify(output.signature, output.signedMessage, output.account.publicKey),
    };
    show('solana:signIn', { text: new TextDecoder().decode(output.signedMessage), verifiedInPage: result.verifiedInPage });
    return result;
  },

  async disconnect() {
    await wallet.features['standard:disconnect'].disconnect();
    show('standard:disconnect', { accounts: wallet.accounts.length });
    return wallet.accounts.length;
  },

  /** A signing attempt that must fail; returns the error as plain data. */
  async signMessageRefused(text, address) {
    const forged = { ...current(), address: address ?? current().address };
    try {
      await wallet.features['solana:signMessage'].signMessage({ account: forged, message: new TextEncoder().encode(text) });
      return { ok: true };
    } catch (error) {
      return { ok: false, code: error?.code, message: String(error?.message ?? error) };
    }
  },

  fromHex,
};
document.body.dataset.dapp = 'ready';
