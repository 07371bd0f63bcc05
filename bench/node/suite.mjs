// The Node half of the harness: Custodian (direct calls into the module) and every anchor,
// interleaved in one process.

import { buildCases, checkCases, setupCustodian } from '../lib/cases.mjs';
import { interleave, timeCase } from '../lib/measure.mjs';
import { loadAnchors, loadCustodian } from './libs.mjs';

const SLOW_OPS = new Set(['argon2_64m', 'argon2_19m', 'vault_decrypt']);

export async function runNodeSuite({ rounds, budgetMs, slowBudgetMs, only, walletCore = true, log }) {
  const custodian = await loadCustodian();
  const L = await loadAnchors({ walletCore });
  const fx = await setupCustodian(custodian.Custodian);
  let cases = await buildCases(L, fx);
  if (only) cases = cases.filter((c) => only.some((o) => c.op.includes(o)));
  const problems = await checkCases(cases);
  for (const p of problems) log(`CHECK FAILED: ${p}`);
  cases = cases.filter((c) => !c.broken);
  const runners = cases.map((c) => ({
    key: `${c.op}|${c.impl}`,
    run: (budget) => timeCase(c.run, budget),
  }));
  const timing = await interleave(runners, {
    rounds,
    budgetMs,
    slowBudgetMs,
    isSlow: (key) => SLOW_OPS.has(key.split('|')[0]),
    log,
  });
  return {
    problems,
    results: cases.map((c) => ({ op: c.op, impl: c.impl, kind: c.kind, note: c.note ?? '', ...timing[`${c.op}|${c.impl}`] })),
    memoryAfterSetup: custodian.memory(),
  };
}
