// The Worker + IndexedDB path of @custodian/web with the real module, in Debian's Chromium,
// through the test-only harness page (tests/e2e/pages/harness.html, which loads the package
// exactly as www/ ships it):
//   - 200 concurrent requests from the page are each answered with their own correct result;
//   - a Worker killed in the middle of a stream of saves (Worker terminated, tab closed, tab
//     process crashed) leaves a vault that opens, holding every change acknowledged before.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyMessage } from 'ethers';
import { FLOOR_KDF, assertOnlyOwnOrigin, launch, openPage, utf8Hex } from './lib/browser.mjs';

const PASSWORD = 'e2e worker path password';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function openHarness(db, options) {
  const opened = await openPage(browser, `/test/harness.html?db=${encodeURIComponent(db)}`, options);
  await opened.page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  return opened;
}

/** Runs `wallet_*`/EIP-1193 requests in the page; returns `{ok, value}` or `{ok: false, code, kind}`. */
function call(page, method, params) {
  return page.evaluate(
    ([m, p]) => window.harness.settle(window.harness.custodian.request(p === null ? { method: m } : { method: m, params: p })),
    [method, params ?? null],
  );
}

async function mustCall(page, method, params) {
  const outcome = await call(page, method, params);
  assert.equal(outcome.ok, true, `${method}: ${outcome.message}`);
  return outcome.value;
}

test('200 concurrent requests from the page are all answered correctly', { timeout: 60_000 }, async (t) => {
  const { page, problems } = await openHarness('concurrency');
  await mustCall(page, 'wallet_create', { password: PASSWORD, kdf: FLOOR_KDF });
  await mustCall(page, 'wallet_addAccount', { chain: 'ethereum' });
  await mustCall(page, 'wallet_addAccount', { chain: 'ethereum' });
  const accounts = await mustCall(page, 'eth_accounts');
  assert.equal(accounts.length, 3);
  const status = await mustCall(page, 'wallet_status');
  const stranger = '0x000000000000000000000000000000000000dEaD';

  // Eight kinds of request, interleaved; every signed message differs, so a result delivered
  // to the wrong caller would fail verification.
  const plan = Array.from({ length: 200 }, (_, i) => {
    const account = accounts[i % accounts.length];
    switch (i % 8) {
      case 0:
      case 5:
        return { method: 'eth_accounts', params: [] };
      case 1:
        return { method: 'personal_sign', params: [utf8Hex(`concurrent message ${i}`), account], text: `concurrent message ${i}`, account };
      case 2:
        return { method: 'eth_chainId', params: [] };
      case 3:
      case 7:
        return { method: 'wallet_status' };
      case 4:
        // Plain UTF-8 text instead of hex: signed as those bytes.
        return { method: 'personal_sign', params: [`plain text ${i}`, account], text: `plain text ${i}`, account };
      default:
        return { method: 'personal_sign', params: [utf8Hex(`not mine ${i}`), stranger], fails: true };
    }
  });

  const { results, elapsedMs } = await page.evaluate(async (requests) => {
    const { provider, settle } = window.harness;
    const start = performance.now();
    const outcomes = await Promise.all(
      requests.map(({ method, params }) => settle(provider.request(params === undefined ? { method } : { method, params }))),
    );
    return { results: outcomes, elapsedMs: performance.now() - start };
  }, plan.map(({ method, params }) => ({ method, params })));

  assert.equal(results.length, 200);
  const counts = { accounts: 0, signed: 0, chain: 0, status: 0, refused: 0 };
  plan.forEach((request, i) => {
    const outcome = results[i];
    if (request.fails) {
      assert.equal(outcome.ok, false, `#${i} must fail`);
      assert.equal(outcome.code, 4100, `#${i}`);
      assert.equal(outcome.kind, 'UnknownAccount', `#${i}`);
      counts.refused += 1;
      return;
    }
    assert.equal(outcome.ok, true, `#${i} ${request.method}: ${outcome.message}`);
    switch (request.method) {
      case 'eth_accounts':
        assert.deepEqual(outcome.value, accounts, `#${i}`);
        counts.accounts += 1;
        break;
      case 'eth_chainId':
        assert.equal(outcome.value, '0x1', `#${i}`);
        counts.chain += 1;
        break;
      case 'wallet_status':
        assert.equal(outcome.value.state, 'unlocked', `#${i}`);
        // Each signature appends an audit entry (a save), so the generation only grows.
        assert.ok(outcome.value.generation >= status.generation, `#${i}`);
        counts.status += 1;
        break;
      default:
        assert.match(outcome.value, /^0x[0-9a-f]{130}$/, `#${i}`);
        assert.equal(verifyMessage(request.text, outcome.value), request.account, `#${i} verifies`);
        counts.signed += 1;
    }
  });
  assert.deepEqual(counts, { accounts: 50, signed: 50, chain: 25, status: 50, refused: 25 });
  // Diagnostic only (never asserted): how long the Worker took for all of them.
  t.diagnostic(`200 requests answered in ${elapsedMs.toFixed(0)} ms`);

  await page.close();
  assert.deepEqual(problems, []);
  assertOnlyOwnOrigin(browser);
});

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with E2E_SEED. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a Worker handed a module compiled in the page and one that loads the .wasm itself both sign', { timeout: 60_000 }, async () => {
  const { page, problems } = await openHarness('module-handover');
  const wasmRequests = () => browser.requests.filter((url) => url.includes('custodian_wasm_bg.wasm')).length;
  const before = wasmRequests();
  const outcome = await page.evaluate(async ([password, kdf]) => {
    const { harness } = window;
    const message = '0x68656c6c6f'; // "hello"
    const run = async (custodian) => {
      await custodian.request({ method: 'wallet_import', params: { password, privateKey: `0x${'11'.repeat(32)}`, kdf } });
      const [account] = await custodian.request({ method: 'eth_accounts' });
      const signature = await custodian.request({ method: 'personal_sign', params: [message, account] });
      custodian.terminate();
      return { account, signature };
    };
    // Given a module, the Worker must not touch `wasmUrl`: it names a file that does not exist.
    const handedOver = await run(harness.createCustodian({ dbName: 'handed-over', wasmModule: harness.compileWasm(), wasmUrl: '/missing.wasm' }));
    const itself = await run(harness.createCustodian({ dbName: 'loads-itself' }));
    return { handedOver, itself, message };
  }, [PASSWORD, FLOOR_KDF]);
  assert.equal(outcome.handedOver.account, outcome.itself.account);
  assert.equal(outcome.handedOver.signature, outcome.itself.signature, 'RFC 6979: the same key and message sign the same');
  assert.equal(verifyMessage('hello', outcome.itself.signature).toLowerCase(), outcome.itself.account.toLowerCase());
  // The page's compile and the second Worker's own fetch; /missing.wasm was never asked for.
  assert.equal(wasmRequests() - before, 2);
  assert.ok(!browser.requests.some((url) => url.includes('missing.wasm')));
  assert.deepEqual(problems, []);
  await page.close();
});

const KILLS = {
  /** The client's `terminate()`: `Worker.terminate()` on the real Worker, mid-request. */
  'terminate Worker': async (page) => {
    await page.evaluate(() => window.harness.custodian.terminate());
    await page.close();
  },
  /** The tab closes under the Worker (no beforeunload). */
  'close tab': (page) => page.close({ runBeforeUnload: false }),
  /** The tab's renderer process dies, Worker and all. */
  'crash tab process': async (page) => {
    const cdp = await page.context().newCDPSession(page);
    const crashed = page.waitForEvent('crash');
    // The process dies before it can answer, so the command's promise may never settle.
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    await page.close().catch(() => undefined);
  },
};

test('a Worker killed mid-save leaves a vault that opens with every acknowledged change', { timeout: 120_000 }, async (t) => {
  const seed = Number(process.env.E2E_SEED ?? Math.floor(Math.random() * 2 ** 32));
  t.diagnostic(`replay with E2E_SEED=${seed}`);
  const random = prng(seed);
  const db = 'kill';
  const acked = { adds: new Map(), lastRename: undefined };
  const onAck = (ack) => {
    if (ack.kind === 'add') acked.adds.set(ack.address, ack);
    else if (acked.lastRename === undefined || ack.round > acked.lastRename.round || (ack.round === acked.lastRename.round && ack.n > acked.lastRename.n)) {
      acked.lastRename = ack; // the latest acknowledged rename, in the order the Worker ran them
    }
  };
  const exposeAck = (page) => page.exposeFunction('e2eAck', onAck);

  // The wallet the stream works on.
  const setup = await openHarness(db);
  const created = await mustCall(setup.page, 'wallet_create', { password: PASSWORD, kdf: FLOOR_KDF });
  const original = created.accounts;
  const renameTarget = original[0].address;
  await setup.page.close();
  assert.deepEqual(setup.problems, []);

  /** A fresh tab must open the stored vault and show everything acknowledged so far. */
  const verify = async (round) => {
    const { page, problems } = await openHarness(db);
    const unlocked = await call(page, 'wallet_unlock', { password: PASSWORD });
    assert.equal(unlocked.ok, true, `round ${round}: the vault must open (${unlocked.message})`);
    const list = await mustCall(page, 'wallet_listAccounts');
    const byAddress = new Map(list.map((account) => [account.address, account]));
    assert.equal(byAddress.size, list.length, `round ${round}: no duplicate accounts`);
    for (const account of original) assert.ok(byAddress.has(account.address), `round ${round}: created account kept`);
    for (const [address, ack] of acked.adds) {
      const stored = byAddress.get(address);
      assert.ok(stored, `round ${round}: acknowledged account ${ack.label} (${address}) is missing`);
      assert.equal(stored.chain, ack.chain);
      assert.equal(stored.label, ack.label);
    }
    if (acked.lastRename !== undefined) {
      // The stored label is the last acknowledged rename or a later one that committed
      // before the kill (its answer lost): never an earlier one.
      const match = /^r(\d+)-(\d+)$/.exec(byAddress.get(renameTarget).label);
      assert.ok(match, `round ${round}: renamed label ${byAddress.get(renameTarget).label}`);
      const [storedRound, storedN] = [Number(match[1]), Number(match[2])];
      const { round: r, n } = acked.lastRename;
      assert.ok(storedRound > r || (storedRound === r && storedN >= n), `round ${round}: rename r${r}-${n} lost`);
    }
    const records = await page.evaluate(
      (name) =>
        new Promise((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const keys = open.result.transaction('vaults').objectStore('vaults').getAllKeys();
            keys.onsuccess = () => {
              open.result.close();
              resolve(keys.result);
            };
            keys.onerror = () => reject(keys.error);
          };
        }),
      db,
    );
    return { page, problems, list, records };
  };

  const methods = Object.keys(KILLS);
  const rounds = [];
  for (let round = 1; round <= 9; round += 1) {
    const { page, problems } = await openHarness(db, { beforeLoad: exposeAck });
    const unlocked = await call(page, 'wallet_unlock', { password: PASSWORD });
    assert.equal(unlocked.ok, true, unlocked.message);
    const ackedBefore = acked.adds.size;
    await page.evaluate(
      ([round, renameTarget]) => {
        window.stream = window.harness.saveStream({ round, renameTarget });
      },
      [round, renameTarget],
    );
    const delayMs = Math.round(40 + random() * 560);
    await page.waitForTimeout(delayMs);
    const sent = await page.evaluate(() => window.stream.sent());
    const method = methods[(round - 1) % methods.length];
    await KILLS[method](page);
    assert.deepEqual(problems, [], `round ${round}`);

    const check = await verify(round);
    rounds.push({ round, method, delayMs, sent, ackedThisRound: acked.adds.size - ackedBefore, stored: check.list.length, records: check.records.length });
    await check.page.close();
    assert.deepEqual(check.problems, [], `round ${round}: fresh tab`);
  }

  for (const r of rounds) {
    t.diagnostic(`round ${r.round}: ${r.method} after ${r.delayMs} ms (${r.sent} requests sent by then), ${r.ackedThisRound} adds acked, ${r.stored} accounts stored, ${r.records} record(s)`);
  }
  // Each method ran three times, and the stream really was saving when it was killed.
  assert.equal(rounds.length, 9);
  assert.ok(rounds.every((r) => r.sent > 0), 'requests were in flight at every kill');
  assert.ok(acked.adds.size > 0, 'some saves were acknowledged');
  assertOnlyOwnOrigin(browser);
});
