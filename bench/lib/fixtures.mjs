// The inputs every implementation signs in the harness. The native criterion bench
// (crates/core/benches/core.rs) uses the same key, transaction, typed data and message.
// Plain data only: this module is loaded in Node and in the browser Worker.

/** Hardhat's and Anvil's published development phrase. */
export const MNEMONIC = 'test test test test test test test test test test test junk';
/** Hardhat account #0 = m/44'/60'/0'/0/0 of MNEMONIC (published in Hardhat's docs). */
export const ETH_PRIVATE_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
export const ETH_ADDRESS = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
export const PASSWORD = 'correct horse battery staple';

/** personal_sign / signMessage text; Custodian receives it hex-encoded, as dapps send it. */
export const MESSAGE = 'Hello, Custodian! Sign this message to prove you own this account.';

/** Argon2id costs compared (KiB, passes, lanes). */
export const KDF_64M = { memoryKib: 65536, iterations: 3, parallelism: 1 };
export const KDF_19M = { memoryKib: 19456, iterations: 2, parallelism: 1 };
/** The 16-byte salt the anchors hash with (Custodian's vault has its own random salt). */
export const SALT = new Uint8Array(16).fill(0x5a);

/** One EIP-1559 transfer, as the JSON object `eth_signTransaction` receives. */
export const TX_JSON = {
  type: '0x2',
  chainId: '0x1',
  nonce: '0x7',
  to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  value: '0xde0b6b3a7640000',
  gas: '0x5208',
  maxFeePerGas: '0x6fc23ac00',
  maxPriorityFeePerGas: '0x3b9aca00',
  data: '0x',
};

/** The same transaction as bigint fields (ethers and viem). */
export const TX = {
  chainId: 1,
  nonce: 7,
  to: TX_JSON.to,
  value: 10n ** 18n,
  gasLimit: 21000n,
  maxFeePerGas: 30_000_000_000n,
  maxPriorityFeePerGas: 1_000_000_000n,
};

/** EIP-712's own Mail example (tests/vectors/eip712_example.json). */
export const TYPED_DATA = {
  types: {
    EIP712Domain: [
      { name: 'name', type: 'string' },
      { name: 'version', type: 'string' },
      { name: 'chainId', type: 'uint256' },
      { name: 'verifyingContract', type: 'address' },
    ],
    Person: [
      { name: 'name', type: 'string' },
      { name: 'wallet', type: 'address' },
    ],
    Mail: [
      { name: 'from', type: 'Person' },
      { name: 'to', type: 'Person' },
      { name: 'contents', type: 'string' },
    ],
  },
  primaryType: 'Mail',
  domain: {
    name: 'Ether Mail',
    version: '1',
    chainId: 1,
    verifyingContract: '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC',
  },
  message: {
    from: { name: 'Cow', wallet: '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826' },
    to: { name: 'Bob', wallet: '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB' },
    contents: 'Hello, Bob!',
  },
};

/** Solana transfer: 0.001 SOL to a fixed address, fixed recent blockhash. */
export const SOL_LAMPORTS = 1_000_000;
export const SOL_TO = new Uint8Array(32).fill(7);
export const SOL_BLOCKHASH = new Uint8Array(32).fill(9);

/**
 * The legacy wire of one `SystemProgram.transfer` from `payer` with an empty signature slot,
 * byte for byte what @solana/web3.js serialises (the harness checks that).
 */
export function solanaTransferWire(payer) {
  const wire = new Uint8Array(1 + 64 + 4 + 96 + 32 + 10 + 8);
  let at = 0;
  const put = (bytes) => {
    wire.set(bytes, at);
    at += bytes.length;
  };
  put([1]);
  put(new Uint8Array(64));
  put([1, 0, 1, 3]);
  put(payer);
  put(SOL_TO);
  put(new Uint8Array(32)); // the system program, 1111…1111
  put(SOL_BLOCKHASH);
  put([1, 2, 2, 0, 1, 12, 2, 0, 0, 0]);
  const lamports = new DataView(new ArrayBuffer(8));
  lamports.setBigUint64(0, BigInt(SOL_LAMPORTS), true);
  put(new Uint8Array(lamports.buffer));
  return wire;
}

export function utf8(text) {
  return new TextEncoder().encode(text);
}

export function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(hex) {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
