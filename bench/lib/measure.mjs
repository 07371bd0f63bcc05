// Timing: every case runs for a fixed time budget per round; rounds interleave all cases (each
// round starts one case later than the previous one), and the figure kept is the median of
// the rounds' ops/s. Interleaving spreads slow drifts (thermal, other processes on a shared
// machine) over every case instead of charging them to whichever ran last.

/** Runs `fn` until `budgetMs` has passed and at least `minOps` calls completed. */
export async function timeCase(fn, budgetMs, minOps = 1) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs || ops < minOps) {
    const r = fn();
    if (r !== null && typeof r === 'object' && typeof r.then === 'function') await r;
    ops += 1;
    now = performance.now();
  }
  return { ops, ms: now - start };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `runners`: [{key, run(budgetMs) -> {ops, ms}}]. One warm-up round (discarded), then `rounds`
 * rounds. Returns {key: {opsPerSec, msPerOp, rounds: [ops/s...], totalOps}}.
 */
export async function interleave(runners, { rounds, budgetMs, slowBudgetMs, isSlow = () => false, log = () => {} }) {
  const samples = new Map(runners.map((r) => [r.key, []]));
  const totals = new Map(runners.map((r) => [r.key, 0]));
  for (let round = -1; round < rounds; round++) {
    const offset = round < 0 ? 0 : round % runners.length;
    for (let i = 0; i < runners.length; i++) {
      const runner = runners[(i + offset) % runners.length];
      const budget = isSlow(runner.key) ? slowBudgetMs : budgetMs;
      const { ops, ms } = await runner.run(round < 0 ? budget / 2 : budget);
      if (round >= 0) {
        samples.get(runner.key).push((ops * 1000) / ms);
        totals.set(runner.key, totals.get(runner.key) + ops);
      }
    }
    log(round < 0 ? 'warm-up done' : `round ${round + 1}/${rounds} done`);
  }
  const out = {};
  for (const [key, values] of samples) {
    const opsPerSec = median(values);
    out[key] = { opsPerSec, msPerOp: 1000 / opsPerSec, rounds: values, totalOps: totals.get(key) };
  }
  return out;
}
