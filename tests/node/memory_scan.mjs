// Shared by the memory-scrub tests (tests/node/memory_scrub.test.mjs in Node,
// tests/e2e/memory_scrub.test.mjs in a Chromium Worker); see docs/threat-model.md §Memory.
//
// - `exerciseWallet` and `scanMemory` are self-contained (no imports, no closures) so the
//   browser test can ship them to a Worker with Function.prototype.toString.
// - `secretNeedles` runs in Node: it recomputes, with other libraries than the core's, every
//   secret the wallet held, in each byte layout a Rust value of it could have in memory.

import { mnemonicToEntropy, mnemonicToSeedSync } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { HDKey } from '@scure/bip32';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { argon2id } from 'hash-wasm';
import { Transaction, TypedDataEncoder, hashMessage } from 'ethers';

export const PASSWORD = 'memory scrub password 7f3a';
export const ETH_PATH = "m/44'/60'/0'/0/0";
export const SOLANA_PATH = [44, 501, 0, 0];

/**
 * Creates a wallet with the default KDF (Argon2id, 64 MiB), signs with every key type, locks,
 * unlocks, signs again, locks. Returns what the caller needs to recompute the secrets.
 * Runs against the real WASM `Custodian` class, in Node or in a Worker.
 */
export async function exerciseWallet(Custodian, password) {
  const b64 = (bytes) => btoa(String.fromCharCode(...bytes));
  const fromB64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const base58 = (text) => {
    const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
    let n = 0n;
    for (const c of text) n = n * 58n + BigInt(alphabet.indexOf(c));
    const out = new Uint8Array(32);
    for (let i = 31; i >= 0; i--) { out[i] = Number(n & 255n); n >>= 8n; }
    return out;
  };
  const wallet = new Custodian();
  const call = (method, params) => wallet.request({ method, params });
  const saves = [];
  const save = () => { const s = wallet.takeSave(); if (s) saves.push(Array.from(s.bytes)); };

  const created = await call('wallet_create', { password });
  save();
  const eth = created.accounts.find((a) => a.chain === 'ethereum').address;
  const sol = created.accounts.find((a) => a.chain === 'solana').address;

  // A legacy SystemProgram transfer of 1 lamport from `sol` to itself (docs/solana.md).
  const payer = base58(sol);
  const system = new Uint8Array(32);
  const message = Uint8Array.from([
    1, 0, 1, 2, ...payer, ...system, ...new Uint8Array(32).fill(7),
    1, 1, 2, 0, 0, 12, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
  ]);
  const solanaTx = Uint8Array.from([1, ...new Uint8Array(64), ...message]);
  const typedData = {
    types: {
      EIP712Domain: [{ name: 'name', type: 'string' }, { name: 'chainId', type: 'uint256' }],
      Note: [{ name: 'text', type: 'string' }],
    },
    primaryType: 'Note',
    domain: { name: 'Memory scrub', chainId: 1 },
    message: { text: 'hello' },
  };
  const tx = {
    type: '0x2', chainId: '0x1', nonce: '0x0', gas: '0x5208', maxFeePerGas: '0x3b9aca00',
    maxPriorityFeePerGas: '0x1', to: eth, value: '0x1', from: eth,
  };
  const solanaMessage = new TextEncoder().encode('memory scrub: solana message');

  const signatures = [];
  const signAll = async () => {
    signatures.push({ kind: 'personal_sign', data: '0x68656c6c6f',
      signature: await call('personal_sign', ['0x68656c6c6f', eth]) });
    signatures.push({ kind: 'eth_signTransaction', raw: await call('eth_signTransaction', [tx]) });
    signatures.push({ kind: 'eth_signTypedData_v4', typedData,
      signature: await call('eth_signTypedData_v4', [eth, JSON.stringify(typedData)]) });
    const m = await call('solana_signMessage', { address: sol, message: b64(solanaMessage) });
    signatures.push({ kind: 'solana_signMessage', message: Array.from(solanaMessage),
      signature: Array.from(fromB64(m.signature)) });
    const t = await call('solana_signTransaction', { address: sol, transaction: b64(solanaTx) });
    const signed = fromB64(t.signedTransaction);
    signatures.push({ kind: 'solana_signTransaction', message: Array.from(message),
      signature: Array.from(signed.slice(1, 65)) });
  };

  await signAll();
  await call('wallet_lock', {});
  await call('wallet_unlock', { password });
  await signAll();
  await call('wallet_lock', {});
  save();
  const status = await call('wallet_status', {});
  return { mnemonic: created.mnemonic, eth, sol, saves, signatures, state: status.state };
}

/**
 * Every offset at which one of `needles` ({name, hex}) occurs in `memory` (a Uint8Array).
 * One pass, indexed by the first four bytes of each needle.
 */
export function scanMemory(memory, needles) {
  const index = new Map();
  const decoded = needles.map(({ name, hex }) => {
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return { name, bytes };
  });
  for (const n of decoded) {
    const key = ((n.bytes[0] << 24) | (n.bytes[1] << 16) | (n.bytes[2] << 8) | n.bytes[3]) >>> 0;
    if (!index.has(key)) index.set(key, []);
    index.get(key).push(n);
  }
  const hits = [];
  const end = memory.length - 3;
  let word = ((memory[0] << 16) | (memory[1] << 8) | memory[2]) >>> 0;
  for (let i = 0; i < end; i++) {
    word = ((word << 8) | memory[i + 3]) >>> 0;
    const candidates = index.get(word);
    if (candidates === undefined) continue;
    for (const n of candidates) {
      let j = 4;
      while (j < n.bytes.length && memory[i + j] === n.bytes[j]) j++;
      if (j === n.bytes.length) hits.push({ name: n.name, offset: i });
    }
  }
  return hits;
}

/**
 * How much of `memory` looks like Argon2 blocks: 1 KiB-aligned blocks with at least 1000
 * non-zero bytes (uniform random data has ~4 zero bytes per KiB; freed and wiped memory has
 * none non-zero). Also the total of non-zero bytes.
 */
export function residueStats(memory) {
  let denseBlocks = 0;
  let nonZero = 0;
  for (let block = 0; block + 1024 <= memory.length; block += 1024) {
    let n = 0;
    for (let i = block; i < block + 1024; i++) if (memory[i] !== 0) n++;
    nonZero += n;
    if (n >= 1000) denseBlocks++;
  }
  return { bytes: memory.length, nonZero, denseBlocks };
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const reversed = (bytes) => Uint8Array.from(bytes).reverse();
const be32 = (n) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const fromBe = (bytes) => BigInt(`0x${hex(bytes) || '0'}`);
const SECP_N = secp256k1.Point.CURVE().n;
const ED_L = 2n ** 252n + 27742317777372353535851937790883648493n;

function mod(a, m) {
  const r = a % m;
  return r < 0n ? r + m : r;
}

function modInverse(a, m) {
  let [r0, r1, s0, s1] = [mod(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

/** SLIP-0010 ed25519 hardened derivation: [{key, chainCode}] for the root and each level. */
function slip10Ed25519(seed, path) {
  let I = hmac(sha512, new TextEncoder().encode('ed25519 seed'), seed);
  const levels = [{ key: I.slice(0, 32), chainCode: I.slice(32) }];
  for (const index of path) {
    const { key, chainCode } = levels[levels.length - 1];
    const data = new Uint8Array(37);
    data.set(key, 1);
    new DataView(data.buffer).setUint32(33, (index | 0x80000000) >>> 0);
    I = hmac(sha512, chainCode, data);
    levels.push({ key: I.slice(0, 32), chainCode: I.slice(32) });
  }
  return levels;
}

/**
 * The needles ({name, hex}) for every secret of the exercised wallet. Scalars are searched in
 * both byte orders (k256 and curve25519-dalek keep them little-endian in limbs); 32- and
 * 64-byte secrets are also searched by halves, so a partly overwritten copy still shows.
 */
export async function secretNeedles(run, password = PASSWORD) {
  const needles = [];
  const seen = new Set();
  const push = (name, h) => {
    // Signing twice gives the same nonces: one needle per distinct value.
    if (!seen.has(h)) needles.push({ name, hex: h });
    seen.add(h);
  };
  const add = (name, bytes, { halves = true, le = false } = {}) => {
    push(name, hex(bytes));
    if (le) push(`${name} (little-endian)`, hex(reversed(bytes)));
    if (halves && bytes.length >= 32) {
      const h = bytes.length / 2;
      push(`${name} [first half]`, hex(bytes.slice(0, h)));
      push(`${name} [second half]`, hex(bytes.slice(h)));
    }
  };
  const text = (s) => new TextEncoder().encode(s);

  // The recovery phrase: whole, and its first and last three words; its entropy; the seed.
  const { mnemonic } = run;
  const words = mnemonic.split(' ');
  add('mnemonic', text(mnemonic), { halves: false });
  add('mnemonic, first 3 words', text(words.slice(0, 3).join(' ')), { halves: false });
  add('mnemonic, last 3 words', text(words.slice(-3).join(' ')), { halves: false });
  add('mnemonic entropy', mnemonicToEntropy(mnemonic, wordlist), { halves: false });
  const seed = mnemonicToSeedSync(mnemonic);
  add('BIP-39 seed', seed);
  add('password', text(password), { halves: false });

  // BIP-32 along m/44'/60'/0'/0/0: every level's private key and chain code.
  const root = HDKey.fromMasterSeed(seed);
  let ethKey;
  const segments = ETH_PATH.split('/').slice(1);
  for (let depth = 0; depth <= segments.length; depth++) {
    const path = ['m', ...segments.slice(0, depth)].join('/');
    const node = root.derive(path);
    add(`BIP-32 ${path} private key`, node.privateKey, { le: true });
    add(`BIP-32 ${path} chain code`, node.chainCode);
    ethKey = node.privateKey;
  }
  add('Ethereum private key as hex text', text(hex(ethKey)), { halves: false });

  // SLIP-0010 along m/44'/501'/0'/0', and the Ed25519 expanded key of the last level.
  const levels = slip10Ed25519(seed, SOLANA_PATH);
  levels.forEach(({ key, chainCode }, depth) => {
    const path = ['m', ...SOLANA_PATH.slice(0, depth).map((i) => `${i}'`)].join('/');
    add(`SLIP-10 ${path} key`, key);
    add(`SLIP-10 ${path} chain code`, chainCode);
  });
  const solKey = levels[levels.length - 1].key;
  add('Solana key as hex text', text(hex(solKey)), { halves: false });
  const expanded = sha512(solKey);
  const clamped = expanded.slice(0, 32);
  clamped[0] &= 248;
  clamped[31] &= 127;
  clamped[31] |= 64;
  add('Ed25519 clamped scalar', clamped);
  add('Ed25519 scalar mod l', reversed(be32(mod(fromBe(reversed(clamped)), ED_L))));
  add('Ed25519 nonce prefix', expanded.slice(32));

  // Per-signature nonces: a nonce and its signature give the private key.
  const x = fromBe(ethKey);
  for (const s of run.signatures) {
    let z;
    let r;
    let sv;
    if (s.kind === 'personal_sign' || s.kind === 'eth_signTypedData_v4') {
      z = s.kind === 'personal_sign'
        ? hashMessage(Buffer.from(s.data.slice(2), 'hex'))
        : TypedDataEncoder.hash(s.typedData.domain,
          { Note: s.typedData.types.Note }, s.typedData.message);
      r = BigInt(`0x${s.signature.slice(2, 66)}`);
      sv = BigInt(`0x${s.signature.slice(66, 130)}`);
    } else if (s.kind === 'eth_signTransaction') {
      const t = Transaction.from(s.raw);
      z = t.unsignedHash;
      r = BigInt(t.signature.r);
      sv = BigInt(t.signature.s);
    } else {
      // Ed25519: r = SHA-512(prefix || M) mod l, little-endian.
      const h = sha512(new Uint8Array([...expanded.slice(32), ...s.message]));
      add(`${s.kind} Ed25519 nonce`, reversed(be32(mod(fromBe(reversed(h)), ED_L))));
      continue;
    }
    // k = s^-1 (z + r x) mod n; the signature may carry n - s (low-s), so also n - k.
    const k = mod(modInverse(sv, SECP_N) * (BigInt(z) + r * x), SECP_N);
    add(`${s.kind} ECDSA nonce k`, be32(k), { le: true });
    add(`${s.kind} ECDSA nonce n-k`, be32(SECP_N - k), { le: true });
  }

  // The password-derived keys (docs/vault-format.md §KDF, §Keys) from the last saved header.
  const sealed = Uint8Array.from(run.saves[run.saves.length - 1]);
  const view = new DataView(sealed.buffer);
  const [m, t, p] = [view.getUint32(11), view.getUint32(15), view.getUint32(19)];
  const salt = sealed.slice(24, 24 + sealed[23]);
  const ikm = await argon2id({
    password: password.normalize('NFC'), salt, parallelism: p, iterations: t, memorySize: m,
    hashLength: 32, outputType: 'binary',
  });
  add('Argon2id output (ikm)', ikm);
  add('vault_key', hmac(sha256, ikm, text('custodian/v1/vault-key')));
  add('key check (full HMAC)', hmac(sha256, ikm, text('custodian/v1/key-check')).slice(16),
    { halves: false });
  return { needles, kdf: { m, t, p } };
}
