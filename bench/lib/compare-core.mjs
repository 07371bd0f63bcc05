// Several builds of Custodian's module side by side (bench/compare.mjs): the same requests,
// interleaved, in one Node process or one browser Worker. Each build is a wasm-bindgen
// `--target web` output (glue + .wasm) loaded under its own URL, so each has its own instance.

import { PASSWORD } from './fixtures.mjs';
import { custodianRequests, setupCustodian } from './cases.mjs';
import { interleave, timeCase } from './measure.mjs';

/**
 * `variants`: [{name, load: async () => ({Custodian, memory})}]; `ed25519`: @noble/curves'
 * ed25519 (for the Solana fixture). Returns {name: {op: {opsPerSec, ...}}, firstCall: {...}}.
 */
export async function compareVariants(variants, { ops, rounds, budgetMs, ed25519, log = () => {} }) {
  const runners = [];
  const firstCall = {};
  for (const v of variants) {
    const t0 = performance.now();
    const { Custodian } = await v.load();
    const loaded = performance.now() - t0;
    const fx = await setupCustodian(Custodian);
    fx.solPublicKey = ed25519.getPublicKey(fx.solSeed);
    const requests = custodianRequests(fx);
    const unlock = (c) => async () => {
      await c.request({ method: 'wallet_lock' });
      await c.request({ method: 'wallet_unlock', params: { password: PASSWORD } });
      c.takeEvents();
    };
    const all = { ...Object.fromEntries(Object.entries(requests).map(([op, req]) => [op, () => fx.main.request(req)])), argon2_64m: unlock(fx.slow), argon2_19m: unlock(fx.main) };
    firstCall[v.name] = { loadMs: loaded };
    for (const op of ops) {
      const run = all[op];
      if (!run) throw new Error(`unknown op ${op}`);
      const t = performance.now();
      await run();
      firstCall[v.name][op] = performance.now() - t;
      runners.push({ key: `${op}|${v.name}`, run: (budget) => timeCase(run, budget) });
    }
    log(`${v.name}: loaded in ${loaded.toFixed(1)} ms`);
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
  return { results: out, firstCall };
}
