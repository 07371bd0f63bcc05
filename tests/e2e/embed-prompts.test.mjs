// The wallet window under a dapp that keeps asking (docs/threat-model.md, Review, session 2):
// a request held while the user types the password must not clear what they typed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_NODE, PASSWORD, createVault, launchEmbed, watch } from './lib/embed.mjs';
import { walletWindow } from './lib/wallet-window.mjs';

let env;
let dapp;

before(async () => {
  env = await launchEmbed();
  await createVault(env);
  dapp = await env.context.newPage();
  watch(dapp, [NO_NODE]);
  await dapp.goto(env.demoUrl());
  await dapp.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
});

after(async () => {
  await env?.close();
});

test('a request held while the window is locked leaves the half-typed password alone', { timeout: 120_000 }, async () => {
  const [popup] = await Promise.all([dapp.waitForEvent('popup'), dapp.click('[data-testid="eth-connect"]')]);
  const wallet = walletWindow(popup);
  await wallet.loaded();
  const password = popup.locator('[data-testid="unlock-password"]');
  await password.waitFor();
  // The connect request is held by now (the window answers the frame once it is up).
  await popup.waitForFunction(() => location.hash === '#/requests', null, { timeout: 30_000 });
  await password.fill(PASSWORD.slice(0, 8));

  // The dapp asks again (its provider from EIP-6963), and again.
  await dapp.evaluate(
    () =>
      new Promise((resolve) => {
        window.addEventListener('eip6963:announceProvider', (event) => {
          const provider = event.detail.provider;
          for (let i = 0; i < 3; i++) provider.request({ method: 'eth_requestAccounts' }).catch(() => undefined);
          resolve();
        }, { once: true });
        window.dispatchEvent(new Event('eip6963:requestProvider'));
      }),
  );
  await popup.waitForTimeout(2000);
  assert.equal(await password.inputValue(), PASSWORD.slice(0, 8), 'the typed password is still there');

  // The user finishes typing and unlocks: the held requests are there to decide.
  await password.fill(PASSWORD);
  await popup.getByRole('button', { name: 'Unlock', exact: true }).click();
  await popup.locator('[data-testid="request-item"], [data-testid="approval"]').first().waitFor({ timeout: 60_000 });
  assert.ok((await popup.locator('[data-testid="request-item"]').count()) >= 2);
});
