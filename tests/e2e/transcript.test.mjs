// The same requests give the same answers through the browser Worker as through the WASM module
// in Node (tests/node/transcript.test.mjs) and through `custodian rpc` (crates/cli/tests/
// transcript.rs): the CLI's recorded transcript (tests/fixtures/protocol-transcript.json, pinned
// to published vectors) is replayed through @custodian/web's client, its Worker and IndexedDB.
// Each `reset` step starts a new session on a fresh IndexedDB database, as the CLI starts a new
// vault file.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkOutcome, stepsOf } from '../node/transcript.mjs';
import { assertOnlyOwnOrigin, launch, openPage } from './lib/browser.mjs';

const transcript = JSON.parse(
  readFileSync(new URL('../fixtures/protocol-transcript.json', import.meta.url), 'utf8'),
);

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Splits the steps into sessions at each `reset`. */
function sessions(steps) {
  const out = [];
  for (const step of steps) {
    if (step.reset || out.length === 0) out.push([]);
    out[out.length - 1].push(step);
  }
  return out;
}

test('the CLI transcript replays through the browser Worker with the same answers', { timeout: 120_000 }, async () => {
  const steps = stepsOf(transcript);
  const groups = sessions(steps);
  let checked = 0;
  for (const [n, group] of groups.entries()) {
    const { page, problems } = await openPage(browser, `/test/harness.html?db=transcript-${n}-${Date.now()}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    for (const step of group) {
      const { method, params } = step.request;
      const outcome = await page.evaluate(
        ([m, p]) => window.harness.settle(window.harness.custodian.request(p === null ? { method: m } : { method: m, params: p })),
        [method, params ?? null],
      );
      const actual = outcome.ok
        ? { result: outcome.value }
        : { error: { code: outcome.code, message: outcome.message, data: { kind: outcome.kind } } };
      checkOutcome(step.expect ?? step.response, actual, `session ${n}, ${method}`);
      checked++;
    }
    assert.deepEqual(problems, []);
    await page.close();
  }
  assert.equal(checked, steps.length);
  assertOnlyOwnOrigin(browser);
  console.log(`# transcript: ${checked} steps in ${groups.length} sessions matched through the Worker`);
});
