// What the app says about the audit log after an unlock (wallet_unlock's `auditLog`,
// docs/audit-log.md §Damage): with the log intact, nothing; after records were deleted from
// IndexedDB's `audit` store, a notice above the view that names the reason and the first bad
// seq, in plain words (signing still works, an export fails at the gap, what to do), which is
// announced (role="status"), reached and dismissed with the keyboard, passes the a11y audit, and goes
// away on lock. Signing still works under it. (A restored backup: app-backup.test.mjs.)

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertOnlyOwnOrigin, launch, utf8Hex } from './lib/browser.mjs';
import { PASSWORD, createWallet, cspViolations, openApp, shots, unlock } from './lib/app.mjs';
import { auditScreen } from './lib/a11y.mjs';

let browser;
let page;
let problems;

before(async () => {
  browser = await launch();
  ({ page, problems } = await openApp(browser, '/?kdf=floor'));
});

after(async () => {
  await browser?.close();
});

const noticeCount = () => page.getByTestId('audit-notice').count();

/** Signs with the first Ethereum account as the wallet itself; resolves with the signature. */
async function sign(text) {
  const address = await page.getByTestId('ethereum-address').first().textContent();
  return page.evaluate(
    ([data, from]) => window.custodianDev.request({ method: 'personal_sign', params: [data, from] }),
    [utf8Hex(text), address],
  );
}

async function lock() {
  await page.getByRole('button', { name: 'Lock' }).click();
  await page.waitForSelector('body[data-view="unlock"]');
}

/** The seqs stored in the wallet's `audit` store; deletes those in `remove` first. */
function auditSeqs(remove = []) {
  return page.evaluate(
    (seqs) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('custodian');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const transaction = db.transaction('audit', 'readwrite');
          const store = transaction.objectStore('audit');
          for (const seq of seqs) store.delete(seq);
          const keys = store.getAllKeys();
          transaction.oncomplete = () => {
            db.close();
            resolve(keys.result);
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    remove,
  );
}

test('an intact log: no notice after unlock', { timeout: 120_000 }, async () => {
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  await createWallet(page);
  assert.match(await sign('first'), /^0x[0-9a-f]{130}$/);
  await lock();
  await unlock(page);
  assert.equal(await page.getByTestId('message').textContent(), 'Unlocked.');
  assert.equal(await noticeCount(), 0);
  assert.equal(await page.getByTestId('notices').isVisible(), false, 'the empty region takes no room');
});

test('records deleted from the audit store: the unlock shows the gap, signing still works', { timeout: 120_000 }, async () => {
  assert.match(await sign('second'), /^0x[0-9a-f]{130}$/);
  await lock();
  const stored = await auditSeqs();
  assert.ok(stored.length >= 5, `seqs stored: ${stored.join(' ')}`);
  // One in the middle: the log goes on past it, so the gap is at exactly that seq.
  const gone = stored[2];
  assert.deepEqual(await auditSeqs([gone]), stored.filter((seq) => seq !== gone));
  // The Worker reads the records when it opens the vault: a new page, a new Worker.
  await page.reload();
  await unlock(page);

  const notice = page.getByTestId('audit-notice');
  await notice.waitFor();
  assert.equal(await notice.getAttribute('data-reason'), 'missing');
  const text = await notice.textContent();
  assert.match(text, /The audit log has a gap/);
  assert.match(text, new RegExp(`entries of its audit log are missing from this browser.s storage \\(the first affected: entry ${gone}\\)\\.`));
  assert.match(text, /signing works as before/);
  assert.match(text, /a downloaded audit log fails verification at the gap/);
  assert.match(text, /If you did not restore a backup or clear this browser.s data yourself/);
  assert.doesNotMatch(text, /restored from a backup file/, 'a gap in the middle is not what a restore leaves');
  assert.match(await page.getByTestId('audit-notice-detail').textContent(), new RegExp(`^Reported: missing \\(.+\\), first affected entry: seq ${gone}\\.$`));
  // Announced: it sits in a status region; and the page said it unlocked, as always.
  assert.equal(await page.locator('[role="status"] [data-testid="audit-notice"]').count(), 1);
  assert.equal(await page.getByTestId('message').textContent(), 'Unlocked.');
  // axe (WCAG 2.1 A/AA) at both widths, and at 360 px no sideways scroll, no target under 24 px.
  assert.deepEqual(await auditScreen(page, 'audit-notice'), []);
  await shots(page, 'audit-notice');

  // Non-blocking: the views work under it, and it stays across them.
  assert.match(await sign('third'), /^0x[0-9a-f]{130}$/);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector('body[data-view="settings"]');
  assert.equal(await noticeCount(), 1);

  // Keyboard: from the view's heading (where a new view puts the focus), Shift+Tab reaches
  // Dismiss; Enter removes the notice and the focus goes back to the heading.
  assert.equal(await page.evaluate(() => document.activeElement?.matches('#view h1')), true);
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'audit-notice-dismiss');
  assert.equal(await page.evaluate(() => document.activeElement.matches(':focus-visible')), true);
  await page.keyboard.press('Enter');
  assert.equal(await noticeCount(), 0);
  assert.equal(await page.evaluate(() => document.activeElement?.matches('#view h1')), true);

  // The gap stays in the log: the next unlock reports it again; a lock takes the notice away.
  await lock();
  await unlock(page);
  await page.getByTestId('audit-notice').waitFor();
  await lock();
  assert.equal(await noticeCount(), 0);

  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  assertOnlyOwnOrigin(browser);
});
