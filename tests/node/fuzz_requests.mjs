// Generators of malformed requests for the robustness tests: random JSON, wrong types in real
// params, huge strings, deep nesting, cycles, JS values that have no JSON form, random and
// mutated transactions. Everything is drawn from a seeded PRNG (support.mjs `prng`), so a
// failing run replays exactly with CUSTODIAN_FUZZ_SEED=<seed>.

import { readFileSync } from 'node:fs';

/** Every method `Request::decode` knows (crates/core/src/api/request.rs), plus near misses. */
export const METHODS = [
  'wallet_status', 'wallet_create', 'wallet_import', 'wallet_unlock', 'wallet_lock',
  'wallet_changePassword', 'wallet_addAccount', 'wallet_renameAccount', 'wallet_listAccounts',
  'wallet_export', 'wallet_updateSettings', 'eth_accounts', 'eth_requestAccounts', 'eth_chainId',
  'wallet_switchEthereumChain', 'personal_sign', 'eth_signTypedData_v4', 'eth_signTransaction',
  'wallet_signAuthorization', 'solana_signTransaction', 'solana_signAllTransactions',
  'solana_signMessage', 'solana_signIn', 'eth_sendTransaction', 'eth_sendRawTransaction',
  'eth_sign', 'eth_signTypedData', 'eth_signTypedData_v3',
];

const NEAR_MISSES = [
  '', ' ', 'wallet_Status', 'WALLET_STATUS', 'eth_accounts ', '\u0000eth_chainId', 'personal_sign\n',
  'eth_signTypedData_v5', 'solana_signTransactions', '__proto__', 'constructor', 'toString',
  'wallet_status\u200b', 'ｗａｌｌｅｔ_status',
];

/** Field names each object-shaped method reads, so wrong types reach the typed decoders. */
const FIELDS = {
  wallet_create: ['password', 'words', 'passphrase', 'kdf'],
  wallet_import: ['password', 'mnemonic', 'passphrase', 'privateKey', 'curve', 'keystore', 'keystorePassword', 'kdf'],
  wallet_unlock: ['password'],
  wallet_changePassword: ['oldPassword', 'newPassword', 'kdf'],
  wallet_addAccount: ['chain', 'label'],
  wallet_renameAccount: ['address', 'label'],
  wallet_export: ['password', 'what', 'address', 'keystorePassword'],
  wallet_updateSettings: ['autoLockMinutes'],
  wallet_signAuthorization: ['account', 'chainId', 'address', 'nonce'],
  solana_signTransaction: ['address', 'transaction', 'chain'],
  solana_signAllTransactions: ['address', 'transactions', 'chain'],
  solana_signMessage: ['address', 'message'],
  solana_signIn: ['address', 'input'],
};

/** Arity of the positional (EIP-1193) methods. */
const ARITY = {
  personal_sign: 2, eth_signTypedData_v4: 2, eth_signTransaction: 1, wallet_switchEthereumChain: 1,
};

/** The EIP-712 Mail example, as the EIP publishes it. */
export function mailTypedData() {
  const file = JSON.parse(readFileSync(new URL('../vectors/eip712_example.json', import.meta.url), 'utf8'));
  return file.vectors[0].typed_data;
}

const base64 = (bytes) => Buffer.from(bytes).toString('base64');

/**
 * A generator of malformed requests over `r` (a `prng`). `ctx` holds real values to mutate:
 * `{eth, sol, solanaTx: Uint8Array, eip1559: object}`.
 */
export function makeFuzzer(r, ctx) {
  const { int, pick, next, bytes } = r;

  const SCALARS = [
    () => null, () => true, () => false, () => 0, () => -1, () => 2 ** 53, () => -(2 ** 63), () => 1e308,
    () => 0.5, () => int(1 << 30), () => '', () => ' ', () => '0x', () => '0x0', () => '0x00',
    () => `0x${'f'.repeat(64)}`, () => `0x${'0'.repeat(40)}`, () => ctx.eth, () => ctx.eth.toLowerCase(),
    () => ctx.sol, () => 'ethereum', () => 'solana', () => 'mnemonic', () => 'privateKey', () => 'keystore',
    () => 'abandon '.repeat(11) + 'about', () => '\u0000', () => '\ud800', () => '🔑'.repeat(int(50)),
    () => randomString(int(40)), () => '%s%n{}[]"\\', () => '-0', () => 'NaN', () => '1e999',
  ];

  function randomString(n) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(int(3) === 0 ? int(0x10000) : 32 + int(95));
    return s;
  }

  function randomJson(depth = 0) {
    const roll = int(depth > 3 ? 3 : 6);
    if (roll < 3) return pick(SCALARS)();
    if (roll < 5) return Array.from({ length: int(5) }, () => randomJson(depth + 1));
    const o = {};
    for (let i = int(5); i > 0; i--) o[pick(['a', 'method', 'params', 'password', 'address', randomString(4)])] = randomJson(depth + 1);
    return o;
  }

  function nested(depth, leaf) {
    let v = leaf;
    for (let i = 0; i < depth; i++) v = next() < 0.5 ? [v] : { x: v };
    return v;
  }

  function hugeString() {
    // Mostly 64 KiB; sometimes 1 MiB, rarely 4 MiB (each costs a copy into the module).
    const roll = next();
    const size = roll < 0.75 ? 1 << 16 : roll < 0.95 ? 1 << 20 : 4 << 20;
    return pick(['a', '0', 'f', '€', '🔑']).repeat(size / 2);
  }

  function mutate(u8) {
    const out = Uint8Array.from(u8);
    const roll = int(4);
    if (roll === 0) {
      for (let i = 1 + int(4); i > 0; i--) out[int(out.length)] ^= 1 << int(8);
      return out;
    }
    if (roll === 1) return out.slice(0, int(out.length));
    if (roll === 2) return Uint8Array.from([...out, ...bytes(1 + int(64))]);
    // Overwrite a header or length byte with an extreme value.
    out[int(Math.min(out.length, 70))] = pick([0, 1, 0x7f, 0x80, 0xff]);
    return out;
  }

  function paramsFor(method) {
    const fields = FIELDS[method];
    const arity = ARITY[method];
    const roll = int(4);
    if (roll === 0) return randomJson();
    if (fields && roll <= 2) {
      const o = {};
      for (const f of fields) if (next() < 0.7) o[f] = randomJson(2);
      if (next() < 0.2) o[randomString(6)] = 1; // unknown field: deny_unknown_fields
      return next() < 0.2 ? [o] : o;
    }
    if (arity) return Array.from({ length: arity + int(3) - 1 }, () => randomJson(2));
    return randomJson();
  }

  function signingCase() {
    switch (int(9)) {
      case 0: return { method: 'solana_signTransaction', params: { address: ctx.sol, transaction: base64(bytes(int(600))) } };
      case 1: return { method: 'solana_signTransaction', params: { address: ctx.sol, transaction: base64(mutate(ctx.solanaTx)) } };
      case 2: return {
        method: 'solana_signAllTransactions',
        params: { address: ctx.sol, transactions: Array.from({ length: int(4) }, () => base64(mutate(ctx.solanaTx))) },
      };
      case 3: return { method: 'solana_signMessage', params: { address: ctx.sol, message: pick([randomString(30), base64(bytes(int(2000))), '====', '']) } };
      case 4: {
        const tx = structuredClone(ctx.eip1559);
        const key = pick(Object.keys(tx));
        tx[key] = pick([randomJson(), '0x', '-0x1', `0x${'f'.repeat(70)}`, '0x0g', 1.5, -1, '99999999999999999999999999999999999999999999999999999999999999999999999999999999']);
        return { method: 'eth_signTransaction', params: [tx] };
      }
      case 5: {
        const data = mailTypedData();
        const where = pick(['types', 'domain', 'message', 'primaryType']);
        data[where] = pick([randomJson(), { Mail: [{ name: 'x', type: 'Mail' }] }, 'Mail', { name: 'x'.repeat(1000) }, { chainId: '0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' }]);
        return { method: 'eth_signTypedData_v4', params: [ctx.eth, next() < 0.5 ? data : JSON.stringify(data)] };
      }
      case 6: {
        // Self- and mutually-recursive EIP-712 types, with data nested to match.
        const types = {
          EIP712Domain: [], A: [{ name: 'b', type: 'B' }], B: [{ name: 'a', type: 'A[]' }, { name: 'n', type: pick(['uint256', 'uint7', 'bytes33', 'int0', 'string[][][]', 'B']) }],
        };
        return { method: 'eth_signTypedData_v4', params: [ctx.eth, { types, primaryType: 'A', domain: {}, message: nested(int(60), { b: { a: [], n: 1 } }) }] };
      }
      case 7: return { method: 'personal_sign', params: [pick([`0x${'ab'.repeat(int(5000))}`, '0xabc', '0xzz', hugeString(), randomString(20)]), pick([ctx.eth, ctx.sol, '0x' + '1'.repeat(40), ctx.eth.toUpperCase()])] };
      default: return {
        method: 'wallet_signAuthorization',
        params: { address: pick([ctx.eth, '0x', 5]), nonce: pick([0, -1, '0x', 2 ** 64, '0xffffffffffffffffff']), chainId: pick([0, 1, '0x1', 'x', 2 ** 70]) },
      };
    }
  }

  /** JS values that have no JSON form: the facade must reject them, not trap. */
  function jsOddity() {
    const method = pick(METHODS);
    switch (int(12)) {
      case 0: { const o = { method }; o.params = o; return o; }
      case 1: { const a = []; a.push(a); return { method, params: a }; }
      case 2: return { method, params: 10n ** BigInt(int(40)) };
      case 3: return { method, params: () => 1 };
      case 4: return { method, params: Symbol('s') };
      case 5: return { get method() { throw new Error('getter'); } };
      case 6: return new Proxy({ method }, { ownKeys() { throw new Error('proxy'); } });
      case 7: return { method, params: new Map([[1, 2]]) };
      case 8: return { method, params: bytes(int(100)) };
      case 9: return { method, params: { password: NaN, words: Infinity, x: undefined } };
      case 10: return { method, params: new Date(int(2 ** 40)) };
      default: return Object.assign(Object.create(null), { method, params: Object.create(null) });
    }
  }

  /** One malformed request: `{args, origin, kind}`. */
  return function nextCase() {
    const kind = pick([
      'json', 'json', 'method-not-string', 'unknown-method', 'wrong-params', 'wrong-params',
      'wrong-params', 'wrong-params', 'huge', 'deep', 'signing', 'signing', 'signing', 'js-oddity',
    ]);
    let args;
    switch (kind) {
      case 'json': args = randomJson(); break;
      case 'method-not-string': args = { method: randomJson(2), params: randomJson() }; break;
      case 'unknown-method': args = { method: next() < 0.5 ? pick(NEAR_MISSES) : randomString(int(100)), params: randomJson() }; break;
      case 'wrong-params': { const method = pick(METHODS); args = { method, params: paramsFor(method) }; break; }
      case 'huge': {
        const method = pick(METHODS);
        const field = pick(FIELDS[method] ?? ['password']);
        args = { method, params: pick([{ [field]: hugeString() }, [hugeString(), ctx.eth], [{ data: `0x${'00'.repeat(1 << 19)}`, nonce: 0, gas: 21000, maxFeePerGas: 1, maxPriorityFeePerGas: 1 }]]) };
        if (next() < 0.2) args.method = hugeString();
        break;
      }
      case 'deep': args = { method: pick(METHODS), params: nested(pick([100, 126, 127, 128, 1000, 20000]), 1) }; break;
      case 'signing': args = signingCase(); break;
      default: args = jsOddity();
    }
    // A minority also carries an odd origin argument.
    const origin = next() < 0.1 ? pick(['https://evil.example', '', 'null', 'x'.repeat(100000), 'https://a.b\u0000c']) : undefined;
    return { args, origin, kind };
  };
}
