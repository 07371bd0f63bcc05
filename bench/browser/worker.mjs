// The bench Worker: Custodian called directly (in this thread) and every anchor, driven one
// case at a time by the page (bench/browser/page.mjs), which interleaves them with the
// Worker-RPC cases it runs itself.

import { buildCases, checkCases, custodianRequests, setupCustodian } from '/bench/lib/cases.mjs';
import { timeCase } from '/bench/lib/measure.mjs';
import { loadAnchors, loadCustodian } from '/bench/browser/libs.mjs';

let cases = [];

async function setup({ only, walletCore, auditFill }) {
  const custodian = await loadCustodian();
  const L = await loadAnchors({ walletCore });
  const fx = await setupCustodian(custodian.Custodian, { auditFill });
  cases = await buildCases(L, fx);
  if (only) cases = cases.filter((c) => only.some((o) => c.op.includes(o)));
  const problems = await checkCases(cases);
  cases = cases.filter((c) => !c.broken);
  return {
    problems,
    notes: L.notes,
    cases: cases.map((c) => ({ key: `${c.op}|${c.impl}`, op: c.op, impl: c.impl, kind: c.kind, note: c.note ?? '' })),
    fixtures: { solAddress: fx.solAddress, solPublicKey: [...fx.solPublicKey] },
    requests: custodianRequests(fx),
    memory: custodian.memory(),
  };
}

self.onmessage = async ({ data }) => {
  try {
    if (data.cmd === 'setup') {
      self.postMessage({ id: data.id, result: await setup(data) });
    } else if (data.cmd === 'sealed') {
      // A vault for the cold-start Workers: built here so the page never loads the module.
      const custodian = await loadCustodian();
      const wallet = new custodian.Custodian();
      await wallet.request({ method: 'wallet_import', params: data.params });
      const { bytes } = wallet.takeSave();
      wallet.free();
      self.postMessage({ id: data.id, result: bytes });
    } else if (data.cmd === 'run') {
      const c = cases.find((x) => `${x.op}|${x.impl}` === data.key);
      self.postMessage({ id: data.id, result: await timeCase(c.run, data.budgetMs) });
    }
  } catch (error) {
    self.postMessage({ id: data.id, error: String(error?.stack ?? error) });
  }
};
self.postMessage({ ready: true });
