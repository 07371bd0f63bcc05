// Protocol transcripts replayed through the WASM module (transcript.mjs). The known-answer one
// holds only values computed by other implementations; the CLI's, when present, proves the
// same requests give the same answers through `custodian rpc` and through the module.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runTranscript, stepsOf } from './transcript.mjs';

const fixture = (name) => new URL(`../fixtures/${name}`, import.meta.url);
const load = (name) => JSON.parse(readFileSync(fixture(name), 'utf8'));

test('the known-answer transcript matches step for step', async () => {
  const outcome = await runTranscript(load('known-answer-transcript.json'));
  console.log(`known-answer transcript: ${outcome.steps} steps (${outcome.results} results, ${outcome.errors} errors)`);
  assert.deepEqual([outcome.steps, outcome.results, outcome.errors], [28, 21, 7]);
});

test('the runner fails on a wrong result, a wrong error kind, or a result where an error is due', async () => {
  const steps = stepsOf(load('known-answer-transcript.json'));
  const signIndex = steps.findIndex((s) => s.request.method === 'personal_sign');
  const cases = [
    [signIndex, (s) => { s.expect.result = s.expect.result.replace(/.$/, (c) => (c === '0' ? '1' : '0')); }, /result/],
    [3, (s) => { s.expect.error.data.kind = 'Locked'; }, /error kind/],
    [0, (s) => { s.expect = { error: { code: 4100 } }; }, /expected error/],
    [1, (s) => { s.expect.result = ['<any>', '<any>']; }, /result/],
  ];
  for (const [index, spoil, message] of cases) {
    const copy = structuredClone(steps);
    spoil(copy[index]);
    await assert.rejects(runTranscript(copy.slice(0, index + 1)), (e) => {
      assert.match(e.message, new RegExp(`step ${index} `));
      assert.match(e.message, message);
      return true;
    });
  }
  assert.equal(cases.length, 4);
});

const cliTranscript = 'protocol-transcript.json';
test('the CLI\'s recorded transcript replays through the module', {
  skip: existsSync(fixture(cliTranscript)) ? false : `tests/fixtures/${cliTranscript} is not present (the CLI writes it)`,
}, async () => {
  const outcome = await runTranscript(load(cliTranscript));
  console.log(`CLI transcript: ${outcome.steps} steps (${outcome.results} results, ${outcome.errors} errors)`);
  assert.ok(outcome.steps > 0);
});
