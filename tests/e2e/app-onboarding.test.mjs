// The wallet app's first steps in Debian's Chromium, with the real module in its Worker:
// a weak password is refused by the meter, a wallet is created, its phrase shown once and three
// of its words asked back (a wrong word is refused), it is locked and unlocked (a wrong
// password says so; progress shows while Argon2id runs) and the same addresses come back,
// which are those ethers and SLIP-0010 derive from the phrase. Accounts: add, copy, rename, QR.
// Screenshots: tests/out/app-*.png (desktop and 360 px).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getAddress } from 'ethers';
import { validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { decodeQR } from 'qr/decode.js';
import { assertOnlyOwnOrigin, launch } from './lib/browser.mjs';
import {
  PASSWORD,
  answerQuiz,
  cspViolations,
  expectedAddresses,
  fillNewPassword,
  listedAddresses,
  openApp,
  shots,
  unlock,
} from './lib/app.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/**
 * Rasterises the QR code's SVG modules (read from the DOM) into RGBA pixels and decodes them
 * with the `qr` package's decoder: the code must say `expected`.
 */
async function decodeShownQr(page) {
  const { size, cells } = await page.evaluate(() => {
    const svg = document.querySelector('[data-testid="qr-dialog"] svg.qr');
    const size = Number(svg.dataset.modules);
    const d = svg.querySelector('path').getAttribute('d');
    const cells = [...d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => [Number(m[1]), Number(m[2])]);
    return { size, cells };
  });
  const scale = 6;
  const width = size * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (const [x, y] of cells) {
    for (let dy = 0; dy < scale; dy += 1) {
      for (let dx = 0; dx < scale; dx += 1) {
        const offset = ((y * scale + dy) * width + (x * scale + dx)) * 4;
        data[offset] = 0;
        data[offset + 1] = 0;
        data[offset + 2] = 0;
      }
    }
  }
  return decodeQR({ width, height: width, data });
}

test('create: weak password refused, phrase once, word check, lock, wrong password, unlock: same addresses', { timeout: 180_000 }, async () => {
  const { page, problems } = await openApp(browser, '/?kdf=floor');
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  assert.equal(await page.getByTestId('state').textContent(), 'No wallet');
  assert.equal(await page.getByTestId('dev-note').isVisible(), true);
  assert.equal(page.workers().length, 1);
  assert.match(page.workers()[0].url(), /\/vendor\/custodian-web\/dist\/worker\.js$/);
  await shots(page, 'welcome');

  await page.getByRole('button', { name: /Create a new wallet/ }).click();
  // A common password: the meter rates it and the form refuses it before the core sees it.
  await fillNewPassword(page, 'create-password', 'password123');
  assert.equal(await page.getByTestId('strength-meter').getAttribute('data-score'), '0');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForFunction(() => /too weak/.test(document.querySelector('[data-testid="form-error"]').textContent));
  assert.equal(await page.locator('[data-step="create"]').count(), 1, 'still on the form');
  await shots(page, 'create-weak-password');
  // Fair (2/4) is still refused; strong enough but a different confirmation too.
  await fillNewPassword(page, 'create-password', 'qwerty2024!');
  assert.equal(await page.getByTestId('strength-meter').getAttribute('data-score'), '2');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForFunction(() => /too weak/.test(document.querySelector('[data-testid="form-error"]').textContent));
  await fillNewPassword(page, 'create-password', PASSWORD, `${PASSWORD}!`);
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="form-error"]').textContent === 'The two passwords differ.');
  assert.equal(await page.getByTestId('state').textContent(), 'No wallet', 'nothing was created');

  await fillNewPassword(page, 'create-password', PASSWORD);
  assert.equal(await page.getByTestId('strength-meter').getAttribute('data-score'), '4');
  await shots(page, 'create');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForSelector('[data-step="phrase"]', { timeout: 60_000 });
  const words = await page.locator('[data-testid="mnemonic"] li').allTextContents();
  const mnemonic = words.join(' ');
  assert.equal(words.length, 12);
  assert.equal(validateMnemonic(mnemonic, wordlist), true, 'a valid BIP-39 English phrase');
  // No navigation until the phrase is checked.
  assert.equal(await page.locator('#nav').isVisible(), false);
  assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true);
  await shots(page, 'phrase');
  await page.getByTestId('phrase-written').check();
  await page.getByRole('button', { name: 'Continue' }).click();

  // A wrong word is refused, and says which.
  const asked = await answerQuiz(page, words, 1);
  assert.equal(asked, 3);
  const positions = await page.getByTestId('quiz-word').evaluateAll((inputs) => inputs.map((i) => Number(i.dataset.position)));
  assert.equal(new Set(positions).size, 3, 'three different words');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForFunction(
    (position) => document.querySelector('[data-testid="form-error"]').textContent.startsWith(`Word #${position} does not match`),
    positions[1],
  );
  assert.equal(await page.getByTestId('quiz-word').nth(1).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('[data-step="quiz"]').count(), 1);
  await shots(page, 'quiz-wrong-word');
  await answerQuiz(page, words);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForSelector('body[data-view="accounts"]');
  assert.equal((await page.content()).includes(mnemonic), false, 'the phrase is gone from the page');
  assert.equal(await page.getByTestId('message').textContent(), 'Your wallet is ready.');

  const expected = expectedAddresses(mnemonic, 2);
  const created = await listedAddresses(page);
  assert.deepEqual(created, { ethereum: [expected.ethereum[0]], solana: [expected.solana[0]] });
  assert.equal(getAddress(created.ethereum[0].toLowerCase()), created.ethereum[0], 'EIP-55 checksum shown');

  // Add one account per chain: the next index of each.
  await page.getByTestId('add-ethereum').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="ethereum-address"]').length === 2);
  await page.getByTestId('add-solana').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="solana-address"]').length === 2);
  const four = await listedAddresses(page);
  assert.deepEqual(four, expected);

  // Copy: the clipboard holds the address, and the button says so.
  const firstAccount = page.getByTestId('account').first();
  await firstAccount.getByRole('button', { name: /Copy the address/ }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="account"] button[data-copied]')?.textContent === 'Copied ✓');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.ethereum[0]);
  assert.equal(await page.getByTestId('message').textContent(), 'Address copied to the clipboard.');

  // Rename with the keyboard: Enter saves, Escape cancels.
  await firstAccount.getByRole('button', { name: /^Rename/ }).click();
  await page.getByTestId('rename-input').fill('Savings');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="account-label"]').textContent === 'Savings');
  await page.getByTestId('account').first().getByRole('button', { name: /^Rename/ }).click();
  await page.getByTestId('rename-input').fill('Not saved');
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('rename-input').count(), 0);
  assert.equal(await page.getByTestId('account-label').first().textContent(), 'Savings');
  await shots(page, 'accounts');

  // QR code of the Solana address: decoded, it is the address.
  await page.getByTestId('account').nth(2).getByRole('button', { name: /QR code/ }).click();
  await page.waitForSelector('[data-testid="qr-dialog"][open]');
  const decoded = await decodeShownQr(page);
  assert.equal(decoded, expected.solana[0]);
  await shots(page, 'qr');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="qr-dialog"]', { state: 'detached' });

  // Lock, reload (a new Worker from IndexedDB), wrong password, then the right one.
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await page.waitForSelector('body[data-view="unlock"]');
  assert.equal(await page.getByTestId('state').textContent(), 'Locked');
  await page.reload();
  await page.waitForSelector('body[data-view="unlock"]', { timeout: 60_000 });
  await page.getByTestId('unlock-password').fill('not the password');
  // Progress is shown while Argon2id runs (watched from before the click: at the floor cost it
  // can be over before a poll would see it).
  const sawProgress = page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = () => document.querySelector('[data-testid="busy"] progress') !== null;
        const observer = new MutationObserver(() => {
          if (seen()) {
            observer.disconnect();
            resolve(true);
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
        setTimeout(() => resolve(false), 60_000);
      }),
  );
  await page.getByRole('button', { name: 'Unlock' }).click();
  assert.equal(await sawProgress, true, 'a progress bar appeared');
  await page.waitForFunction(() => document.querySelector('[data-testid="form-error"]').textContent === 'Wrong password. Check it and try again.', null, {
    timeout: 60_000,
  });
  assert.equal(await page.getByTestId('unlock-password').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByTestId('form-error').getAttribute('role'), 'alert');
  await shots(page, 'unlock-wrong-password');
  await unlock(page);
  assert.deepEqual(await listedAddresses(page), expected, 'the same addresses after unlocking');
  assert.equal(await page.getByTestId('account-label').first().textContent(), 'Savings', 'the label was stored');

  // Locked behind the page's back (another part of the app, or the idle deadline): the
  // accountsChanged [] event brings the unlock view up.
  await page.evaluate(() => window.custodianDev.request({ method: 'wallet_lock', params: {} }));
  await page.waitForSelector('body[data-view="unlock"]');
  await unlock(page);

  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  assertOnlyOwnOrigin(browser);
});

test('keyboard only: the welcome screen and the create form are reachable and labelled', { timeout: 60_000 }, async () => {
  const fresh = await launch();
  try {
    const { page, problems } = await openApp(fresh, '/?kdf=floor');
    await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
    // A new view puts the focus on its heading; Tab goes on to the first choice, Enter opens it.
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Welcome to Custodian');
    await page.keyboard.press('Tab');
    assert.match(await page.evaluate(() => document.activeElement.textContent), /Create a new wallet/);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-step="create"]');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'create-password');
    // Every form control has a label.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, meter')]
        .filter((control) => control.labels === null || control.labels.length === 0)
        .map((control) => control.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
  } finally {
    await fresh.close();
  }
});
