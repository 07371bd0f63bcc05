// The approval screen (www/approval.js) and the signing tool that uses it.
//
// On a test page (tests/e2e/pages/approval.html) with made-up held requests: every
// attacker-controlled string (origin, method, preview text, warnings) is shown as text, never
// parsed as HTML; a `danger` warning keeps Approve disabled until "I understand" is ticked;
// a connect request shares the ticked accounts only; Escape rejects; a failed decision says why.
//
// In the wallet: the signing tool previews a personal_sign with the core's preview and signs
// only on Approve (ethers verifies the signature); Reject signs nothing; an EIP-7702 delegation
// (a `danger` preview) needs the extra confirmation.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyMessage } from 'ethers';
import { assertOnlyOwnOrigin, launch } from './lib/browser.mjs';
import { cspViolations, createWallet, openApp, shots } from './lib/app.mjs';

const HOSTILE = '<img src=x onerror="window.pwned=1">';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A held signing request as wallet_listRequests would return it, full of hostile text. */
function hostileSignRequest() {
  return {
    requestId: 'req-1',
    origin: 'http://evil.example:8080',
    consentKind: 'sign',
    request: { method: 'eth_signTransaction', params: [{ to: HOSTILE, data: '0x095ea7b3' }] },
    preview: {
      chain: { id: 'eip155:1', name: `Ethereum ${HOSTILE}`, testnet: false },
      kind: 'transaction',
      from: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      summary: `Allow ${HOSTILE} to spend unlimited USDC.`,
      fields: [{ label: `To ${HOSTILE}`, value: HOSTILE, format: 'address' }],
      actions: [{ kind: 'tokenApproval', summary: `Approve ${HOSTILE}`, contract: HOSTILE, fields: [] }],
      warnings: [
        { severity: 'danger', code: 'spender_is_eoa', message: `The spender ${HOSTILE} is not a contract.` },
        { severity: 'warning', code: 'unlimited_approval', message: 'Unlimited allowance.' },
      ],
    },
    createdAt: Date.now(),
    expiresAt: Date.now() + 600_000,
  };
}

test('approval screen: hostile text stays text, danger needs "I understand", decisions are sent', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp(browser, '/test/approval.html');
  await page.waitForSelector('body[data-state="ready"]');
  await page.evaluate((held) => window.approvalHarness.show(held), hostileSignRequest());
  await page.waitForSelector('[data-testid="approval"]');

  // The origin, prominently, with the http warning; no element was made from the hostile strings.
  assert.equal(await page.getByTestId('approval-origin').locator('.origin-host').textContent(), 'http://evil.example:8080');
  assert.match(await page.getByTestId('approval-origin').textContent(), /not use an encrypted connection/);
  assert.equal(await page.locator('[data-testid="approval"] img').count(), 0);
  assert.equal(await page.getByTestId('preview-summary').textContent(), `Allow ${HOSTILE} to spend unlimited USDC.`);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  const severities = await page.locator('.warning-item').evaluateAll((items) => items.map((i) => i.dataset.severity));
  assert.deepEqual(severities, ['danger', 'warning']);

  // Danger: Approve only after the explicit confirmation.
  assert.equal(await page.getByTestId('approve').isDisabled(), true);
  await page.getByTestId('understand-danger').check();
  // Enabled only once the screen has been up for APPROVE_DELAY_MS (tests/e2e/app-sites.test.mjs).
  await page.waitForFunction(() => !document.querySelector('[data-testid="approve"]').disabled);
  assert.equal(await page.getByTestId('approve').isDisabled(), false);
  await shots(page, 'approval-danger');
  await page.getByTestId('understand-danger').uncheck();
  assert.equal(await page.getByTestId('approve').isDisabled(), true);
  await page.getByTestId('understand-danger').check();

  // A decision that fails (the wallet locked meanwhile) is explained, and the screen stays.
  await page.evaluate(() => window.approvalHarness.failWith({ code: 4100, message: 'locked', data: { kind: 'Locked' } }));
  await page.getByTestId('approve').click();
  await page.waitForFunction(() => /locked/.test(document.querySelector('[data-testid="approval-error"]').textContent));
  await page.getByTestId('approve').click();
  await page.waitForSelector('[data-testid="approval"][data-decided="approve"]');
  assert.deepEqual(await page.evaluate(() => window.approvalHarness.decisions), [
    { requestId: 'req-1', decision: 'approve', options: {} },
    { requestId: 'req-1', decision: 'approve', options: {} },
  ]);

  // Escape rejects (the safe answer).
  await page.evaluate((held) => window.approvalHarness.show({ ...held, requestId: 'req-2' }), hostileSignRequest());
  await page.getByTestId('reject').focus();
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid="approval"][data-decided="reject"]');
  assert.deepEqual((await page.evaluate(() => window.approvalHarness.decisions)).at(-1), { requestId: 'req-2', decision: 'reject', options: {} });

  // No preview: the screen says so and shows the raw request.
  await page.evaluate(() =>
    window.approvalHarness.show({ requestId: 'req-3', origin: 'https://app.example', consentKind: 'sign', request: { method: 'solana_signIn', params: {} }, preview: null }),
  );
  assert.match(await page.locator('.callout.warning').textContent(), /cannot show what this request does/);
  assert.equal(JSON.parse(await page.getByTestId('raw-request').textContent()).method, 'solana_signIn');

  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('connect request: the origin and the accounts to share, all ticked by default', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp(browser, '/test/approval.html');
  await page.waitForSelector('body[data-state="ready"]');
  const accounts = [
    { chain: 'ethereum', address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', label: 'Ethereum 1' },
    { chain: 'solana', address: 'GjfWYDhz5Pqjz9wTnNnEQr6AKNJYjzva4HV8XgJ9wAWH', label: `Solana ${HOSTILE}` },
  ];
  const held = { requestId: 'c-1', origin: 'https://dapp.example', consentKind: 'connect', request: { method: 'eth_requestAccounts', params: [] }, preview: null };
  await page.evaluate(([h, a]) => window.approvalHarness.show(h, a), [held, accounts]);
  assert.equal(await page.getByRole('heading', { name: 'Connection request' }).count(), 1);
  assert.deepEqual(await page.getByTestId('share-account').evaluateAll((boxes) => boxes.map((b) => b.checked)), [true, true]);
  assert.equal(await page.locator('[data-testid="approval"] img').count(), 0);
  await shots(page, 'approval-connect');
  await page.getByTestId('share-account').nth(1).uncheck();
  await page.getByTestId('share-account').nth(0).uncheck();
  assert.equal(await page.getByTestId('approve').isDisabled(), true, 'sharing nothing is not a connection');
  await page.getByTestId('share-account').nth(0).check();
  await page.getByTestId('approve').click();
  await page.waitForSelector('[data-testid="approval"][data-decided="approve"]');
  assert.deepEqual(await page.evaluate(() => window.approvalHarness.decisions), [
    { requestId: 'c-1', decision: 'approve', options: { accounts: [accounts[0].address] } },
  ]);
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
});

test('signing tool: preview first, sign only on Approve; Reject signs nothing; a delegation needs the extra confirmation', { timeout: 180_000 }, async () => {
  const fresh = await launch();
  try {
    const { page, problems } = await openApp(fresh, '/?kdf=floor');
    await createWallet(page);
    const address = (await page.getByTestId('ethereum-address').allTextContents())[0];
    await page.getByRole('link', { name: 'Sign' }).click();
    await page.waitForSelector('body[data-view="sign"]');

    const message = 'Hello from the signing tool';
    await page.getByTestId('sign-input').fill(message);
    await page.getByRole('button', { name: 'Review' }).click();
    await page.waitForSelector('[data-testid="approval"]', { timeout: 60_000 });
    assert.equal(await page.getByTestId('approval-origin').locator('.origin-host').textContent(), 'This wallet (you)');
    assert.match(await page.getByTestId('preview').textContent(), new RegExp(message));
    await shots(page, 'sign-review');
    await page.getByTestId('reject').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="message"]').textContent === 'Not signed.');
    assert.equal(await page.getByTestId('signed').count(), 0);

    await page.getByRole('button', { name: 'Review' }).click();
    await page.waitForSelector('[data-testid="approval"]', { timeout: 60_000 });
    await page.getByTestId('approve').click();
    await page.waitForSelector('[data-testid="signed"]', { timeout: 60_000 });
    const signature = await page.getByTestId('sign-result').textContent();
    assert.equal(verifyMessage(message, signature), address);
    await shots(page, 'sign-signed');

    // EIP-7702 delegation: the preview's danger warning gates Approve.
    await page.getByTestId('sign-kind').selectOption('wallet_signAuthorization');
    await page.getByTestId('sign-input').fill(JSON.stringify({ chainId: '0x1', address: '0x63c0c19a282a1B52b07dD5a65b58948A07DAE32B', nonce: '0x0' }));
    await page.getByRole('button', { name: 'Review' }).click();
    await page.waitForSelector('[data-testid="approval"]', { timeout: 60_000 });
    assert.equal(await page.locator('.warning-item[data-severity="danger"]').count() > 0, true);
    assert.equal(await page.getByTestId('approve').isDisabled(), true);
    await page.getByTestId('understand-danger').check();
    await page.getByTestId('approve').click();
    await page.waitForSelector('[data-testid="signed"]', { timeout: 60_000 });
    const authorization = JSON.parse(await page.getByTestId('sign-result').textContent());
    assert.deepEqual(Object.keys(authorization).sort(), ['address', 'chainId', 'nonce', 'r', 's', 'yParity']);

    assert.deepEqual(problems, []);
    assert.deepEqual(await cspViolations(page), []);
    assertOnlyOwnOrigin(fresh);
  } finally {
    await fresh.close();
  }
});
