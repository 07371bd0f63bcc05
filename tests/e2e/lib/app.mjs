// What the wallet app's browser tests (app-*.test.mjs) share: opening the app under the
// standalone wallet's strict Content-Security-Policy with a `securitypolicyviolation` recorder,
// screenshots at desktop and phone width, the create-wallet flow, and independent derivations
// of the addresses a phrase must give (ethers for Ethereum; @scure/bip39 + SLIP-0010 over
// @noble/hashes + @solana/web3.js for Solana).

import assert from 'node:assert/strict';
import { HDNodeWallet } from 'ethers';
import { Keypair } from '@solana/web3.js';
import { mnemonicToSeedSync } from '@scure/bip39';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { openPage, screenshot } from './browser.mjs';

/** The password the tests give new wallets: zxcvbn rates it 4/4. */
export const PASSWORD = 'velvet-orbit-canyon-42';

/**
 * The standalone wallet's policy (the embed work sets it as an HTTP header). Tests add it as a
 * `<meta http-equiv>` on top of whatever the server sends, so a page that violates it fails
 * even before the header is tightened. `frame-ancestors` is left out: a meta CSP may not carry
 * it (the browser would warn), and the header has it.
 */
export const WALLET_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "form-action 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Opens `path` of the wallet: the HTML gets the meta CSP, and every page records CSP
 * violations in `window.__cspViolations` (read with `cspViolations`).
 * @param {Awaited<ReturnType<import('./browser.mjs').launch>>} browser
 * @param {string} path
 * @param {{viewport?: {width: number, height: number}}} [options]
 */
export async function openApp(browser, path, { viewport } = {}) {
  const origin = new URL(browser.url).origin;
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return openPage(browser, path, {
    beforeLoad: async (page) => {
      if (viewport) await page.setViewportSize(viewport);
      await page.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', (event) => {
          window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
        });
      });
      await page.route(
        (url) => url.origin === origin && (url.pathname === '/' || url.pathname.endsWith('.html')),
        async (route) => {
          const response = await route.fetch();
          const html = await response.text();
          assert.ok(html.includes('<meta charset="utf-8">'), 'the page starts with a charset meta');
          const body = html.replace(
            '<meta charset="utf-8">',
            `<meta charset="utf-8">\n  <meta http-equiv="Content-Security-Policy" content="${WALLET_CSP}">`,
          );
          await route.fulfill({ response, body });
        },
      );
    },
  });
}

/** @param {import('playwright-core').Page} page */
export async function cspViolations(page) {
  return page.evaluate(() => window.__cspViolations);
}

/**
 * Saves `app-NAME.png` at the current size and `app-NAME-360.png` at phone width (360 px).
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function shots(page, name) {
  const size = page.viewportSize();
  await screenshot(page, `app-${name}`);
  await page.setViewportSize({ width: 360, height: 740 });
  // Nothing may stick out sideways at phone width.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${name}: the page is ${overflow}px wider than a 360px screen`);
  await screenshot(page, `app-${name}-360`);
  if (size) await page.setViewportSize(size);
}

/** SLIP-0010 Ed25519 derivation along hardened indexes (Phantom's m/44'/501'/i'/0'). */
function slip10Ed25519(seed, path) {
  let digest = hmac(sha512, new TextEncoder().encode('ed25519 seed'), seed);
  for (const index of path) {
    const data = new Uint8Array(37);
    data.set(digest.subarray(0, 32), 1);
    new DataView(data.buffer).setUint32(33, (index | 0x80000000) >>> 0);
    digest = hmac(sha512, digest.subarray(32), data);
  }
  return digest.subarray(0, 32);
}

/** The first `count` Ethereum and Solana addresses of a BIP-39 phrase, derived here. */
export function expectedAddresses(mnemonic, count, passphrase = '') {
  const seed = mnemonicToSeedSync(mnemonic, passphrase);
  const ethereum = [];
  const solana = [];
  for (let i = 0; i < count; i += 1) {
    ethereum.push(HDNodeWallet.fromPhrase(mnemonic, passphrase, `m/44'/60'/0'/0/${i}`).address);
    solana.push(Keypair.fromSeed(slip10Ed25519(seed, [44, 501, i, 0])).publicKey.toBase58());
  }
  return { ethereum, solana };
}

/**
 * The addresses the accounts view lists, per chain, in order.
 * @param {import('playwright-core').Page} page
 */
export async function listedAddresses(page) {
  await page.waitForSelector('body[data-view="accounts"]');
  return {
    ethereum: await page.getByTestId('ethereum-address').allTextContents(),
    solana: await page.getByTestId('solana-address').allTextContents(),
  };
}

/**
 * Fills the new-password fields of the form with test id prefix `testid` and waits until the
 * meter has rated the password.
 */
export async function fillNewPassword(page, testid, password, confirm = password) {
  await page.getByTestId(testid).fill(password);
  await page.getByTestId(`${testid}-confirm`).fill(confirm);
  await page.waitForFunction(() => document.querySelector('[data-testid="strength-meter"]')?.dataset.score !== undefined, null, {
    timeout: 30_000,
  });
}

/**
 * From the welcome screen to the accounts view: password, phrase, word check. Returns the phrase.
 * @param {import('playwright-core').Page} page
 */
export async function createWallet(page, password = PASSWORD) {
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  await page.getByRole('button', { name: /Create a new wallet/ }).click();
  await fillNewPassword(page, 'create-password', password);
  await page.getByRole('button', { name: 'Create wallet' }).click();
  await page.waitForSelector('[data-step="phrase"]', { timeout: 60_000 });
  const words = await page.locator('[data-testid="mnemonic"] li').allTextContents();
  await page.getByTestId('phrase-written').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await answerQuiz(page, words);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForSelector('body[data-view="accounts"]');
  return words.join(' ');
}

/** Types the asked words of `words` into the word check. */
export async function answerQuiz(page, words, wrongAt = -1) {
  await page.waitForSelector('[data-step="quiz"]');
  const inputs = page.getByTestId('quiz-word');
  const count = await inputs.count();
  for (let i = 0; i < count; i += 1) {
    const position = Number(await inputs.nth(i).getAttribute('data-position'));
    const word = words[position - 1];
    await inputs.nth(i).fill(i === wrongAt ? `${word}x` : word);
  }
  return count;
}

/**
 * Unlocks from the unlock view; resolves once another view (the route's) shows.
 * @param {import('playwright-core').Page} page
 */
export async function unlock(page, password = PASSWORD) {
  await page.waitForSelector('body[data-view="unlock"]');
  await page.getByTestId('unlock-password').fill(password);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await page.waitForSelector('body[data-state="unlocked"]:not([data-view="unlock"])', { timeout: 60_000 });
}
