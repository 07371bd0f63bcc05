// Settings in the wallet app: changing the password (a weak one is refused, the old one must
// be right, the new one unlocks), the auto-lock time, exports that ask for the password again
// (the phrase equals the created one and disappears on Hide; the private key is the one ethers
// derives; the keystore file decrypts with ethers to the account), the audit log download
// (which the core verifies), and custody: the policy rendered, and a request held for an
// approval quorum listed with its digest.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { HDNodeWallet, decryptKeystoreJson } from 'ethers';
import { assertOnlyOwnOrigin, launch } from './lib/browser.mjs';
import { PASSWORD, createWallet, cspViolations, fillNewPassword, openApp, shots, unlock } from './lib/app.mjs';

const NEW_PASSWORD = 'amber-lantern-quietly-87';
// RFC 8032 test 1 public key: a valid Ed25519 approver key (docs/policy.md uses it too).
const APPROVER = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

let browser;
let page;
let problems;
let mnemonic;

before(async () => {
  browser = await launch();
  ({ page, problems } = await openApp(browser, '/?kdf=floor'));
  mnemonic = await createWallet(page);
});

after(async () => {
  await browser?.close();
});

async function openSettings() {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector('body[data-view="settings"]');
}

/** The text of the form error inside the element with test id `scope`. */
function scopedError(scope) {
  return page.locator(`[data-testid="${scope}"] [data-testid="form-error"]`).textContent();
}

async function waitScopedError(scope, pattern) {
  await page.waitForFunction(
    ([id, source]) => new RegExp(source).test(document.querySelector(`[data-testid="${id}"] [data-testid="form-error"]`)?.textContent ?? ''),
    [scope, pattern.source],
    { timeout: 60_000 },
  );
}

test('change password: weak refused, wrong current password refused, then the new one unlocks', { timeout: 120_000 }, async () => {
  await openSettings();
  const form = page.getByTestId('change-password-form');
  await form.getByTestId('old-password').fill(PASSWORD);
  await fillNewPassword(page, 'change-password', 'sunshine1');
  await form.getByRole('button', { name: 'Change password' }).click();
  await waitScopedError('change-password-form', /too weak/);

  await form.getByTestId('old-password').fill('not the password');
  await fillNewPassword(page, 'change-password', NEW_PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await waitScopedError('change-password-form', /Wrong password/);

  await form.getByTestId('old-password').fill(PASSWORD);
  await fillNewPassword(page, 'change-password', NEW_PASSWORD);
  await form.getByRole('button', { name: 'Change password' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="message"]').textContent === 'Password changed.', null, { timeout: 60_000 });

  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await page.waitForSelector('body[data-view="unlock"]');
  await page.getByTestId('unlock-password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForFunction(() => /Wrong password/.test(document.querySelector('[data-testid="form-error"]').textContent), null, { timeout: 60_000 });
  await unlock(page, NEW_PASSWORD);
  assert.equal(await page.getByTestId('state').textContent(), 'Unlocked');
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'settings', 'back where the user was');
});

test('auto-lock: the setting is saved and shown again after a reload', { timeout: 120_000 }, async () => {
  await openSettings();
  assert.equal(await page.getByTestId('auto-lock-minutes').inputValue(), '15', 'the default');
  await page.getByTestId('auto-lock-minutes').fill('20000');
  await page.getByTestId('auto-lock-form').getByRole('button', { name: 'Save' }).click();
  await waitScopedError('auto-lock-form', /from 0 to 10080/);
  await page.getByTestId('auto-lock-minutes').fill('5');
  await page.getByTestId('auto-lock-minutes').press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="message"]').textContent === 'The wallet now locks after 5 idle minutes.');
  const status = await page.evaluate(() => window.custodianDev.request({ method: 'wallet_status' }));
  const minutesLeft = (status.autoLockAt - Date.now()) / 60_000;
  assert.ok(minutesLeft > 4 && minutesLeft <= 5, `the core's deadline is 5 minutes away (${minutesLeft})`);
  await page.reload();
  await page.waitForSelector('body[data-view="unlock"]', { timeout: 60_000 });
  await page.getByTestId('unlock-password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('body[data-view="settings"]', { timeout: 60_000 });
  assert.equal(await page.getByTestId('auto-lock-minutes').inputValue(), '5');
});

test('exports ask for the password again: phrase, private key, keystore file', { timeout: 180_000 }, async () => {
  await openSettings();
  // Recovery phrase: wrong password refused; right one shows the created phrase; Hide removes it.
  const phraseForm = page.getByTestId('export-mnemonic-form');
  await phraseForm.getByTestId('export-mnemonic-password').fill(PASSWORD);
  await phraseForm.getByRole('button', { name: 'Show recovery phrase' }).click();
  await waitScopedError('export-mnemonic-form', /Wrong password/);
  await phraseForm.getByTestId('export-mnemonic-password').fill(NEW_PASSWORD);
  await phraseForm.getByRole('button', { name: 'Show recovery phrase' }).click();
  await page.waitForSelector('[data-testid="secret"]', { timeout: 60_000 });
  assert.equal((await page.locator('[data-testid="secret"] li').allTextContents()).join(' '), mnemonic);
  assert.equal(await page.getByTestId('export-mnemonic-password').inputValue(), '', 'the password field is cleared');
  assert.equal(page.url().includes(mnemonic.split(' ')[0]), false);
  await shots(page, 'settings-export-phrase');
  await page.getByTestId('hide-secret').click();
  assert.equal(await page.getByTestId('secret').count(), 0);
  assert.equal((await page.content()).includes(mnemonic), false);

  // Private key of the first Ethereum account: what ethers derives from the phrase.
  const keyForm = page.getByTestId('export-key-form');
  await keyForm.getByTestId('export-key-password').fill(NEW_PASSWORD);
  await keyForm.getByRole('button', { name: 'Show private key' }).click();
  await page.waitForSelector('[data-testid="secret-value"]', { timeout: 60_000 });
  const derived = HDNodeWallet.fromPhrase(mnemonic, undefined, "m/44'/60'/0'/0/0");
  assert.equal(await page.getByTestId('secret-value').first().textContent(), derived.privateKey);
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('secret').count(), 0, 'Escape hides it too');

  // Keystore file, sealed with its own password: ethers decrypts it to the account.
  const keystoreForm = page.getByTestId('export-keystore-form');
  await keystoreForm.getByTestId('keystore-file-password').fill('file password');
  await keystoreForm.getByTestId('export-keystore-password').fill(NEW_PASSWORD);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    keystoreForm.getByRole('button', { name: 'Download keystore file' }).click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`^UTC--.+--${derived.address.slice(2).toLowerCase()}\\.json$`));
  const decrypted = await decryptKeystoreJson(readFileSync(await download.path(), 'utf8'), 'file password');
  assert.equal(decrypted.address, derived.address);
  assert.equal(decrypted.privateKey, derived.privateKey);
});

test('custody: audit log download verifies; policy shown; a held request is listed with its digest', { timeout: 180_000 }, async () => {
  await openSettings();
  assert.equal(await page.getByTestId('no-policy').count(), 1);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-audit').click()]);
  assert.match(download.suggestedFilename(), /^custodian-audit-\d{4}-\d{2}-\d{2}\.jsonl$/);
  const jsonl = readFileSync(await download.path(), 'utf8');
  const exported = await page.evaluate(() => window.custodianDev.request({ method: 'wallet_auditExport', params: {} }));
  const verified = await page.evaluate(
    ([text, publicKey]) => window.custodianDev.request({ method: 'wallet_auditVerify', params: { jsonl: text, publicKey } }),
    [jsonl, exported.publicKey],
  );
  const lines = jsonl.trim().split('\n');
  assert.equal(verified.entries, lines.length - 1, 'header + entries');
  assert.ok(verified.entries >= 5, 'create, unlocks, password change, settings… are logged');

  // An owner-managed policy (no approvers), set as the CLI would: shown in words and as JSON.
  const ownerPolicy = {
    version: 1,
    approvers: [],
    quorum: 0,
    rules: { allowedChains: ['eip155:1'], messageSigning: 'allow', ethereum: { maxValueWei: '500000000000000000' } },
  };
  const set = await page.evaluate((policy) => window.custodianDev.request({ method: 'wallet_setPolicy', params: { policy } }), ownerPolicy);
  await page.reload();
  await page.waitForSelector('body[data-view="unlock"]', { timeout: 60_000 });
  await page.getByTestId('unlock-password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('[data-testid="policy"]', { timeout: 60_000 });
  assert.equal(await page.getByTestId('policy-hash').textContent(), set.policyHash);
  const policyText = await page.getByTestId('policy').textContent();
  assert.match(policyText, /nobody else: an owner-managed policy/);
  assert.match(policyText, /0\.5 ETH/);
  assert.deepEqual(JSON.parse(await page.getByTestId('policy-json').textContent()), ownerPolicy);

  // Replace it (allowed at once: owner-managed) by a 1-of-1 policy that holds message signing.
  const quorumPolicy = {
    version: 1,
    approvers: [{ name: 'alice', publicKey: APPROVER }],
    quorum: 1,
    rules: { allowedChains: ['eip155:1'], messageSigning: 'approval' },
  };
  await page.evaluate((policy) => window.custodianDev.request({ method: 'wallet_setPolicy', params: { policy } }), quorumPolicy);

  // The signing tool: Approve sends personal_sign, the policy holds it for alice.
  await page.getByRole('link', { name: 'Sign' }).click();
  await page.waitForSelector('body[data-view="sign"]');
  await page.getByTestId('sign-input').fill('Pay the invoice');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.waitForSelector('[data-testid="approval"]', { timeout: 60_000 });
  await page.getByTestId('approve').click();
  await page.waitForFunction(() => /holds this request for 1 approver/.test(document.querySelector('[data-testid="approval-error"]').textContent), null, {
    timeout: 60_000,
  });
  const shownDigest = (await page.getByTestId('approval-error').textContent()).match(/digest: ([0-9a-f]{64})/)[1];

  await openSettings();
  await page.waitForSelector('[data-testid="pending-approval"]');
  assert.equal(await page.getByTestId('approval-digest').textContent(), shownDigest);
  const listed = await page.evaluate(() => window.custodianDev.request({ method: 'wallet_listApprovals', params: {} }));
  assert.equal(listed.length, 1);
  assert.equal(listed[0].approvalDigest, shownDigest);
  assert.equal(listed[0].request.method, 'personal_sign');
  await page.getByTestId('policy').locator('summary').click();
  await shots(page, 'settings-custody');

  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  assertOnlyOwnOrigin(browser);
});
