// Random EIP-712 payloads for the typed-data cross-checks: one primary struct reaching every
// other struct (ethers refuses types with two roots), nested structs, arrays of structs,
// dynamic, fixed and two-dimensional arrays, `bytes`, `bytesN`, `intN`/`uintN` with boundary
// values, `string`, `address`, `bool`, and a domain with any subset of its five fields.
//
// Values are written the ways dapps write them (decimal strings, hex strings, JSON numbers,
// lower-case or checksummed addresses), so the same message object goes to Custodian and ethers;
// `toViem` converts it to the bigints viem insists on.

import { getAddress } from 'ethers';
import { hex, randomText } from './eth_helpers.mjs';

/** The canonical domain fields and their types, in the order ethers and viem derive them. */
export const DOMAIN_FIELDS = [
  ['name', 'string'],
  ['version', 'string'],
  ['chainId', 'uint256'],
  ['verifyingContract', 'address'],
  ['salt', 'bytes32'],
];

const SIZES = Array.from({ length: 32 }, (_, i) => (i + 1) * 8);

/** An identifier: a letter, then letters, digits and underscores. */
function identifier(rng, upper) {
  const first = upper ? 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' : 'abcdefghijklmnopqrstuvwxyz';
  const rest = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
  let s = first[rng.int(first.length)];
  const n = rng.range(1, 8);
  for (let i = 0; i < n; i++) s += rest[rng.int(rest.length)];
  return s;
}

function atomicType(rng) {
  switch (rng.int(8)) {
    case 0:
      return 'address';
    case 1:
      return 'bool';
    case 2:
      return 'string';
    case 3:
      return 'bytes';
    case 4:
      return `bytes${rng.range(1, 32)}`;
    case 5:
    case 6:
      return `uint${rng.pick(SIZES)}`;
    default:
      return `int${rng.pick(SIZES)}`;
  }
}

/** An array suffix (or none): `[]`, `[k]`, and now and then two dimensions. */
function arraySuffix(rng, pArray) {
  if (!rng.chance(pArray)) return '';
  const one = () => (rng.bool() ? '[]' : `[${rng.range(1, 3)}]`);
  return rng.chance(0.15) ? one() + one() : one();
}

/**
 * Random types: `Primary` plus up to four more structs, each reachable from the primary one.
 * Returns `{ types, primaryType }` (without `EIP712Domain`).
 */
export function randomTypes(rng) {
  const count = rng.range(1, 5);
  const names = new Set();
  while (names.size < count) {
    const n = identifier(rng, true);
    if (n !== 'EIP712Domain') names.add(n);
  }
  const structs = [...names];
  const fields = structs.map(() => []);
  const fieldNames = structs.map(() => new Set());
  const add = (i, type) => {
    let name;
    do name = identifier(rng, false);
    while (fieldNames[i].has(name));
    fieldNames[i].add(name);
    fields[i].push({ name, type });
  };
  // Every struct after the first is referenced by an earlier one: one root, no cycles.
  for (let i = 1; i < count; i++) {
    add(rng.int(i), structs[i] + arraySuffix(rng, 0.35));
    if (rng.chance(0.2)) add(rng.int(i), structs[i] + arraySuffix(rng, 0.5));
  }
  for (let i = 0; i < count; i++) {
    const atomics = rng.range(fields[i].length === 0 ? 1 : 0, 5);
    for (let k = 0; k < atomics; k++) add(i, atomicType(rng) + arraySuffix(rng, 0.2));
    // Field order matters to the hash; shuffle so references are not always first.
    for (let k = fields[i].length - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      [fields[i][k], fields[i][j]] = [fields[i][j], fields[i][k]];
    }
  }
  const types = {};
  structs.forEach((name, i) => {
    types[name] = fields[i];
  });
  return { types, primaryType: structs[0] };
}

/** A random value of `type`, written as a dapp might write it. */
export function randomValue(rng, types, type, depth = 0) {
  const array = type.match(/^(.*)\[(\d*)\]$/);
  if (array) {
    // Keep nested arrays of structs small: every level multiplies the size.
    const length = array[2] === '' ? rng.pick([0, 1, 2, depth > 1 ? 1 : 3]) : Number(array[2]);
    return Array.from({ length }, () => randomValue(rng, types, array[1], depth + 1));
  }
  if (types[type]) {
    const out = {};
    for (const f of types[type]) out[f.name] = randomValue(rng, types, f.type, depth + 1);
    return out;
  }
  if (type === 'address') {
    const a = getAddress(rng.address());
    return rng.bool() ? a : a.toLowerCase();
  }
  if (type === 'bool') return rng.bool();
  if (type === 'string') return randomText(rng, 24);
  if (type === 'bytes') return hex(rng.bytes(rng.pick([0, 1, 4, 32, rng.range(0, 80)])));
  const fixed = type.match(/^bytes(\d+)$/);
  if (fixed) return hex(rng.bytes(Number(fixed[1])));
  const int = type.match(/^(u?)int(\d+)$/);
  if (int) return writeInteger(rng, randomInteger(rng, int[1] === 'u', Number(int[2])));
  throw new Error(`no generator for ${type}`);
}

/** An integer of the type, at its boundaries half the time. */
function randomInteger(rng, unsigned, bits) {
  const B = BigInt(bits);
  if (unsigned) {
    const max = (1n << B) - 1n;
    return rng.chance(0.4) ? rng.pick([0n, 1n, max, max - 1n]) : rng.bigBits(rng.range(1, bits));
  }
  const max = (1n << (B - 1n)) - 1n;
  const min = -(1n << (B - 1n));
  if (rng.chance(0.4)) return rng.pick([0n, -1n, 1n, max, min, min + 1n]);
  const magnitude = rng.bigBits(rng.range(1, bits - 1));
  return rng.bool() ? magnitude : -magnitude;
}

/** The ways dapps write integers: JSON numbers (when exact), decimal and hex strings. */
export function writeInteger(rng, v) {
  const safe = v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER);
  switch (rng.int(3)) {
    case 0:
      if (safe) return Number(v);
      return v.toString();
    case 1:
      return v.toString();
    default:
      return v < 0n ? v.toString() : '0x' + v.toString(16);
  }
}

/** A domain with a random subset of the five fields; `chainId`, if present, is `chainId`. */
export function randomDomain(rng, chainId) {
  const domain = {};
  // The whole domain and the empty one a tenth of the time each, else any subset.
  const mode = rng.int(10);
  for (const [name] of DOMAIN_FIELDS) {
    if (mode === 0 || (mode > 1 && !rng.bool())) continue;
    if (name === 'name') domain.name = randomText(rng, 20);
    if (name === 'version') domain.version = rng.pick(['1', '2', '1.0.0', randomText(rng, 6)]);
    if (name === 'chainId') domain.chainId = rng.pick([chainId, String(chainId), '0x' + chainId.toString(16)]);
    if (name === 'verifyingContract') domain.verifyingContract = getAddress(rng.address());
    if (name === 'salt') domain.salt = hex(rng.bytes(32));
  }
  return domain;
}

/** `EIP712Domain` for a domain, fields in the canonical order. */
export function domainType(domain) {
  return DOMAIN_FIELDS.filter(([name]) => name in domain).map(([name, type]) => ({ name, type }));
}

/** The message with every integer as a bigint (what viem's typed-data helpers want). */
export function toViem(types, type, value) {
  const array = type.match(/^(.*)\[(\d*)\]$/);
  if (array) return value.map((v) => toViem(types, array[1], v));
  if (types[type]) {
    const out = {};
    for (const f of types[type]) out[f.name] = toViem(types, f.type, value[f.name]);
    return out;
  }
  if (/^u?int\d+$/.test(type)) return BigInt(value);
  return value;
}

/** Every leaf type used by `types`, for coverage counts. */
export function leafTypes(types) {
  const out = new Set();
  for (const fields of Object.values(types)) {
    for (const f of fields) {
      const base = f.type.replace(/\[\d*\]/g, '');
      if (!types[base]) out.add(base.replace(/\d+$/, 'N'));
      if (f.type.includes('[')) out.add(types[base] ? 'struct[]' : 'atomic[]');
      if (/\]\[/.test(f.type)) out.add('2-d array');
      if (types[base] && !f.type.includes('[')) out.add('struct');
    }
  }
  return out;
}
