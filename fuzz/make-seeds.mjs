// Writes the committed seed corpora, fuzz/corpus/<target>/, from the repo's own test vectors
// and fixtures, so each target starts from inputs that reach deep into its parser.
// Run from anywhere: `node fuzz/make-seeds.mjs` (needs `npm ci`). Output is deterministic.

import { createCipheriv, pbkdf2Sync, scryptSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { computeAddress } from 'ethers';

const root = new URL('../', import.meta.url);
const corpus = new URL('fuzz/corpus/', root);
const json = (path) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const hex = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');

const seeds = {};
function seed(target, name, data) {
  (seeds[target] ??= []).push([name, typeof data === 'string' ? Buffer.from(data) : data]);
}

// --- vault_envelope: the golden vault, a truncation, and a header-only prefix.
const golden = readFileSync(new URL('crates/core/tests/fixtures/vault-v1.bin', root));
seed('vault_envelope', 'golden-v1', golden);
seed('vault_envelope', 'golden-header-only', golden.subarray(0, 124));
seed('vault_envelope', 'magic-only', golden.subarray(0, 8));

// --- keyring_plaintext: docs/vault-format.md §Keyring, as the writer emits it.
const hardhat = 'test test test test test test test test test test test junk';
const settings = { auto_lock_minutes: 15, active_evm_chain_id: 1, connected_sites: ['https://app.example'] };
seed('keyring_plaintext', 'hd-account', JSON.stringify({
  version: 1,
  mnemonic: { phrase: hardhat, passphrase: null },
  imported_keys: [],
  accounts: [
    { chain: 'ethereum', curve: 'secp256k1', source: { kind: 'hd', path: "m/44'/60'/0'/0/0" },
      label: 'Account 1', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' },
  ],
  settings,
  policy: '',
  audit: '',
}));
seed('keyring_plaintext', 'imported-keys', JSON.stringify({
  version: 1,
  mnemonic: null,
  imported_keys: [
    { curve: 'secp256k1', secret: '46'.repeat(32) },
    { curve: 'ed25519', secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60' },
  ],
  accounts: [
    { chain: 'ethereum', curve: 'secp256k1', source: { kind: 'imported', key_index: 0 },
      label: 'Imported 1', address: '0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F' },
    { chain: 'solana', curve: 'ed25519', source: { kind: 'imported', key_index: 1 },
      label: 'Imported 2', address: 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z' },
  ],
  settings: { ...settings, connected_sites: [] },
  policy: 'cG9saWN5',
  audit: 'YXVkaXQ=',
}));
seed('keyring_plaintext', 'newer-version', '{"version":2}');

// --- keystore_v3: published files (costly KDFs: the target skips them, but their shape
// mutates into cheap ones), plus cheap files that decrypt with "testpassword".
const ks = json('tests/vectors/eth_keystore_v3.json');
seed('keystore_v3', 'ethereum-org-pbkdf2', JSON.stringify(ks.ethereum_org[0].json));
for (const [name, c] of Object.entries(ks.ethereum_tests)) {
  seed('keystore_v3', `ethereum-tests-${name}`, JSON.stringify(c.json));
}
function cheapKeystore(kdf) {
  const key = hex('46'.repeat(32));
  const salt = hex('ab'.repeat(32));
  const iv = hex('0f'.repeat(16));
  const dk = kdf === 'scrypt'
    ? scryptSync('testpassword', salt, 32, { N: 16, r: 1, p: 1 })
    : pbkdf2Sync('testpassword', salt, 2, 32, 'sha256');
  const cipher = createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  const mac = Buffer.from(keccak_256(Buffer.concat([dk.subarray(16, 32), ciphertext])));
  const kdfparams = kdf === 'scrypt'
    ? { dklen: 32, n: 16, r: 1, p: 1, salt: salt.toString('hex') }
    : { c: 2, dklen: 32, prf: 'hmac-sha256', salt: salt.toString('hex') };
  return JSON.stringify({
    address: computeAddress(`0x${key.toString('hex')}`).slice(2).toLowerCase(),
    crypto: {
      cipher: 'aes-128-ctr', cipherparams: { iv: iv.toString('hex') },
      ciphertext: ciphertext.toString('hex'), kdf, kdfparams, mac: mac.toString('hex'),
    },
    id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
    version: 3,
  });
}
seed('keystore_v3', 'cheap-scrypt', cheapKeystore('scrypt'));
seed('keystore_v3', 'cheap-pbkdf2', cheapKeystore('pbkdf2'));

// --- protocol_request: every request of the protocol transcript.
json('tests/fixtures/protocol-transcript.json').forEach((step, i) => {
  seed('protocol_request', `transcript-${String(i).padStart(2, '0')}`,
    JSON.stringify({ id: i, jsonrpc: '2.0', ...step.request }));
});
seed('protocol_request', 'sign-for-fixture-account', JSON.stringify({
  id: 1, method: 'personal_sign', params: ['0x68656c6c6f', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
}));

// --- eth_transaction_json and eth_rlp_transaction: ethers' transactions and viem's 7702.
const txs = json('tests/vectors/ethers_transactions_subset.json').cases.slice(0, 4);
for (const c of txs) {
  seed('eth_transaction_json', `ethers-${c.name}`, JSON.stringify({ ...c.transaction, chainId: 1 }));
  for (const kind of ['signedLegacy', 'signedEip155', 'signedBerlin', 'signedLondon']) {
    if (c[kind]) seed('eth_rlp_transaction', `ethers-${c.name}-${kind}`, hex(c[kind]));
  }
}
const eip155 = json('tests/vectors/eip155_example.json').vectors[0];
seed('eth_transaction_json', 'eip155-example', JSON.stringify({ ...eip155.transaction, chainId: 1 }));
for (const c of json('tests/vectors/viem_sign_transaction.json').cases) {
  const name = c.name.replace(/[^a-z0-9]+/gi, '-');
  seed('eth_transaction_json', `viem-${name}`, JSON.stringify(c.request));
  if (typeof c.signed === 'string') seed('eth_rlp_transaction', `viem-${name}`, hex(c.signed));
}

// A legacy transaction with v = 36 (EIP-155 chain id 0), found by this target: the harness
// must skip it, since a request cannot express it (fuzz_targets/eth_rlp_transaction.rs).
seed('eth_rlp_transaction', 'found-legacy-v36-chain-id-0', hex('f8750f83e15a1b85331bce0f9094d0f118afa9c2c9cc50f10d94ccc1cbdda2758b368591e32e2f5a8be0d1a7227d34c2ca72e3c024a0bde01f2c9907b076015708bff05e24058fd153bfc2f551a0adafcd7d61a088a0a01032bfd65df2799749536217c832d8d81b915448ac0ab31935d50917136e4c18'));

// --- eip712_typed_data: the EIP's Mail example and a spread of ethers' shapes.
const mail = json('tests/vectors/eip712_example.json').vectors[0].typed_data;
seed('eip712_typed_data', 'eip712-mail', JSON.stringify(mail));
const typed = json('tests/vectors/ethers_typed_data.json').cases;
for (const c of typed.filter((_, i) => i % 26 === 0)) {
  const types = { EIP712Domain: domainType(c.domain), ...c.types };
  seed('eip712_typed_data', `ethers-${c.name}`,
    JSON.stringify({ types, primaryType: c.primaryType, domain: c.domain, message: c.data }));
}
function domainType(domain) {
  const fields = [['name', 'string'], ['version', 'string'], ['chainId', 'uint256'],
    ['verifyingContract', 'address'], ['salt', 'bytes32']];
  return fields.filter(([n]) => n in domain).map(([name, type]) => ({ name, type }));
}

// --- solana_transaction: web3.js's transfer, unsigned and signed, and the bare message.
const sol = json('tests/vectors/solana_vectors.json').transactions[0];
seed('solana_transaction', 'web3js-transfer-unsigned', Buffer.from(sol.unsigned_wire_base64, 'base64'));
seed('solana_transaction', 'web3js-transfer-signed', Buffer.from(sol.signed_wire_base64, 'base64'));
seed('solana_transaction', 'web3js-transfer-message', hex(sol.message_hex));

for (const [target, files] of Object.entries(seeds)) {
  const dir = new URL(`${target}/`, corpus);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) writeFileSync(new URL(name, dir), data);
  console.log(`${target}: ${files.length} seeds`);
}
