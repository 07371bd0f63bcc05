// The wallet window (the wallet app opened by a dapp as index.html?mode=popup), driven by the
// embedded-wallet tests. Every selector these tests use on it is in WINDOWS below, so a change
// of the app's markup is a change here only.

import { fileURLToPath } from 'node:url';

/**
 * The wallet pages under test: the repository's www/, or EMBED_TEST_WWW (another checkout's
 * built www/, to try these tests against a wallet app before it is merged).
 */
export const WWW = process.env.EMBED_TEST_WWW ?? fileURLToPath(new URL('../../../www/', import.meta.url));

const WINDOWS = {
  // The wallet app (www/index.html?mode=popup), as the app branch builds it: the unlock field
  // data-testid="unlock-password" and an "Unlock" button; the approval card
  // data-testid="approval" with data-testid="approve" (labelled "Connect" or "Approve") and
  // data-testid="reject", and the checkbox data-testid="understand-danger" that a high-severity
  // warning requires; the "Settings" link of the navigation, and in its "Connected sites" card a
  // button labelled "Disconnect <origin>".
  app: {
    popupPath: undefined, // the connector's default, /index.html?mode=popup
    loaded: (page) => page.waitForLoadState('domcontentloaded'),
    password: (page) => page.locator('[data-testid="unlock-password"]'),
    unlockButton: (page) => page.getByRole('button', { name: 'Unlock', exact: true }),
    unlocked: (page) => page.locator('[data-testid="unlock-password"]').waitFor({ state: 'hidden', timeout: 60_000 }),
    approveButton: (page) => page.locator('[data-testid="approval"] [data-testid="approve"]').first(),
    riskConfirmation: (page) => page.locator('[data-testid="approval"] [data-testid="understand-danger"]').first(),
    rejectButton: (page) => page.locator('[data-testid="approval"] [data-testid="reject"]').first(),
    openSites: async (page) => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByText('Connected sites').first().waitFor();
    },
    revokeButton: (page, origin) => page.getByRole('button', { name: `Disconnect ${origin}` }),
  },
};

const ui = WINDOWS.app;

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
      // Decided: the button goes (so the next decide() waits for the next request).
      await button.waitFor({ state: 'detached', timeout: 30_000 });
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
