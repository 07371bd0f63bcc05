// The password meter's modules (zxcvbn-ts and its dependencies) on the site as served
// (scripts/build-site.mjs, then scripts/static-server.mjs with the wallet's strict CSP header):
// the page does not fetch them at start, it fetches each once, with its build-time SHA-384, when
// the create screen first needs the meter; and when one of them changed after the build,
// Chromium refuses it, the meter is never imported, and the screen says so in plain words
// (no wallet is created with an unrated password, nothing hangs).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { buildSite } from '../../scripts/build-site.mjs';
import { startServer } from '../../scripts/static-server.mjs';
import { WWW } from './lib/wallet-window.mjs';
import { PASSWORD } from './lib/app.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const sha384 = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

let out;
let built;
let server;
let profile;
let context;
/** @type {string[]} every request of every page and Worker */
const requests = [];

before(async () => {
  out = mkdtempSync(join(tmpdir(), 'custodian-site-'));
  built = buildSite({ out, www: WWW });
  server = await startServer({ site: 'wallet', root: built.wallet });
  profile = mkdtempSync(join(tmpdir(), 'custodian-chromium-'));
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  context.on('request', (request) => requests.push(request.url()));
});

after(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [profile, out]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The meter's module graph as the build pinned it in lib/password-strength.js: site path → integrity. */
function meterPins() {
  const file = join(built.wallet, 'lib', 'password-strength.js');
  const pins = new Map();
  for (const [, path, integrity] of readFileSync(file, 'utf8').matchAll(/^ {2}'([^']+)': '(sha384-[A-Za-z0-9+/=]+)' \/\* sri: \1 \*\/,$/gm)) {
    pins.set(`/${resolve(dirname(file), path).slice(built.wallet.length + 1)}`, integrity);
  }
  return pins;
}

const isMeterModule = (url) => /^\/vendor\/(zxcvbn-ts|fastest-levenshtein)\//.test(new URL(url).pathname);

/** Opens the app, waits for the welcome screen and the end of the page's own loading; returns the page and its problems. */
async function openWelcome() {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.goto(server.url);
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  return { page, errors };
}

test('the page loads the meter on first use only, each module once and pinned', { timeout: 120_000 }, async () => {
  const pins = meterPins();
  // zxcvbn-ts core + common + English dictionaries, fastest-levenshtein, the decompressor.
  assert.equal(pins.size, 64, [...pins.keys()].join('\n'));
  for (const [path, integrity] of pins) assert.equal(integrity, sha384(readFileSync(join(built.wallet, path))), path);
  const html = readFileSync(join(built.wallet, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /zxcvbn|fastest-levenshtein/, 'no preload of the meter in the page');

  const asked = requests.length;
  const { page, errors } = await openWelcome();
  const atStart = requests.slice(asked);
  assert.deepEqual(atStart.filter(isMeterModule), [], 'the page fetched none of the meter at start');
  // The page's own graph still arrives preloaded and pinned.
  assert.ok(atStart.some((url) => url.endsWith('/lib/password-strength.js')));
  assert.ok(atStart.some((url) => url.endsWith('/lib/pinned-modules.js')));

  await page.getByRole('button', { name: /Create a new wallet/ }).click();
  await page.getByTestId('create-password').fill(PASSWORD);
  await page.waitForFunction(() => document.querySelector('[data-testid="strength-meter"]')?.dataset.score === '4', null, { timeout: 30_000 });
  const meterAsks = requests.slice(asked).filter(isMeterModule).map((url) => new URL(url).pathname);
  assert.deepEqual([...meterAsks].sort(), [...pins.keys()].sort(), 'each module of the graph fetched once');
  // Each was asked for through a modulepreload link carrying the build's integrity.
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('link[rel="modulepreload"]')]
      .filter((link) => /zxcvbn|fastest-levenshtein/.test(link.href))
      .map((link) => [new URL(link.href).pathname, link.integrity]),
  );
  assert.deepEqual(new Map(links), pins);
  assert.deepEqual(errors, []);
  assert.deepEqual(server.reports, [], 'no CSP violation');
  await page.close();
});

test('a meter module changed after the build is refused: the screen says so and sets no password', { timeout: 120_000 }, async () => {
  // A module deep in the graph (not one the import() names), so only its pin catches it.
  const tampered = 'vendor/zxcvbn-ts/core/matcher/repeat/matching.mjs';
  assert.ok(meterPins().has(`/${tampered}`));
  appendFileSync(join(built.wallet, tampered), '\nglobalThis.tamperedMeterRan = true;\n');
  try {
    const asked = requests.length;
    const { page, errors } = await openWelcome();
    await page.getByRole('button', { name: /Create a new wallet/ }).click();
    await page.getByTestId('create-password').fill(PASSWORD);
    await page.getByTestId('create-password-confirm').fill(PASSWORD);
    await page.waitForSelector('[data-testid="strength"]:text("The strength checker did not load")', { timeout: 30_000 });
    assert.match(await page.locator('.strength-feedback').textContent(), /could not load: one of its files did not arrive, or does not match/);
    assert.equal(await page.getByTestId('strength-meter').getAttribute('data-score'), null, 'nothing rated');

    await page.getByRole('button', { name: 'Create wallet' }).click();
    const error = page.getByTestId('form-error');
    await error.filter({ hasText: /strength checker could not load/ }).waitFor({ timeout: 10_000 });
    assert.match(await error.textContent(), /Reload the page\. If it keeps happening, do not set a password here/);
    assert.equal(await page.getByTestId('create-password').evaluate((el) => el === document.activeElement), true);
    // Still the create screen: no wallet was made, and the changed module never ran.
    assert.equal(await page.locator('[data-step="phrase"]').count(), 0);
    assert.equal(await page.evaluate(() => globalThis.tamperedMeterRan ?? false), false);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'empty');
    assert.ok(requests.slice(asked).some((url) => url.endsWith(tampered)), 'the changed file was fetched');
    assert.ok(errors.some((e) => /integrity/i.test(e) && e.includes('matcher/repeat/matching.mjs')), errors.join('\n'));
    assert.deepEqual(server.reports, [], 'no CSP violation');
    await page.close();
  } finally {
    // Put the file back as built, for any later test in this file.
    const text = readFileSync(join(built.wallet, tampered), 'utf8');
    writeFileSync(join(built.wallet, tampered), text.replace('\nglobalThis.tamperedMeterRan = true;\n', ''));
  }
});
