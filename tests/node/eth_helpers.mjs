// Shared setup for the Ethereum cross-implementation tests: a wallet holding a private key the
// test also holds (so ethers and viem can sign the same thing), chain switching, and a seeded
// random source so every failure can be replayed.
//
//   ETH_SEED=1234 node --test tests/node/eth_transactions.test.mjs
//
// replays the cases of a run that printed `seed 1234`.

import { wasm } from './wasm.mjs';

/** Argon2id at the vault's floor (m = 19 MiB, t = 2, p = 1): the cheapest a vault accepts. */
export const FLOOR_KDF = { memoryKib: 19456, iterations: 2, parallelism: 1 };

/** secp256k1 group order n: a private key must be in [1, n - 1]. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export const MAX_UINT256 = (1n << 256n) - 1n;

/** The seed of this process's random cases: `ETH_SEED` if set, else fresh. */
export function runSeed() {
  const fromEnv = process.env.ETH_SEED;
  if (fromEnv !== undefined && fromEnv !== '') return Number.parseInt(fromEnv, 10) >>> 0;
  return (Math.random() * 2 ** 32) >>> 0;
}

/**
 * A small deterministic generator (sfc32, from PractRand; 128-bit state, period >= 2^32),
 * seeded through splitmix32 so nearby seeds give unrelated streams. Not for secrets: test
 * cases only.
 */
export class Rng {
  constructor(seed) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32() {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t >>> 0;
  }

  /** A uniform integer in [0, n) for n <= 2^32. */
  int(n) {
    return Math.floor((this.u32() / 2 ** 32) * n);
  }

  /** An integer in [lo, hi] inclusive (small ranges). */
  range(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  bool() {
    return (this.u32() & 1) === 1;
  }

  /** True with probability p. */
  chance(p) {
    return this.u32() / 2 ** 32 < p;
  }

  pick(items) {
    return items[this.int(items.length)];
  }

  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** A uniform integer of `bits` bits. */
  bigBits(bits) {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(this.u32());
    return v & ((1n << BigInt(bits)) - 1n);
  }

  /**
   * An integer in [0, 2^bits - 1] that hits the edges often: 0, 1, the maximum, powers of two
   * and their neighbours, and random values of every width up to `bits`.
   */
  edgy(bits) {
    const max = (1n << BigInt(bits)) - 1n;
    switch (this.int(8)) {
      case 0:
        return 0n;
      case 1:
        return this.pick([1n, max, max - 1n]);
      case 2: {
        const p = 1n << BigInt(this.int(bits));
        return this.pick([p, p - 1n, p + 1n > max ? max : p + 1n]);
      }
      default:
        return this.bigBits(this.range(1, bits));
    }
  }

  /** A valid secp256k1 private key as 0x hex. */
  privateKey() {
    for (;;) {
      const k = BigInt(hex(this.bytes(32)));
      if (k > 0n && k < SECP256K1_N) return '0x' + k.toString(16).padStart(64, '0');
    }
  }

  /** A random address, lowercase (any case is accepted; lowercase carries no checksum). */
  address() {
    return hex(this.bytes(20));
  }
}

/** `0x` + lowercase hex of the bytes. */
export function hex(bytes) {
  return '0x' + Buffer.from(bytes).toString('hex');
}

/** A JSON-RPC quantity: `0x` hex, no leading zeros. */
export function qty(n) {
  return '0x' + BigInt(n).toString(16);
}

/**
 * A Custodian wallet holding `privateKey` (imported with `wallet_import {privateKey}`, floor
 * KDF), unlocked. Returns the module instance and the account's address.
 */
export async function walletWithKey(privateKey) {
  const c = new wasm.Custodian();
  const result = await c.request({
    method: 'wallet_import',
    params: { password: 'cross-implementation tests', privateKey, kdf: FLOOR_KDF },
  });
  const eth = result.accounts.filter((a) => a.chain === 'ethereum');
  if (eth.length !== 1) throw new Error(`expected one Ethereum account, got ${JSON.stringify(result)}`);
  return { c, address: eth[0].address };
}

/** Makes `chainId` the wallet's active chain (EIP-3326), as signing requires. */
export async function switchChain(c, chainId) {
  await c.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: qty(chainId) }] });
  const active = await c.request({ method: 'eth_chainId', params: [] });
  if (BigInt(active) !== BigInt(chainId)) throw new Error(`chain is ${active} after switching to ${chainId}`);
}

/** The rejection of a request that must fail (`{code, message, data: {kind}}`). */
export async function rejection(promise) {
  try {
    const value = await promise;
    throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (e) {
    if (e instanceof Error) throw e;
    return e;
  }
}

/** The chain ids random cases draw from: well-known ones and arbitrary ones up to 2^53 - 1. */
export function randomChainId(rng) {
  switch (rng.int(4)) {
    case 0:
      return rng.pick([1, 10, 56, 100, 137, 8453, 42161, 11155111, 31337]);
    case 1:
      return rng.range(1, 1000);
    case 2:
      return rng.range(1, 2 ** 32 - 1);
    default:
      // EIP-3326 chain ids stop at 2^53 - 1 (what a JavaScript number holds exactly).
      return Number(rng.bigBits(53)) || 1;
  }
}

/**
 * Random text of up to `maxLength` code points from several scripts, with spaces, newlines,
 * emoji (astral: surrogate pairs in JS) and combining marks; never a lone surrogate.
 */
export function randomText(rng, maxLength) {
  const pools = [
    [0x20, 0x7e], // printable ASCII
    [0x20, 0x7e],
    [0xa0, 0x24f], // Latin-1 and Latin Extended
    [0x391, 0x3c9], // Greek
    [0x410, 0x44f], // Cyrillic
    [0x4e00, 0x4fff], // CJK
    [0x1f600, 0x1f64f], // emoji (outside the BMP: surrogate pairs in JS)
    [0x300, 0x36f], // combining marks
  ];
  const length = rng.pick([0, 1, 5, rng.range(1, maxLength), rng.range(1, maxLength)]);
  let s = '';
  for (let i = 0; i < length; i++) {
    if (rng.chance(0.05)) {
      s += rng.pick(['\n', '\r\n', '\t', ' ']);
      continue;
    }
    const [lo, hi] = rng.pick(pools);
    s += String.fromCodePoint(rng.range(lo, hi));
  }
  return s;
}
