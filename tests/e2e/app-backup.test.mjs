// Backups in the wallet app: the encrypted backup file downloaded from Settings is the stored
// sealed vault; imported on a fresh browser profile it unlocks to the same accounts and labels
// (a file that is not a vault, and a wrong password, are refused and leave the browser empty).
// SLIP-39 shares made in Settings restore the same wallet on another fresh profile.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertOnlyOwnOrigin, launch } from './lib/browser.mjs';
import { PASSWORD, createWallet, cspViolations, fillNewPassword, listedAddresses, openApp, shots } from './lib/app.mjs';

let source; // the browser with the original wallet
let page;
let problems;
let original; // its listed addresses
let backup; // the downloaded file's bytes

before(async () => {
  source = await launch();
  ({ page, problems } = await openApp(source, '/?kdf=floor'));
  await createWallet(page);
  await page.getByTestId('add-solana').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="solana-address"]').length === 2);
  await page.getByTestId('account').first().getByRole('button', { name: /^Rename/ }).click();
  await page.getByTestId('rename-input').fill('Treasury');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="account-label"]').textContent === 'Treasury');
  original = await listedAddresses(page);
});

after(async () => {
  await source?.close();
});

/** The `custodian` database's records, read in the page. */
function storedVaults(target) {
  return target.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('custodian');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('vaults')) {
            db.close();
            resolve([]);
            return;
          }
          const read = db.transaction('vaults').objectStore('vaults').getAll();
          read.onsuccess = () => {
            db.close();
            resolve(read.result.map(({ generation, bytes }) => ({ generation, bytes: [...bytes] })));
          };
        };
      }),
  );
}

test('the downloaded backup is the stored sealed vault', { timeout: 60_000 }, async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector('body[data-view="settings"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-backup').click()]);
  assert.match(download.suggestedFilename(), /^custodian-backup-\d{4}-\d{2}-\d{2}\.vault$/);
  backup = readFileSync(await download.path());
  assert.equal(backup.subarray(0, 8).toString('latin1'), 'CSTDNVLT');
  const stored = await storedVaults(page);
  assert.equal(stored.length, 1);
  assert.deepEqual([...backup], stored[0].bytes);
  await page.waitForFunction(() => /Backup downloaded/.test(document.querySelector('[data-testid="message"]').textContent));
  await shots(page, 'settings');
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('a backup imported on a fresh profile unlocks to the same accounts; bad files and wrong passwords change nothing', { timeout: 180_000 }, async () => {
  assert.ok(backup, 'the download test ran first');
  const fresh = await launch();
  try {
    const { page: target, problems: targetProblems } = await openApp(fresh, '/?kdf=floor');
    await target.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
    await target.getByRole('button', { name: /Import or restore/ }).click();
    await target.locator('label[for="import-backup"]').click();
    const error = () => target.getByTestId('form-error').textContent();

    // Not a vault.
    await target.getByTestId('import-backup-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await target.getByTestId('import-backup-password').fill(PASSWORD);
    await target.getByRole('button', { name: 'Restore' }).click();
    await target.waitForFunction(() => /not a Custodian backup/.test(document.querySelector('[data-testid="form-error"]').textContent));

    // A damaged vault (one ciphertext byte flipped): the header is fine, the core refuses to open it.
    const damaged = Buffer.from(backup);
    damaged[damaged.length - 1] ^= 1;
    await target.getByTestId('import-backup-file').setInputFiles({ name: 'damaged.vault', mimeType: 'application/octet-stream', buffer: damaged });
    await target.getByTestId('import-backup-password').fill(PASSWORD);
    await target.getByRole('button', { name: 'Restore' }).click();
    await target.waitForFunction(() => document.querySelector('[data-testid="form-error"]').textContent !== '' && !/not a Custodian/.test(document.querySelector('[data-testid="form-error"]').textContent), null, { timeout: 60_000 });
    const damagedError = await error();

    // The real file, a wrong password.
    await target.getByTestId('import-backup-file').setInputFiles({ name: 'backup.vault', mimeType: 'application/octet-stream', buffer: backup });
    await target.getByTestId('import-backup-password').fill('not the password');
    await target.getByRole('button', { name: 'Restore' }).click();
    await target.waitForFunction(() => /Wrong password/.test(document.querySelector('[data-testid="form-error"]').textContent), null, { timeout: 60_000 });
    assert.equal(await target.getByTestId('state').textContent(), 'No wallet');
    assert.deepEqual(await storedVaults(target), [], 'nothing was installed');
    assert.notEqual(damagedError, '');
    await shots(target, 'import-backup-wrong-password');

    await target.getByTestId('import-backup-password').fill(PASSWORD);
    await target.getByRole('button', { name: 'Restore' }).click();
    await target.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
    assert.deepEqual(await listedAddresses(target), original);
    assert.equal(await target.getByTestId('account-label').first().textContent(), 'Treasury');
    assert.equal(await target.getByTestId('state').textContent(), 'Unlocked');
    // The staging database is gone; the wallet's holds the imported vault (and later saves).
    const names = (await target.evaluate(() => indexedDB.databases())).map((db) => db.name).sort();
    assert.deepEqual(names, ['custodian']);
    // The file holds no audit entries: the restore's unlock reports them missing from entry 0,
    // and the app says that this is what a restore does.
    const notice = target.getByTestId('audit-notice');
    assert.equal(await notice.getAttribute('data-reason'), 'missing');
    assert.match(await notice.textContent(), /expected after restoring a backup file/);
    assert.match(await target.getByTestId('audit-notice-detail').textContent(), /first affected entry: seq 0/);
    await shots(target, 'import-backup-audit-notice');

    // It stays: a reload opens it locked, and the password unlocks it.
    await target.reload();
    await target.waitForSelector('body[data-view="unlock"]', { timeout: 60_000 });
    await target.getByTestId('unlock-password').fill(PASSWORD);
    await target.getByRole('button', { name: 'Unlock' }).click();
    await target.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
    assert.deepEqual(await listedAddresses(target), original);
    // The gap stays, and each unlock says so (as a wallet that may have been restored).
    assert.match(await target.getByTestId('audit-notice').textContent(), /expected if this wallet was restored from a backup file/);

    assert.deepEqual(targetProblems, []);
    assert.deepEqual(await cspViolations(target), []);
    assertOnlyOwnOrigin(fresh);
  } finally {
    await fresh.close();
  }
});

test('SLIP-39 shares made in Settings (2 of 3) restore the wallet on a fresh profile', { timeout: 180_000 }, async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector('body[data-view="settings"]');
  const form = page.getByTestId('shares-form');
  await form.getByTestId('shares-threshold').fill('2');
  await form.getByTestId('shares-count').fill('3');
  await form.getByTestId('shares-password').fill('wrong password');
  await form.getByRole('button', { name: 'Make shares' }).click();
  await page.waitForFunction(() => /Wrong password/.test(document.querySelector('[data-testid="shares-form"] [data-testid="form-error"]').textContent), null, {
    timeout: 60_000,
  });
  await form.getByTestId('shares-password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Make shares' }).click();
  await page.waitForSelector('[data-testid="secret"] [data-testid="secret-list"] li', { timeout: 60_000 });
  const shares = await page.locator('[data-testid="secret"] [data-testid="secret-list"] li').allTextContents();
  assert.equal(shares.length, 3);
  for (const share of shares) assert.equal(share.split(' ').length, 20, '20 words per share for a 128-bit secret');
  await shots(page, 'settings-shares');
  await page.getByTestId('hide-secret').click();
  assert.equal(await page.getByTestId('secret').count(), 0);
  assert.equal((await page.content()).includes(shares[0]), false, 'hidden means gone from the page');

  const fresh = await launch();
  try {
    const { page: target, problems: targetProblems } = await openApp(fresh, '/?kdf=floor');
    await target.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
    await target.getByRole('button', { name: /Import or restore/ }).click();
    await target.locator('label[for="import-shares"]').click();
    // Shares 1 and 3 of 3.
    await target.getByTestId('import-shares').fill(`${shares[0]}\n\n${shares[2]}\n`);
    await fillNewPassword(target, 'import-password', PASSWORD);
    await target.getByRole('button', { name: 'Recover' }).click();
    await target.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
    const restored = await listedAddresses(target);
    // HD accounts are derived again: the first of each chain (labels and extra accounts live in the vault, not the shares).
    assert.deepEqual(restored, { ethereum: [original.ethereum[0]], solana: [original.solana[0]] });
    assert.deepEqual(targetProblems, []);
    assert.deepEqual(await cspViolations(target), []);
  } finally {
    await fresh.close();
  }
  assert.deepEqual(problems, []);
  assertOnlyOwnOrigin(source);
});
