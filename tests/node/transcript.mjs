// Runs a protocol transcript through the real WASM `Custodian`, so one file of requests and
// expected answers can be replayed through every host (this module in Node, the browser Worker,
// `custodian rpc`) and must give the same answers everywhere.
//
// Transcript format (JSON): either an array of steps, or `{description?, steps: [...]}`.
// A step:
//   {
//     "request": {"method": "...", "params": ..., "id"?: ..., "jsonrpc"?: "2.0"},
//     "reset"?: true,                              // start this step on a new, empty wallet
//     "origin"?: "https://dapp.example",          // the requesting page, if any
//     "expect"  | "response": {"result": <json>}  // or
//                            {"error": {"code": <int>, "data"?: {"kind": "..."}, "message"?: "..."}}
//   }
// `expect` and `response` are synonyms, so a JSON-RPC response line recorded from the CLI
// (`{"jsonrpc", "id", "result" | "error"}`) can be used as it is; `jsonrpc` and `id` are
// ignored because EIP-1193's `request()` has no envelope.
//
// Matching: a result must be deep-equal to the expected one, except that the string "<any>"
// matches any value (for values that depend on time or randomness, e.g. `autoLockAt`, a fresh
// mnemonic). An error must have the expected `code`; `data.kind` and `message` are compared
// only when the expectation gives them.
//
// Use from a test:  `await runTranscript(steps)` (throws an AssertionError at the first
// mismatch, naming the step), or from a shell:  `node tests/node/transcript.mjs FILE.json`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { wasm } from './wasm.mjs';

/** The wildcard that matches any value. */
export const ANY = '<any>';

/** The steps of a transcript given as an array or as `{steps}`. */
export function stepsOf(transcript) {
  const steps = Array.isArray(transcript) ? transcript : transcript?.steps;
  if (!Array.isArray(steps)) throw new TypeError('a transcript is an array of steps or {steps: [...]}');
  return steps;
}

/** Replaces every place where `expected` has the wildcard by the actual value there. */
function withWildcards(expected, actual) {
  if (expected === ANY) return actual;
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.map((e, i) => (i < actual.length ? withWildcards(e, actual[i]) : e));
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object' && !Array.isArray(actual)) {
    return Object.fromEntries(Object.entries(expected).map(([k, e]) => [k, k in actual ? withWildcards(e, actual[k]) : e]));
  }
  return expected;
}

/**
 * Checks one step's actual outcome (`{result}` or `{error}`) against its expectation; throws an
 * AssertionError naming `where` on a mismatch. Returns true for a result, false for an error.
 * Shared by every host that replays transcripts (this module in Node, the browser Worker test).
 */
export function checkOutcome(expect, actual, where) {
  if ('result' in expect) {
    assert.ok('result' in actual, `${where}: expected a result, got error ${JSON.stringify(actual.error)}`);
    assert.deepEqual(actual.result, withWildcards(expect.result, actual.result), `${where}: result`);
    return true;
  }
  assert.ok('error' in actual, `${where}: expected error ${JSON.stringify(expect.error)}, got result ${JSON.stringify(actual.result)}`);
  assert.equal(actual.error.code, expect.error.code, `${where}: error code (${JSON.stringify(actual.error)})`);
  if (expect.error.data?.kind !== undefined) assert.equal(actual.error.data?.kind, expect.error.data.kind, `${where}: error kind`);
  if (expect.error.message !== undefined) assert.equal(actual.error.message, expect.error.message, `${where}: error message`);
  return false;
}

/**
 * Runs `transcript` through `custodian` (a fresh one by default). Returns
 * `{steps, results, errors, custodian}`; throws at the first step that does not match.
 */
export async function runTranscript(transcript, { custodian: given, log } = {}) {
  let custodian = given ?? new wasm.Custodian();
  const steps = stepsOf(transcript);
  let results = 0;
  let errors = 0;
  for (const [index, step] of steps.entries()) {
    const expect = step.expect ?? step.response;
    const { method, params } = step.request ?? {};
    const where = `step ${index} (${method})`;
    // `reset` (written by the CLI's transcript, docs/cli.md): a new session on an empty wallet,
    // as the CLI starts a new vault file and process.
    if (step.reset && index > 0) custodian = new wasm.Custodian();
    assert.ok(typeof method === 'string', `${where}: no request.method`);
    assert.ok(expect && ('result' in expect) !== ('error' in expect), `${where}: expect needs exactly one of result, error`);

    const args = params === undefined ? { method } : { method, params };
    let actual;
    try {
      actual = { result: await custodian.request(args, step.origin) };
    } catch (error) {
      if (error instanceof Error) throw new Error(`${where}: threw ${error.constructor.name}: ${error.message}`);
      actual = { error };
    }
    // Drain what the host would persist and emit, as a host does after every request.
    custodian.takeSave();
    custodian.takeEvents();

    if (checkOutcome(expect, actual, where)) results++;
    else errors++;
    log?.(`${where}: ok`);
  }
  return { steps: steps.length, results, errors, custodian };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node tests/node/transcript.mjs TRANSCRIPT.json');
    process.exit(2);
  }
  const outcome = await runTranscript(JSON.parse(readFileSync(file, 'utf8')));
  console.log(`${file}: ${outcome.steps} steps matched (${outcome.results} results, ${outcome.errors} errors)`);
}
