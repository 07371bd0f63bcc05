// Accessibility of the wallet app and the demo dapp, in Debian's Chromium under the wallet's
// strict CSP (lib/a11y.mjs):
// - every screen (welcome, create with the meter, phrase, word check, import's five tabs,
//   accounts and the QR dialog, a held connect, sign and network-switch request, the offer to
//   block a site that keeps asking, the signing tool and its preview, settings with a blocked
//   site, a secret shown and the custody details open, unlock and a wrong
//   password, the demo dapp) has no axe-core WCAG 2.1 A/AA violation at desktop and at
//   360×740, does not scroll sideways at 360 px, and has no interactive target under 24×24 px;
// - the create flow and a site's connect approval work with the keyboard only, the focus lands
//   where one expects after each step and is always visible.
// Screenshots: tests/out/a11y-*.png (desktop and -360).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, utf8Hex } from './lib/browser.mjs';
import { PASSWORD, answerQuiz, cspViolations, fillNewPassword, listedAddresses, openApp, unlock } from './lib/app.mjs';
import { auditScreen, focused } from './lib/a11y.mjs';
import { NO_NODE, launchEmbed, watch } from './lib/embed.mjs';

const SITE = 'http://localhost:8081';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Sends a request as the site; resolves with {result} or {error: {code, data}}. */
function asSite(page, method, params) {
  return page.evaluate(
    ([m, p, origin]) =>
      window.custodianDev.request({ method: m, params: p }, { origin }).then(
        (result) => ({ result }),
        (error) => ({ error: { code: error.code, data: error.data } }),
      ),
    [method, params, SITE],
  );
}

function report(found) {
  assert.deepEqual(found, [], `accessibility problems:\n  ${found.join('\n  ')}`);
}

test('every screen of the wallet: WCAG 2.1 A/AA (axe), no sideways scroll and 24 px targets at 360 px', { timeout: 600_000 }, async () => {
  const found = [];
  const { page, problems } = await openApp(browser, '/?kdf=floor');
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  found.push(...(await auditScreen(page, 'welcome')));

  // Import: each tab.
  await page.getByRole('button', { name: /Import or restore/ }).click();
  await page.waitForSelector('[data-step="import"]');
  for (const value of ['mnemonic', 'privateKey', 'keystore', 'backup', 'shares']) {
    await page.locator(`label[for="import-${value}"]`).click();
    await page.waitForFunction((v) => document.querySelector(`#import-${v}`)?.checked, value);
    found.push(...(await auditScreen(page, `import-${value}`)));
  }
  await page.getByRole('button', { name: 'Back' }).click();

  // Create: the password rated by the meter.
  await page.getByRole('button', { name: /Create a new wallet/ }).click();
  await fillNewPassword(page, 'create-password', 'password123');
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForFunction(() => /too weak/.test(document.querySelector('[data-testid="form-error"]').textContent));
  found.push(...(await auditScreen(page, 'create-weak')));
  await fillNewPassword(page, 'create-password', PASSWORD);
  assert.equal(await page.getByTestId('form-error').textContent(), '', 'editing the form clears the stale error');
  found.push(...(await auditScreen(page, 'create')));
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForSelector('[data-step="phrase"]', { timeout: 60_000 });
  found.push(...(await auditScreen(page, 'phrase')));
  const words = await page.locator('[data-testid="mnemonic"] li').allTextContents();
  await page.getByTestId('phrase-written').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await answerQuiz(page, words, 0);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForFunction(() => /does not match/.test(document.querySelector('[data-testid="form-error"]').textContent));
  found.push(...(await auditScreen(page, 'quiz-wrong-word')));
  await answerQuiz(page, words);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await listedAddresses(page);
  const { ethereum } = await listedAddresses(page);
  found.push(...(await auditScreen(page, 'accounts')));
  await page.getByTestId('account').first().getByRole('button', { name: /QR code/ }).click();
  await page.waitForSelector('[data-testid="qr-dialog"][open]');
  found.push(...(await auditScreen(page, 'accounts-qr')));
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="qr-dialog"]', { state: 'detached' });

  // Requests: a held connect, then a held personal_sign.
  assert.equal((await asSite(page, 'eth_requestAccounts', [])).error?.code, 4100);
  await page.getByRole('link', { name: /Requests/ }).click();
  await page.waitForSelector('[data-testid="approval"][data-consent-kind="connect"]');
  found.push(...(await auditScreen(page, 'requests-connect')));
  await page.getByTestId('approve').click();
  await page.waitForSelector('[data-testid="no-requests"]');
  found.push(...(await auditScreen(page, 'requests-none')));
  assert.equal((await asSite(page, 'personal_sign', [utf8Hex('Log in to example'), ethereum[0]])).error?.data?.consentKind, 'sign');
  await page.getByRole('link', { name: /Requests/ }).click();
  await page.waitForSelector('[data-testid="approval"][data-consent-kind="sign"]');
  found.push(...(await auditScreen(page, 'requests-sign')));
  await page.getByTestId('reject').click();
  await page.waitForSelector('[data-testid="no-requests"]');
  assert.equal((await asSite(page, 'wallet_switchEthereumChain', [{ chainId: '0xaa36a7' }])).error?.data?.consentKind, 'switchChain');
  await page.getByRole('link', { name: /Requests/ }).click();
  await page.waitForSelector('[data-testid="approval"][data-consent-kind="switchChain"]');
  found.push(...(await auditScreen(page, 'requests-switch-chain')));
  await page.getByTestId('reject').click();
  await page.waitForSelector('[data-testid="no-requests"]');
  // A third rejection, then the next request comes with the offer to block the site.
  for (const text of ['Log in again', 'And again']) {
    await asSite(page, 'personal_sign', [utf8Hex(text), ethereum[0]]);
    await page.getByRole('link', { name: /Requests/ }).click();
    await page.waitForSelector('[data-testid="approval"][data-consent-kind="sign"]');
    if (text === 'And again') break;
    await page.getByTestId('reject').click();
    await page.waitForSelector('[data-testid="no-requests"]');
  }
  await page.waitForSelector('[data-testid="block-offer"]');
  found.push(...(await auditScreen(page, 'requests-block-offer')));
  await page.getByTestId('block-site').click();
  await page.waitForSelector('[data-testid="no-requests"]');

  // The signing tool, empty and with a preview.
  await page.getByRole('link', { name: 'Sign' }).click();
  await page.waitForSelector('body[data-view="sign"]');
  found.push(...(await auditScreen(page, 'sign')));
  await page.getByTestId('sign-input').fill('Hello from the a11y test');
  await page.getByRole('button', { name: 'Review' }).click();
  await page.waitForSelector('[data-testid="approval"]');
  found.push(...(await auditScreen(page, 'sign-preview')));

  // Settings: every section, with a shown secret and the custody details open.
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector('body[data-view="settings"]');
  for (const details of await page.locator('details').all()) await details.evaluate((d) => d.setAttribute('open', ''));
  found.push(...(await auditScreen(page, 'settings')));
  const exportForm = page.getByTestId('export-mnemonic-form');
  await exportForm.getByLabel('Wallet password').fill(PASSWORD);
  await exportForm.getByRole('button', { name: 'Show recovery phrase' }).click();
  await page.waitForSelector('[data-testid="secret"]', { timeout: 60_000 });
  found.push(...(await auditScreen(page, 'settings-secret')));

  // Unlock, and a wrong password.
  await page.getByRole('button', { name: 'Lock', exact: true }).click();
  await page.waitForSelector('body[data-view="unlock"]');
  found.push(...(await auditScreen(page, 'unlock')));
  await page.getByTestId('unlock-password').fill('not the password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForFunction(() => /Wrong password/.test(document.querySelector('[data-testid="form-error"]').textContent), null, { timeout: 60_000 });
  found.push(...(await auditScreen(page, 'unlock-wrong-password')));
  await unlock(page);

  report(found);
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), [], 'injecting axe and auditing broke no CSP rule');
});

test('the demo dapp: WCAG 2.1 A/AA (axe), no sideways scroll and 24 px targets at 360 px', { timeout: 180_000 }, async () => {
  const env = await launchEmbed({});
  try {
    const dapp = await env.context.newPage();
    // The absent Ethereum node is expected; anything else in the console is a problem.
    const problems = watch(dapp, [NO_NODE]);
    await dapp.goto(env.demoUrl());
    await dapp.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    report(await auditScreen(dapp, 'demo'));
    assert.deepEqual(problems, []);
  } finally {
    await env.close();
  }
});

/**
 * Presses Tab (or Shift+Tab) until `match(focus)` holds, at most `max` times; every stop on the
 * way must show its focus.
 */
async function tabTo(page, match, { back = false, max = 40 } = {}) {
  const stops = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    stops.push(`${now.tag}[${now.testid ?? ''}] ${now.label ?? now.text.slice(0, 30)}`);
    assert.equal(now.visible, true, `the focus is visible on ${stops.at(-1)}`);
    if (match(now)) return stops.length;
  }
  assert.fail(`not reached with ${back ? 'Shift+' : ''}Tab; stops: ${stops.join(' | ')}`);
}

test('keyboard only: create a wallet, the QR dialog, approve a connect request; focus lands where expected and shows', { timeout: 240_000 }, async () => {
  const fresh = await launch();
  try {
    const { page, problems } = await openApp(fresh, '/?kdf=floor');
    await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
    const heading = () => page.evaluate(() => (document.activeElement?.matches('h1, h2') ? document.activeElement.textContent : null));
    // A new view focuses its heading (so it is announced); the first Tab reaches its first control.
    assert.equal(await heading(), 'Welcome to Custodian');
    assert.equal(await tabTo(page, (f) => /Create a new wallet/.test(f.text), { max: 1 }), 1);
    await page.keyboard.press('Enter');

    await page.waitForSelector('[data-step="create"]');
    assert.equal(await heading(), 'Create a wallet');
    assert.equal(await tabTo(page, (f) => f.testid === 'create-password', { max: 1 }), 1);
    await page.keyboard.type(PASSWORD);
    await tabTo(page, (f) => f.testid === 'create-password-confirm', { max: 1 });
    await page.keyboard.type(PASSWORD);
    await page.waitForFunction(() => document.querySelector('[data-testid="strength-meter"]')?.dataset.score === '4', null, { timeout: 30_000 }).catch(() => assert.fail('the meter rated the typed password 4/4'));
    // Shift+Tab goes back to the password field, Tab forward again to the button.
    await tabTo(page, (f) => f.testid === 'create-password', { back: true, max: 1 });
    await tabTo(page, (f) => f.tag === 'button' && f.text === 'Create wallet', { max: 6 });
    await page.keyboard.press('Enter');

    await page.waitForSelector('[data-step="phrase"]', { timeout: 60_000 });
    assert.equal(await heading(), 'Write down your recovery phrase');
    const words = await page.locator('[data-testid="mnemonic"] li').allTextContents();
    await tabTo(page, (f) => f.testid === 'phrase-written', { max: 6 });
    await page.keyboard.press('Space');
    assert.equal(await page.getByTestId('phrase-written').isChecked(), true);
    await tabTo(page, (f) => f.text === 'Continue', { max: 3 });
    await page.keyboard.press('Enter');

    await page.waitForSelector('[data-step="quiz"]');
    assert.equal(await heading(), 'Check your copy');
    const positions = await page.getByTestId('quiz-word').evaluateAll((inputs) => inputs.map((i) => Number(i.dataset.position)));
    for (const [i, position] of positions.entries()) {
      await tabTo(page, (f) => f.testid === 'quiz-word', { max: 1 });
      assert.equal(await page.evaluate(() => Number(document.activeElement.dataset.position)), positions[i]);
      await page.keyboard.type(words[position - 1]);
    }
    await page.keyboard.press('Enter'); // submits the form

    await page.waitForSelector('body[data-view="accounts"]', { timeout: 60_000 });
    assert.equal(await heading(), 'Accounts');
    const { ethereum } = await listedAddresses(page);
    // The QR dialog: its first control gets the focus; Escape closes it and the focus returns.
    await tabTo(page, (f) => /QR code/.test(`${f.label} ${f.text}`));
    const opener = await focused(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="qr-dialog"][open]');
    const inDialog = await focused(page);
    assert.equal(inDialog.inDialog, true, 'the focus moved into the dialog');
    assert.equal(
      await page.evaluate(() => document.activeElement === document.querySelector('dialog[open]').querySelector('button, a[href], input, select, textarea')),
      true,
      "the dialog's first control has the focus",
    );
    assert.equal(inDialog.visible, true);
    // Tab never reaches the page behind the modal (the browser may take the focus to its own
    // toolbar after the dialog's last control, as native modal dialogs do).
    await page.keyboard.press('Tab');
    const next = await focused(page);
    assert.ok(next.tag === 'body' || next.inDialog, `Tab stays out of the page behind the dialog (${next.tag} ${next.text})`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="qr-dialog"]', { state: 'detached' });
    const back = await focused(page);
    assert.deepEqual([back.tag, back.label, back.text], [opener.tag, opener.label, opener.text], 'the focus is back on the QR button');

    // A site asks to connect: reach Requests by keyboard and approve.
    assert.equal((await asSite(page, 'eth_requestAccounts', [])).error?.code, 4100);
    await tabTo(page, (f) => f.tag === 'a' && f.text.startsWith('Requests'), { back: true, max: 40 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="approval"][data-consent-kind="connect"]');
    // The only request opens straight away; the focus is on the view's heading, before it.
    assert.equal(await heading(), 'Requests');
    // Approve is disabled for a moment after a request appears (www/approval.js
    // APPROVE_DELAY_MS), so a click meant for another screen cannot land on it; a keyboard
    // user waits the same moment.
    await page.waitForSelector('[data-testid="approval"] [data-testid="approve"]:not([disabled])');
    await tabTo(page, (f) => f.testid === 'approve', { max: 12 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="no-requests"]');
    // The Approve button is gone with the request: the focus goes to the view's heading, not
    // back to the start of the page.
    assert.equal(await heading(), 'Requests');
    assert.ok((await asSite(page, 'eth_accounts', [])).result.includes(ethereum[0]), 'the site got the account');

    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
  } finally {
    await fresh.close();
  }
});
