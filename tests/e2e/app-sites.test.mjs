// Sites in the wallet app (SITES_DESIGN.md): a site's connect request, made here through the
// page's client with an origin (what the embedded wallet's host does with `event.origin`), is
// held by the core; the Requests view shows it with the origin and the accounts to share; the
// user shares one account; Settings lists the site and disconnects it; the site is then
// refused; a held signing request is rejected from the Requests view. A site that keeps asking
// after rejections is offered for blocking on the approval screen, blocked from there, then
// refused without a prompt until Settings unblocks it.
//
// Needs a core with the site methods (`wallet_listSites` ...). On a core without them the test
// is skipped, and says so.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertOnlyOwnOrigin, launch, utf8Hex } from './lib/browser.mjs';
import { cspViolations, createWallet, listedAddresses, openApp, shots } from './lib/app.mjs';

const SITE = 'http://localhost:8081';
const PEST = 'http://localhost:8082';

let browser;
let page;
let problems;
let hasSites = false;

before(async () => {
  browser = await launch();
  ({ page, problems } = await openApp(browser, '/?kdf=floor'));
  await createWallet(page);
  hasSites = await page.evaluate(() =>
    window.custodianDev.request({ method: 'wallet_listSites', params: {} }).then(
      () => true,
      (error) => error.code !== -32601,
    ),
  );
});

after(async () => {
  await browser?.close();
});

/** Sends a request as the site; resolves with {result} or {error: {code, data}}. */
function asSite(method, params, origin = SITE) {
  return page.evaluate(
    ([m, p, origin]) =>
      window.custodianDev.request({ method: m, params: p }, { origin }).then(
        (result) => ({ result }),
        (error) => ({ error: { code: error.code, data: error.data } }),
      ),
    [method, params, origin],
  );
}

test('connect, share one account, disconnect in Settings; a rejected signing request', { timeout: 180_000 }, async (t) => {
  if (!hasSites) {
    t.skip('this core has no site methods yet (wallet_listSites is -32601); they come with the sites work');
    return;
  }
  const { ethereum } = await listedAddresses(page);

  const held = await asSite('eth_requestAccounts', []);
  assert.equal(held.error?.code, 4100);
  assert.equal(held.error.data.kind, 'ConsentRequired');
  assert.equal(held.error.data.consentKind, 'connect');

  await page.getByRole('link', { name: /Requests/ }).click();
  await page.waitForSelector('[data-testid="approval"][data-consent-kind="connect"]');
  assert.equal(await page.getByTestId('request-count').textContent(), '1');
  assert.equal(await page.getByTestId('approval-origin').locator('.origin-host').textContent(), SITE);
  await shots(page, 'requests-connect');
  // Share the Ethereum account only.
  await page.getByTestId('share-account').nth(1).uncheck();
  await page.getByTestId('approve').click();
  await page.waitForSelector('[data-testid="no-requests"]');

  assert.deepEqual((await asSite('eth_accounts', [])).result, [ethereum[0]]);

  // A signing request from the site: held, shown, rejected.
  const sign = await asSite('personal_sign', [utf8Hex('sign me'), ethereum[0]]);
  assert.equal(sign.error?.data?.consentKind, 'sign');
  await page.getByRole('link', { name: /Requests/ }).click();
  await page.waitForSelector('[data-testid="approval"][data-consent-kind="sign"]');
  await page.getByTestId('reject').click();
  await page.waitForSelector('[data-testid="no-requests"]');
  assert.deepEqual(await page.evaluate(() => window.custodianDev.request({ method: 'wallet_listRequests', params: {} })), []);

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForSelector(`[data-testid="site"][data-origin="${SITE}"]`);
  assert.deepEqual(await page.locator('[data-testid="site"] code').allTextContents(), [ethereum[0]]);
  await shots(page, 'settings-sites');
  await page.getByRole('button', { name: `Disconnect ${SITE}` }).click();
  await page.waitForSelector('[data-testid="no-sites"]');
  assert.deepEqual(await page.evaluate(() => window.custodianDev.request({ method: 'wallet_listSites', params: {} })), []);
  assert.deepEqual((await asSite('eth_accounts', [])).result, []);
  assert.equal((await asSite('personal_sign', [utf8Hex('again'), ethereum[0]])).error?.code, 4100);

  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  assertOnlyOwnOrigin(browser);
});

test('a click meant for one approval does not approve the request that opens in its place', { timeout: 120_000 }, async (t) => {
  if (!hasSites) {
    t.skip('this core has no site methods yet');
    return;
  }
  const owner = (method, params) => page.evaluate(([m, p]) => window.custodianDev.request({ method: m, params: p }), [method, params]);
  const connect = await asSite('eth_requestAccounts', []);
  await owner('wallet_approveRequest', { requestId: connect.error.data.requestId });
  const ethereum = (await asSite('eth_accounts', [])).result;

  // Two requests that look alike: once the first is approved, the second is the only one left
  // and opens by itself, its Approve where the first one's was.
  const first = (await asSite('personal_sign', [utf8Hex('message 1'), ethereum[0]])).error.data.requestId;
  const second = (await asSite('personal_sign', [utf8Hex('message 2'), ethereum[0]])).error.data.requestId;
  await page.getByRole('link', { name: /Requests/ }).click();
  await page.locator(`[data-testid="request-item"][data-request-id="${first}"] button`).click();
  const firstApprove = page.locator(`[data-testid="approval"][data-request-id="${first}"] [data-testid="approve"]`);
  await firstApprove.waitFor();
  await page.waitForFunction((id) => !document.querySelector(`[data-request-id="${id}"] [data-testid="approve"]`)?.disabled, first);
  const box = await firstApprove.boundingBox();
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.click(x, y);
  // The user clicks again (a double click, or an impatient second click) as the next one opens.
  const secondApprove = page.locator(`[data-testid="approval"][data-request-id="${second}"] [data-testid="approve"]`);
  await secondApprove.waitFor();
  const again = await secondApprove.boundingBox();
  assert.ok(Math.abs(again.x - box.x) < 2 && Math.abs(again.y - box.y) < 2, 'the second Approve opens where the first one was');
  await page.mouse.click(x, y);

  await page.waitForTimeout(1500);
  const held = await owner('wallet_listRequests', {});
  assert.deepEqual(
    held.map((r) => r.requestId),
    [second],
    'the second request is still waiting for a click meant for it',
  );
  await owner('wallet_rejectRequest', { requestId: second });
  await owner('wallet_revokeSite', { origin: SITE });
  assert.deepEqual(problems, []);
});

test('a site that keeps asking after rejections is blocked from the approval screen', { timeout: 180_000 }, async (t) => {
  if (!hasSites) {
    t.skip('this core has no site methods yet');
    return;
  }
  // Another origin than the tests above, whose rejections would count towards the offer.
  const asPest = (method, params) => asSite(method, params, PEST);
  const owner = (method, params) => page.evaluate(([m, p]) => window.custodianDev.request({ method: m, params: p }), [method, params]);
  const connect = await asPest('eth_requestAccounts', []);
  await owner('wallet_approveRequest', { requestId: connect.error.data.requestId });
  const ethereum = (await asPest('eth_accounts', [])).result;
  const ask = async (i) => {
    const held = await asPest('personal_sign', [utf8Hex(`again ${i}`), ethereum[0]]);
    assert.equal(held.error?.data?.kind, 'ConsentRequired');
    return held.error.data.requestId;
  };

  // Three rejections in a row, from the Requests view.
  await page.getByRole('link', { name: 'Settings' }).click();
  for (let i = 0; i < 3; i++) {
    const id = await ask(i);
    await page.getByRole('link', { name: /Requests/ }).click();
    const approval = page.locator(`[data-testid="approval"][data-request-id="${id}"]`);
    await approval.waitFor();
    assert.equal(await approval.getByTestId('block-offer').count(), 0, 'no offer before the third rejection');
    await approval.getByTestId('reject').click();
    await page.waitForSelector('[data-testid="no-requests"]');
  }
  // The fourth prompt: the group shows the cap, the screen offers the block.
  const blockedId = await ask(3);
  const other = await ask(4);
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('link', { name: /Requests/ }).click();
  const group = page.locator(`[data-testid="origin-group"][data-origin="${PEST}"]`);
  await group.waitFor();
  assert.equal(await group.getByTestId('origin-count').textContent(), '2 of 8 waiting');
  await group.locator(`[data-testid="request-item"][data-request-id="${blockedId}"] button`).click();
  const offer = page.locator(`[data-testid="approval"][data-request-id="${blockedId}"] [data-testid="block-offer"]`);
  await offer.waitFor();
  await shots(page, 'requests-block-offer');
  await offer.getByRole('button', { name: `Block ${PEST}` }).click();
  await page.waitForSelector('[data-testid="no-requests"]');

  // Refused at once, nothing held; both waiting requests were answered (rejected) first.
  const refused = await asPest('personal_sign', [utf8Hex('once more'), ethereum[0]]);
  assert.deepEqual([refused.error?.code, refused.error?.data?.kind], [4001, 'SiteBlocked']);
  assert.deepEqual((await asPest('eth_requestAccounts', [])).error?.data?.kind, 'SiteBlocked');
  assert.deepEqual(await owner('wallet_listRequests', {}), []);
  const stale = await page.evaluate((id) => window.custodianDev.request({ method: 'wallet_approveRequest', params: { requestId: id } }).catch((e) => e.data.kind), other);
  assert.equal(stale, 'RequestUnknown');

  // Settings lists the block and lifts it.
  await page.getByRole('link', { name: 'Settings' }).click();
  const site = page.locator(`[data-testid="site"][data-origin="${PEST}"]`);
  await site.getByTestId('site-blocked').waitFor();
  await shots(page, 'settings-site-blocked');
  await page.getByRole('button', { name: `Unblock ${PEST}` }).click();
  await page.getByRole('button', { name: `Block ${PEST}` }).waitFor();
  assert.deepEqual((await asPest('eth_accounts', [])).result, [ethereum[0]], 'the grant outlived the block');
  await owner('wallet_revokeSite', { origin: PEST });
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
});
