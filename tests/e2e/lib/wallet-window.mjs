// The wallet window (the wallet app opened by a dapp as index.html?mode=popup), driven by the
// embedded-wallet tests. Every selector these tests use on it is in WINDOWS below, so a change
// of the app's markup is a change here only.
//
// Until the wallet app has its popup mode (it imports www/site-host.js), the tests use a
// stand-in page with the same calls (tests/e2e/pages/embed-popup.html); afterwards the app.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const appJs = readFileSync(fileURLToPath(new URL('../../../www/app.js', import.meta.url)), 'utf8');

/** Whether the wallet app serves dapps itself (else the stand-in page is used). */
export const APP_HAS_POPUP_MODE = /site-host\.js/.test(appJs);

const WINDOWS = {
  // The wallet app (www/index.html?mode=popup). Assumed: a password field labelled "Password"
  // and an "Unlock" button; the approval screen's "Approve" and "Reject" buttons (with a
  // confirmation checkbox labelled "I understand" for high-severity warnings, if shown);
  // "Connected sites" in the settings with a "Revoke" button per site, in a list item that names
  // the origin.
  app: {
    popupPath: undefined, // the connector's default, /index.html?mode=popup
    loaded: (page) => page.waitForLoadState('domcontentloaded'),
    password: (page) => page.getByLabel(/password/i).first(),
    unlockButton: (page) => page.getByRole('button', { name: /^unlock/i }),
    unlocked: (page) => page.getByRole('button', { name: /^unlock/i }).waitFor({ state: 'hidden' }),
    approveButton: (page) => page.getByRole('button', { name: /^approve/i }).first(),
    riskConfirmation: (page) => page.getByLabel(/i understand/i),
    rejectButton: (page) => page.getByRole('button', { name: /^reject/i }).first(),
    openSites: async (page) => {
      await page.getByRole('button', { name: /settings/i }).first().click();
      await page.getByText(/connected sites/i).first().waitFor();
    },
    revokeButton: (page, origin) => page.getByRole('listitem').filter({ hasText: origin }).getByRole('button', { name: /revoke/i }),
  },
  // The stand-in (tests/e2e/pages/embed-popup.html).
  stand_in: {
    popupPath: '/test/embed-popup.html?mode=popup',
    loaded: (page) => page.waitForSelector('body[data-state="ready"], body[data-state="unlocked"]'),
    password: (page) => page.locator('#unlock-password'),
    unlockButton: (page) => page.locator('#unlock-form button'),
    unlocked: (page) => page.waitForSelector('body[data-state="unlocked"]'),
    approveButton: (page) => page.locator('#requests li button', { hasText: 'Approve' }).first(),
    riskConfirmation: () => null,
    rejectButton: (page) => page.locator('#requests li button', { hasText: 'Reject' }).first(),
    openSites: async () => undefined,
    revokeButton: (page, origin) => page.locator('#sites li', { hasText: origin }).getByRole('button', { name: 'Revoke' }),
  },
};

const ui = APP_HAS_POPUP_MODE ? WINDOWS.app : WINDOWS.stand_in;

/** The wallet window path to give the demo (`?popup=`), or undefined for the app's default. */
export const POPUP_PATH = ui.popupPath;

/** Drives one wallet window page. */
export function walletWindow(page) {
  return {
    page,
    async loaded() {
      await ui.loaded(page);
    },
    async unlock(password) {
      await ui.loaded(page);
      await ui.password(page).fill(password);
      await ui.unlockButton(page).click();
      await ui.unlocked(page);
    },
    /** Waits for a request to decide, then decides it. */
    async decide(decision) {
      const button = decision === 'approve' ? ui.approveButton(page) : ui.rejectButton(page);
      await button.waitFor({ timeout: 30_000 });
      const confirm = ui.riskConfirmation(page);
      if (decision === 'approve' && confirm !== null && (await confirm.count()) > 0 && (await confirm.isVisible())) await confirm.check();
      await button.click();
    },
    async waitForRequest() {
      await ui.approveButton(page).waitFor({ timeout: 30_000 });
    },
    async revoke(origin) {
      await ui.openSites(page);
      await ui.revokeButton(page, origin).click();
    },
  };
}
