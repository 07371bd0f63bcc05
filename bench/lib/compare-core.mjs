// Several builds of Custodian's module side by side (bench/compare.mjs): the same requests,
// interleaved, in one Node process or one browser Worker. Each build is a wasm-bindgen
// `--target web` output (glue + .wasm) loaded under its own URL, so each has its own instance.

import { ETH_PRIVATE_KEY, MESSAGE, PASSWORD } from './fixtures.mjs';
import { custodianRequests, setupCustodian } from './cases.mjs';
import { interleave, timeCase } from './measure.mjs';

const hexBytes = (hex) => Uint8Array.from(hex.replace(/^0x/, '').match(/../g), (b) => parseInt(b, 16));

/**
 * The curve code alone, without the protocol, the policy gate and the audit log: only in a
 * build with custodian-wasm's `bench` feature (its exports `benchSecp256k1SignPrehash`,
 * `benchEd25519Sign`). Each call signs 16 times (one JS->WASM call per 16 signatures); the
 * figure is signatures per second.
 */
function rawSigners(glue, fx) {
  if (!glue?.benchSecp256k1SignPrehash) return {};
  const ethKey = hexBytes(ETH_PRIVATE_KEY);
  const message = new TextEncoder().encode(MESSAGE);
  return {
    secp256k1_raw: { batch: 16, run: () => glue.benchSecp256k1SignPrehash(ethKey, 16) },
    ed25519_raw: { batch: 16, run: () => glue.benchEd25519Sign(fx.solSeed, message, 16) },
  };
}

/**
 * `variants`: [{name, load: async () => ({Custodian, memory})}]; `ed25519`: @noble/curves'
 * ed25519 (for the Solana fixture). Returns {name: {op: {opsPerSec, ...}}, firstCall: {...}}.
 */
export async function compareVariants(variants, { ops, rounds, budgetMs, ed25519, anchors = null, takeSave = false, log = () => {} }) {
  const runners = [];
  let solSeed = null;
  // Raw-signing anchors (ethers, @noble) in the same loop, so `*_raw` ratios come from one run.
  const anchorNames = [];
  if (anchors) {
    const ethKey = hexBytes(ETH_PRIVATE_KEY);
    const digest = new Uint8Array(32).fill(0x42);
    const message = new TextEncoder().encode(MESSAGE);
    const table = {
      secp256k1_raw: {
        'ethers 6': () => anchors.ethersKey.sign(digest),
        '@noble/curves': () => anchors.secp256k1.sign(digest, ethKey, { prehash: false, format: 'recovered' }),
      },
      ed25519_raw: { '@noble/curves': (seed) => anchors.ed25519.sign(message, seed) },
    };
    anchors.table = table;
    anchors.ethKey = ethKey;
    for (const op of ops) for (const name of Object.keys(table[op] ?? {})) anchorNames.push([op, name]);
  }
  const firstCall = {};
  for (const v of variants) {
    const t0 = performance.now();
    const { Custodian, glue } = await v.load();
    const loaded = performance.now() - t0;
    const fx = await setupCustodian(Custodian);
    solSeed ??= fx.solSeed;
    fx.solPublicKey = ed25519.getPublicKey(fx.solSeed);
    const requests = custodianRequests(fx);
    const unlock = (c) => async () => {
      await c.request({ method: 'wallet_lock' });
      await c.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
      c.takeEvents();
    };
    // `takeSave`: persist after each request as the wallet's Worker does (bench/compare.mjs).
    const send = takeSave
      ? (req) => async () => {
          await fx.main.request(req);
          fx.main.takeSave();
        }
      : (req) => () => fx.main.request(req);
    const all = { ...Object.fromEntries(Object.entries(requests).map(([op, req]) => [op, send(req)])), argon2_64m: unlock(fx.slow), argon2_19m: unlock(fx.main), ...rawSigners(glue, fx) };
    firstCall[v.name] = { loadMs: loaded };
    for (const op of ops) {
      const entry = all[op];
      if (!entry) throw new Error(`unknown op ${op} (secp256k1_raw, ed25519_raw need a build with the bench feature)`);
      const batch = entry.batch ?? 1;
      const run = entry.run ?? entry;
      const t = performance.now();
      await run();
      firstCall[v.name][op] = performance.now() - t;
      runners.push({
        key: `${op}|${v.name}`,
        run: async (budget) => {
          const t = await timeCase(run, budget);
          return { ...t, ops: t.ops * batch };
        },
      });
    }
    log(`${v.name}: loaded in ${loaded.toFixed(1)} ms`);
  }
  if (anchorNames.length) {
    for (const [op, name] of anchorNames) {
      const fn = anchors.table[op][name];
      runners.push({ key: `${op}|anchor:${name}`, run: (budget) => timeCase(() => fn(solSeed), budget) });
    }
  }
  const timing = await interleave(runners, {
    rounds,
    budgetMs,
    slowBudgetMs: 0,
    isSlow: (key) => key.startsWith('argon2'),
    log,
  });
  const out = {};
  for (const v of variants) {
    out[v.name] = {};
    for (const op of ops) out[v.name][op] = timing[`${op}|${v.name}`];
  }
  const anchorResults = {};
  for (const [op, name] of anchorNames) (anchorResults[op] ??= {})[name] = timing[`${op}|anchor:${name}`];
  return { results: out, firstCall, anchors: anchorResults };
}
