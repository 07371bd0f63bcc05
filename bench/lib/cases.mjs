// The benchmark cases: for each operation, Custodian and every anchor that offers it, all
// signing the same input with the same key. Each case is checked once before timing: a
// deterministic signature (RFC 6979, Ed25519) must equal Custodian's byte for byte, so a
// faster number can never come from doing different work.
//
// Loaded in Node (bench/node/suite.mjs) and in the browser Worker (bench/browser/worker.mjs);
// the caller passes the libraries it loaded, any of which may be missing (`null`).

import {
  ETH_ADDRESS,
  ETH_PRIVATE_KEY,
  KDF_19M,
  KDF_64M,
  MESSAGE,
  MNEMONIC,
  PASSWORD,
  SALT,
  SOL_BLOCKHASH,
  SOL_LAMPORTS,
  SOL_TO,
  TX,
  TX_JSON,
  TYPED_DATA,
  fromBase64,
  fromHex,
  solanaTransferWire,
  toBase64,
  toHex,
  utf8,
} from './fixtures.mjs';

/** Operations, in table order. `target` is issue 9's goal against the fastest anchor. */
export const OPS = [
  { id: 'personal_sign', label: 'secp256k1: EIP-191 personal_sign', target: '>= 2x (Chromium)' },
  { id: 'secp256k1_raw', label: 'secp256k1: sign a 32-byte digest (curve only)', target: '' },
  { id: 'ed25519', label: 'Ed25519: sign a 66-byte message', target: '>= 2x' },
  { id: 'eip1559', label: 'EIP-1559: tx -> raw signed tx', target: '>= 2x' },
  { id: 'eip712', label: 'EIP-712: sign typed data (Mail)', target: '>= 2x' },
  { id: 'solana_transfer', label: 'Solana: sign a transfer (wire in, wire out)', target: '>= 2x' },
  { id: 'argon2_64m', label: 'Argon2id m=64 MiB t=3 p=1', target: 'time <= 0.8x hash-wasm' },
  { id: 'argon2_19m', label: 'Argon2id m=19 MiB t=2 p=1', target: '' },
  { id: 'vault_decrypt', label: 'Vault decrypt (each with its own KDF)', target: '' },
  { id: 'noop', label: 'Protocol round trip (eth_chainId)', target: 'RPC overhead <= 50 us' },
];

/** Custodian's request for each operation (also what the Worker RPC variant sends). */
export function custodianRequests(fx) {
  return {
    personal_sign: { method: 'personal_sign', params: [`0x${toHex(utf8(MESSAGE))}`, ETH_ADDRESS] },
    eip1559: { method: 'eth_signTransaction', params: [TX_JSON] },
    eip712: { method: 'eth_signTypedData_v4', params: [ETH_ADDRESS, TYPED_DATA] },
    ed25519: { method: 'solana_signMessage', params: { address: fx.solAddress, message: toBase64(utf8(MESSAGE)) } },
    solana_transfer: {
      method: 'solana_signTransaction',
      params: { address: fx.solAddress, transaction: toBase64(solanaTransferWire(fx.solPublicKey)) },
    },
    noop: { method: 'eth_chainId' },
  };
}

/** How each operation's result is compared: a lowercase hex string of the signed bytes. */
const NORMALISE = {
  personal_sign: (sig) => strip0x(sig),
  eip1559: (raw) => strip0x(raw),
  eip712: (sig) => strip0x(sig),
  ed25519: (out) => (typeof out === 'string' ? out : toHex(out.signature ? fromBase64(out.signature) : out)),
  solana_transfer: (out) => toHex(out.signedTransaction ? fromBase64(out.signedTransaction) : out),
  noop: (out) => String(out),
};

/** `r || s` of a 65-byte signature in `rsv` (Ethereum) or `vrs` (noble's "recovered") layout. */
function rsOf(hex, layout) {
  return layout === 'vrs' ? hex.slice(2, 130) : hex.slice(0, 128);
}

function asHex(out) {
  if (typeof out === 'string') return strip0x(out);
  if (out instanceof Uint8Array) return toHex(out);
  if (out && typeof out.serialized === 'string') return strip0x(out.serialized);
  return JSON.stringify(out);
}

function strip0x(hex) {
  return String(hex).replace(/^0x/, '').toLowerCase();
}

/**
 * Every signing request appends an entry to the vault's audit log and reseals the vault, and
 * that costs time in proportion to the log's length (docs/benchmarks.md). The log keeps at most
 * 2,000 entries (`audit::MAX_ENTRIES`) and folds the oldest 500 into a checkpoint beyond that,
 * so a wallet in use settles between 1,500 and 2,000 entries. Custodian is measured there, in
 * that steady state, not on a fresh vault whose log grows while it is being timed (which would
 * charge the faster case for the entries it adds). `CUSTODIAN_BENCH_AUDIT_FILL=0` measures a
 * fresh vault instead.
 */
export const AUDIT_FILL = Number(globalThis.process?.env?.CUSTODIAN_BENCH_AUDIT_FILL ?? 2000);

/** Signs `count` messages through `request` (a Custodian or a CustodianClient) to fill the log. */
export async function fillAuditLog(request, count = AUDIT_FILL) {
  const req = { method: 'personal_sign', params: ['0x00', ETH_ADDRESS] };
  for (let i = 0; i < count; i++) await request(req);
}

/**
 * Sets up Custodian (two vaults: the floor KDF for signing and the 19 MiB unlock, and
 * 64 MiB t=3 for the 64 MiB unlock) and returns the fixtures the anchors need.
 */
export async function setupCustodian(Custodian, { auditFill = AUDIT_FILL } = {}) {
  const call = async (c, method, params) => {
    const result = await c.request(params === undefined ? { method } : { method, params });
    c.takeSave();
    c.takeEvents();
    return result;
  };
  const make = async (kdf) => {
    const c = new Custodian();
    await call(c, 'wallet_import', { password: PASSWORD, mnemonic: MNEMONIC, kdf });
    return c;
  };
  const main = await make(KDF_19M);
  const slow = await make(KDF_64M);
  const status = await call(main, 'wallet_listAccounts');
  const accounts = Array.isArray(status) ? status : status.accounts;
  const sol = accounts.find((a) => a.chain === 'solana');
  const eth = accounts.find((a) => a.chain === 'ethereum');
  if (eth.address !== ETH_ADDRESS) throw new Error(`unexpected Ethereum account ${eth.address}`);
  const exported = await call(main, 'wallet_export', {
    password: PASSWORD,
    what: 'privateKey',
    address: sol.address,
  });
  const ethExported = await call(main, 'wallet_export', { password: PASSWORD, what: 'privateKey', address: eth.address });
  if (ethExported.privateKey !== ETH_PRIVATE_KEY) throw new Error('Ethereum key does not match Hardhat #0');
  const solSeed = fromHex(exported.privateKey);
  await fillAuditLog(async (req) => {
    await main.request(req);
    main.takeSave();
  }, auditFill);
  return { main, slow, solAddress: sol.address, solSeed, solPublicKey: null, call };
}

/**
 * One request as the wallet's host makes it: the request, then `takeSave()` (the host persists
 * what it returns before answering; web/src/worker-host.ts). Leaving the save untaken would
 * make every request merge into a save that grows by a record per request, which no host does.
 */
export async function requestAndSave(custodian, req) {
  const result = await custodian.request(req);
  custodian.takeSave();
  return result;
}

/**
 * All cases. Each: {op, impl, kind: 'custodian'|'anchor', note?, run(): result|Promise}.
 * `fx` comes from setupCustodian; `L` holds the loaded libraries (missing ones are null).
 */
export async function buildCases(L, fx) {
  const cases = [];
  const add = (op, impl, run, extra = {}) => cases.push({ op, impl, kind: 'anchor', run, ...extra });
  const { noble } = L;
  const ethKey = fromHex(ETH_PRIVATE_KEY);
  fx.solPublicKey = noble.ed25519.getPublicKey(fx.solSeed);
  const requests = custodianRequests(fx);
  const messageBytes = utf8(MESSAGE);
  const digest = new Uint8Array(32).fill(0x42);

  // Custodian, direct calls into the module (the RPC variants are added by the browser page).
  for (const [op, req] of Object.entries(requests)) {
    cases.push({ op, impl: 'Custodian (direct)', kind: 'custodian', run: () => requestAndSave(fx.main, req) });
  }
  const unlock = (c) => async () => {
    await c.request({ method: 'wallet_lock' });
    const result = await c.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
    c.takeSave();
    c.takeEvents();
    return result;
  };
  cases.push({ op: 'argon2_64m', impl: 'Custodian (direct)', kind: 'custodian', run: unlock(fx.slow), note: 'wallet_lock + wallet_unlock' });
  cases.push({ op: 'argon2_19m', impl: 'Custodian (direct)', kind: 'custodian', run: unlock(fx.main), note: 'wallet_lock + wallet_unlock' });

  // @noble/curves
  add('personal_sign', '@noble/curves', () => noble.secp256k1.sign(
    noble.keccak_256(new Uint8Array([...utf8(`\x19Ethereum Signed Message:\n${messageBytes.length}`), ...messageBytes])),
    ethKey, { prehash: false, format: 'recovered' }), { note: 'EIP-191 hash + sign, recovered format', layout: 'vrs' });
  add('secp256k1_raw', '@noble/curves', () => noble.secp256k1.sign(digest, ethKey, { prehash: false, format: 'recovered' }), { layout: 'vrs' });
  add('ed25519', '@noble/curves', () => noble.ed25519.sign(messageBytes, fx.solSeed));

  // ethers v6
  if (L.ethers) {
    const { Wallet } = L.ethers;
    const wallet = new Wallet(ETH_PRIVATE_KEY);
    const { EIP712Domain: _domainType, ...types } = TYPED_DATA.types;
    add('personal_sign', 'ethers 6', () => wallet.signMessage(MESSAGE));
    add('secp256k1_raw', 'ethers 6', () => wallet.signingKey.sign(digest), { layout: 'rsv' });
    add('eip1559', 'ethers 6', () => wallet.signTransaction({ type: 2, ...TX }));
    add('eip712', 'ethers 6', () => wallet.signTypedData(TYPED_DATA.domain, types, TYPED_DATA.message));
  }

  // viem
  if (L.viem) {
    const account = L.viem.privateKeyToAccount(ETH_PRIVATE_KEY);
    add('personal_sign', 'viem 2', () => account.signMessage({ message: MESSAGE }));
    add('eip1559', 'viem 2', () =>
      account.signTransaction({
        type: 'eip1559',
        chainId: TX.chainId,
        nonce: TX.nonce,
        to: TX.to,
        value: TX.value,
        gas: TX.gasLimit,
        maxFeePerGas: TX.maxFeePerGas,
        maxPriorityFeePerGas: TX.maxPriorityFeePerGas,
      }),
    );
    add('eip712', 'viem 2', () => account.signTypedData(TYPED_DATA));
  }

  // tweetnacl
  if (L.nacl) {
    const secretKey = L.nacl.sign.keyPair.fromSeed(fx.solSeed).secretKey;
    add('ed25519', 'tweetnacl', () => L.nacl.sign.detached(messageBytes, secretKey));
  }

  // @solana/web3.js: what a wallet does with a dapp's transaction: parse, sign, serialise.
  if (L.web3) {
    const { Transaction, Keypair } = L.web3;
    const keypair = Keypair.fromSeed(fx.solSeed);
    const wire = solanaTransferWire(fx.solPublicKey);
    const built = new Transaction({
      feePayer: keypair.publicKey,
      recentBlockhash: new L.web3.PublicKey(SOL_BLOCKHASH).toBase58(),
    }).add(L.web3.SystemProgram.transfer({
      fromPubkey: keypair.publicKey,
      toPubkey: new L.web3.PublicKey(SOL_TO),
      lamports: SOL_LAMPORTS,
    }));
    if (toHex(built.serializeMessage()) !== toHex(wire.subarray(65))) {
      throw new Error('the fixed Solana wire differs from what @solana/web3.js serialises');
    }
    add('solana_transfer', '@solana/web3.js', () => {
      const tx = Transaction.from(wire);
      tx.sign(keypair);
      return tx.serialize();
    }, { note: 'Transaction.from + sign + serialize' });
  }

  // Trust Wallet's wallet-core (C++ compiled to WASM, protobuf in and out).
  if (L.wc) {
    const { core, TW } = L.wc;
    const { AnySigner, CoinType, Curve, PrivateKey, EthereumMessageSigner } = core;
    const ethPk = PrivateKey.createWithData(ethKey);
    const solPk = PrivateKey.createWithData(fx.solSeed);
    const be = (n) => {
      let hex = BigInt(n).toString(16);
      if (hex.length % 2) hex = `0${hex}`;
      return fromHex(hex);
    };
    const input = TW.Ethereum.Proto.SigningInput.encode(
      TW.Ethereum.Proto.SigningInput.create({
        chainId: be(TX.chainId),
        nonce: be(TX.nonce),
        txMode: TW.Ethereum.Proto.TransactionMode.Enveloped,
        gasLimit: be(TX.gasLimit),
        maxInclusionFeePerGas: be(TX.maxPriorityFeePerGas),
        maxFeePerGas: be(TX.maxFeePerGas),
        toAddress: TX.to,
        privateKey: ethKey,
        transaction: { transfer: { amount: be(TX.value) } },
      }),
    ).finish();
    add('personal_sign', 'wallet-core', () => EthereumMessageSigner.signMessage(ethPk, MESSAGE));
    add('secp256k1_raw', 'wallet-core', () => ethPk.sign(digest, Curve.secp256k1), { layout: 'rsv' });
    add('ed25519', 'wallet-core', () => solPk.sign(messageBytes, Curve.ed25519));
    add('eip1559', 'wallet-core', () => {
      const out = TW.Ethereum.Proto.SigningOutput.decode(AnySigner.sign(input, CoinType.ethereum));
      return toHex(out.encoded);
    }, { note: 'AnySigner, protobuf in/out (input encoded once)' });
    add('eip712', 'wallet-core', () => EthereumMessageSigner.signTypedMessage(ethPk, JSON.stringify(TYPED_DATA)));
  }

  // Argon2id: hash-wasm and argon2-browser, same costs as the two vaults.
  for (const [op, kdf] of [['argon2_64m', KDF_64M], ['argon2_19m', KDF_19M]]) {
    if (L.hashwasm) {
      add(op, 'hash-wasm', () =>
        L.hashwasm.argon2id({
          password: PASSWORD,
          salt: SALT,
          parallelism: kdf.parallelism,
          iterations: kdf.iterations,
          memorySize: kdf.memoryKib,
          hashLength: 32,
          outputType: 'binary',
        }),
      );
    }
    if (L.argon2browser) {
      const a2 = L.argon2browser;
      add(op, 'argon2-browser', async () => (await a2.hash({
        pass: PASSWORD,
        salt: SALT,
        time: kdf.iterations,
        mem: kdf.memoryKib,
        parallelism: kdf.parallelism,
        hashLen: 32,
        type: a2.ArgonType.Argon2id,
      })).hash);
    }
  }

  // Vault decrypt: Custodian's unlock (Argon2id 64 MiB t=3, XChaCha20-Poly1305) against
  // MetaMask's browser-passworder (PBKDF2-SHA256 600k, AES-GCM). Different KDFs by design.
  if (L.passworder) {
    const vault = await L.passworder.encrypt(PASSWORD, { mnemonic: MNEMONIC }, undefined, undefined, {
      algorithm: 'PBKDF2',
      params: { iterations: 600_000 },
    });
    add('vault_decrypt', '@metamask/browser-passworder', () => L.passworder.decrypt(PASSWORD, vault), {
      note: 'PBKDF2-SHA256 600k + AES-GCM (WebCrypto)',
      check: (out) => out.mnemonic === MNEMONIC,
    });
  }
  cases.push({ op: 'vault_decrypt', impl: 'Custodian (direct)', kind: 'custodian', run: unlock(fx.slow), note: 'Argon2id 64 MiB t=3 + XChaCha20-Poly1305' });

  return cases;
}

/**
 * Runs every case once and checks it against Custodian's output for the same operation.
 * Returns a list of problems (empty when all agree).
 */
export async function checkCases(cases) {
  const problems = [];
  const expected = {};
  for (const c of cases.filter((x) => x.kind === 'custodian')) {
    const out = await c.run();
    if (NORMALISE[c.op]) expected[c.op] = NORMALISE[c.op](out);
  }
  const hashes = {};
  let rawSigs;
  for (const c of cases.filter((x) => x.kind === 'anchor')) {
    let out;
    try {
      out = await c.run();
    } catch (error) {
      problems.push(`${c.op} / ${c.impl}: threw ${error?.message ?? error}`);
      c.broken = true;
      continue;
    }
    if (c.check) {
      if (!c.check(out)) problems.push(`${c.op} / ${c.impl}: wrong result`);
      continue;
    }
    const got = asHex(out);
    if (c.op === 'argon2_64m' || c.op === 'argon2_19m') {
      (hashes[c.op] ??= new Set()).add(got);
      continue;
    }
    if (c.op === 'secp256k1_raw') {
      // Custodian has no raw-digest method (it signs formats, not hashes): the anchors are
      // compared with each other instead.
      (rawSigs ??= new Set()).add(rsOf(got, c.layout));
      continue;
    }
    const want = expected[c.op];
    if (want === undefined) continue;
    const same = c.layout ? rsOf(got, c.layout) === rsOf(want, 'rsv') : got === want;
    if (!same) {
      problems.push(`${c.op} / ${c.impl}: output differs from Custodian's\n  got  ${got.slice(0, 80)}…\n  want ${want.slice(0, 80)}…`);
    }
  }
  if (rawSigs && rawSigs.size > 1) problems.push('secp256k1_raw: the anchors disagree');
  for (const [op, set] of Object.entries(hashes)) {
    if (set.size > 1) problems.push(`${op}: the Argon2id anchors disagree`);
  }
  return problems;
}
