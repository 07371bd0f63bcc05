// The wallet page (www/) as served: the real module runs in the package's Worker; without the
// development setting a new vault gets the default Argon2id cost; the page's libraries
// (zxcvbn-ts, qr) come from its own origin; the server sends the CSP and the WASM MIME type and
// nothing outside its root. The user flows are in app-*.test.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertOnlyOwnOrigin, launch } from './lib/browser.mjs';
import { cspViolations, createWallet, openApp } from './lib/app.mjs';

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The sealed vault records in IndexedDB, read from the page: [{generation, header fields}]. */
async function storedVaults(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('custodian');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('vaults').objectStore('vaults').getAll();
          read.onerror = () => reject(read.error);
          read.onsuccess = () => {
            open.result.close();
            resolve(
              read.result.map(({ generation, bytes }) => {
                const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
                const salt = bytes[23];
                return {
                  generation,
                  magic: new TextDecoder().decode(bytes.subarray(0, 8)),
                  memoryKib: view.getUint32(11),
                  iterations: view.getUint32(15),
                  parallelism: view.getUint32(19),
                  headerGeneration: Number(view.getBigUint64(48 + salt)),
                };
              }),
            );
          };
        };
      }),
  );
}

test('without the dev setting a wallet gets the default cost (Argon2id 64 MiB, t=3), in the Worker', { timeout: 180_000 }, async () => {
  const { page, problems } = await openApp(browser, '/');
  await page.waitForSelector('body[data-view="onboarding"]', { timeout: 60_000 });
  assert.equal(await page.getByTestId('dev-note').isVisible(), false);
  assert.equal(await page.evaluate(() => 'custodianDev' in window), false, 'no development hook');
  assert.equal(page.workers().length, 1);
  assert.match(page.workers()[0].url(), /\/vendor\/custodian-web\/dist\/worker\.js$/);
  await createWallet(page);
  const vaults = await storedVaults(page);
  assert.equal(vaults.length, 1);
  const { magic, memoryKib, iterations, parallelism, generation, headerGeneration } = vaults[0];
  assert.deepEqual({ magic, memoryKib, iterations, parallelism }, { magic: 'CSTDNVLT', memoryKib: 65536, iterations: 3, parallelism: 1 });
  assert.equal(headerGeneration, generation);
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  assertOnlyOwnOrigin(browser);
});

test('the page has no inline script or style and no meta CSP of its own', () => {
  const html = readFileSync(new URL('../../www/index.html', import.meta.url), 'utf8');
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
  assert.doesNotMatch(html, /<style|\sstyle=/, 'no <style> and no style attribute');
  assert.doesNotMatch(html, /http-equiv="Content-Security-Policy"/i, 'the server sends the CSP');
});

test('the server sends the CSP and the MIME types, serves the vendored libraries and nothing outside its root', async () => {
  const page = await fetch(browser.url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const worker = await fetch(new URL('vendor/custodian-web/dist/worker.js', browser.url));
  assert.equal(worker.status, 200);
  assert.match(worker.headers.get('content-security-policy'), /worker-src 'self'/);
  const wasm = await fetch(new URL('vendor/custodian-web/pkg/custodian_wasm_bg.wasm', browser.url));
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  for (const path of ['vendor/zxcvbn-ts/core/index.mjs', 'vendor/zxcvbn-ts/language-en/index.mjs', 'vendor/qr/index.js', 'vendor/fastest-levenshtein/mod.js']) {
    const response = await fetch(new URL(path, browser.url));
    assert.equal(response.status, 200, path);
    assert.match(response.headers.get('content-type'), /^text\/javascript/, path);
    assert.doesNotMatch(await response.text(), /from '[^./]/, `${path}: no bare import left`);
  }
  assert.equal((await fetch(new URL('../Cargo.toml', browser.url))).status, 404);
  assert.equal((await fetch(new URL('%2e%2e/Cargo.toml', browser.url))).status, 404);
  assert.equal((await fetch(new URL('test/%2e%2e/%2e%2e/Cargo.toml', browser.url))).status, 404);
});
