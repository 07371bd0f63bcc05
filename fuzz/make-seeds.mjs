// Writes the committed seed corpora, fuzz/corpus/<target>/, from the repo's own test vectors
// and fixtures, so each target starts from inputs that reach deep into its parser.
// Run from anywhere: `node fuzz/make-seeds.mjs` (needs `npm ci`). Output is deterministic.

import {
  createCipheriv, createHash, createPrivateKey, createPublicKey, pbkdf2Sync, scryptSync, sign,
} from 'node:crypto';
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

// --- policy_json: docs/policy.md's examples with a request of each kind, and a stored slot.
const usdc = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const treasury = {
  version: 1,
  approvers: [
    { name: 'alice', publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' },
    { name: 'bob', publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c' },
  ],
  quorum: 2,
  rules: {
    allowedChains: ['eip155:1', 'solana:mainnet'],
    unlisted: 'approval',
    overLimit: 'approval',
    messageSigning: 'approval',
    ethereum: {
      maxValueWei: '1000000000000000000',
      maxFeeWei: '10000000000000000',
      windows: [{ periodSeconds: 86400, maxValueWei: '3000000000000000000' }],
      tokens: [{ address: usdc, maxAmount: '10000000000',
        windows: [{ periodSeconds: 86400, maxAmount: '20000000000' }] }],
      denyRecipients: ['0x000000000000000000000000000000000000dEaD'],
      allowContracts: [usdc],
      allowSelectors: ['0xa9059cbb', '0x095ea7b3'],
      typedData: { allowVerifyingContracts: ['0x000000000022d473030f116ddee9f6b43ac78ba3'] },
    },
    solana: {
      maxLamports: '5000000000',
      windows: [{ periodSeconds: 86400, maxLamports: '9000000000' }],
      tokens: [{ mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', maxAmount: '20000000000' }],
      allowRecipients: ['9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin'],
    },
  },
};
const owner = { version: 1, approvers: [], quorum: 0, rules: { allowedChains: ['eip155:1'],
  messageSigning: 'allow', export: 'deny', ethereum: { maxValueWei: '1000' } } };
const r = '0x1111111111111111111111111111111111111111';
const history = [{ t: 1699999000000, asset: 'eip155:1:native', amount: '2500000000000000000' }];
const ethTx = (value, data) => ({ to: data ? usdc : r, value, data, gas: '0x5208', nonce: '0x0',
  chainId: '0x1', maxFeePerGas: '0x3b9aca00', maxPriorityFeePerGas: '0x1' });
// transfer(r, 5e9) and approve(r, 2^256 - 1): an ERC-20 spend and an unlimited approval.
const transfer = '0xa9059cbb' + r.slice(2).padStart(64, '0') + (5e9).toString(16).padStart(64, '0');
const approve = '0x095ea7b3' + r.slice(2).padStart(64, '0') + 'f'.repeat(64);
seed('policy_json', 'tx-within-limit', JSON.stringify({ policy: treasury, subject: 'tx',
  request: ethTx('0xde0b6b3a7640000'), chainId: 1, history }));
seed('policy_json', 'tx-token-transfer', JSON.stringify({ policy: treasury, subject: 'tx',
  request: ethTx('0x0', transfer), chainId: 1 }));
seed('policy_json', 'tx-unlimited-approve', JSON.stringify({ policy: treasury, subject: 'tx',
  request: ethTx('0x0', approve), chainId: 1 }));
seed('policy_json', 'typed-mail', JSON.stringify({ policy: treasury, subject: 'typed', request: mail, chainId: 1 }));
seed('policy_json', 'auth-7702', JSON.stringify({ policy: treasury, subject: 'auth',
  request: { chainId: 1, address: r, nonce: 0 }, chainId: 1 }));
seed('policy_json', 'sol-transfer', JSON.stringify({ policy: treasury, subject: 'sol',
  transactions: [sol.unsigned_wire_base64], chain: 'solana:mainnet' }));
seed('policy_json', 'owner-message', JSON.stringify({ policy: owner, subject: 'message' }));
seed('policy_json', 'owner-export', JSON.stringify({ policy: owner, subject: 'export' }));
seed('policy_json', 'slot', JSON.stringify({ v: 1, policy: owner,
  spends: [{ t: 1699999000000, asset: 'eip155:1:native', amount: '10' }], pending: [], used: [] }));

// --- audit_log: exported logs signed with the target's fixed audit seed (0x5a x 32), as
// docs/audit-log.md specifies, so the seeds verify. First byte = the target's mode.
const auditKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'),
  Buffer.alloc(32, 0x5a)]), format: 'der', type: 'pkcs8' });
const auditPub = createPublicKey(auditKey).export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
const canonical = (v) => Array.isArray(v) ? `[${v.map(canonical).join(',')}]`
  : v !== null && typeof v === 'object'
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
    : JSON.stringify(v);
const domainHash = (label, v) => createHash('sha256').update(label).update(Buffer.from([0]))
  .update(canonical(v)).digest();
const zeros = '0'.repeat(64);
function auditEntries(from, count, prev) {
  const lines = [];
  for (let seq = from; seq < from + count; seq++) {
    const body = { details: { i: seq }, event: seq % 3 ? 'sign.allowed' : 'vault.unlocked',
      prevHash: prev, seq, time: 1700000000000 + seq };
    const h = domainHash('custodian/v1/audit-entry', body);
    lines.push(canonical({ ...body, hash: h.toString('hex'), sig: sign(null, h, auditKey).toString('hex') }));
    prev = h.toString('hex');
  }
  return lines;
}
function auditExport(lines) {
  const last = lines.length ? JSON.parse(lines[lines.length - 1]) : {};
  const body = { count: lines.length, exportedAt: 1700000200000, format: 'custodian-audit-log/1',
    headHash: last.hash ?? null, lastSeq: last.seq ?? null, publicKey: auditPub };
  const sig = sign(null, domainHash('custodian/v1/audit-head', body), auditKey).toString('hex');
  return [canonical({ ...body, sig }), ...lines].map((l) => `${l}\n`).join('');
}
const cpBody = { checkpoint: { at: 1700000100000, entries: 10, events: { 'sign.allowed': 6, 'vault.unlocked': 4 },
  fromSeq: 0, fromTime: 1700000000000, toTime: 1700000000009 }, hash: 'ab'.repeat(32), seq: 9 };
const checkpoint = canonical({ ...cpBody,
  sig: sign(null, domainHash('custodian/v1/audit-checkpoint', cpBody), auditKey).toString('hex') });
const fromZero = auditEntries(0, 5, zeros);
const fromCheckpoint = [checkpoint, ...auditEntries(10, 4, 'ab'.repeat(32))];
const mode = (m, ...parts) => Buffer.concat([Buffer.from([m]), ...parts.map((p) => Buffer.from(p))]);
seed('audit_log', 'verify-from-entry-0', mode(0, auditExport(fromZero)));
seed('audit_log', 'verify-from-checkpoint', mode(0, auditExport(fromCheckpoint)));
seed('audit_log', 'verify-empty-log', mode(0, auditExport([])));
seed('audit_log', 'edit-delete-line-2', mode(1, [0, 0, 2, 0]));
seed('audit_log', 'edit-swap-checkpoint', mode(1, [1, 2, 1, 2]));
seed('audit_log', 'edit-replace-line', mode(1, [0, 4, 3, 0], '{"seq":1}'));
seed('audit_log', 'resign-chain', mode(2, JSON.stringify(fromZero.slice(0, 3).map((l) => JSON.parse(l)))));
seed('audit_log', 'resign-checkpoint', mode(2, JSON.stringify([cpBody, JSON.parse(fromCheckpoint[1])])));
seed('audit_log', 'slot-lines', mode(3, fromZero.map((l) => `${l}\n`).join('')));
seed('audit_log', 'slot-checkpoint', mode(3, fromCheckpoint.map((l) => `${l}\n`).join('')));
// Mode 4 edits the stored records of the target's own five-entry log: [op, record, arg]...
seed('audit_log', 'records-untouched', mode(4));
seed('audit_log', 'records-delete-middle', mode(4, [0, 2, 0]));
seed('audit_log', 'records-flip-a-byte', mode(4, [3, 1, 50, 1]));
seed('audit_log', 'records-move-seq', mode(4, [2, 3, 5]));
seed('audit_log', 'records-duplicate', mode(4, [1, 4, 0]));

for (const [target, files] of Object.entries(seeds)) {
  const dir = new URL(`${target}/`, corpus);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of files) writeFileSync(new URL(name, dir), data);
  console.log(`${target}: ${files.length} seeds`);
}
