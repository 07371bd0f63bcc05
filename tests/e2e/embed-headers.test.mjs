// The pages' hardening as served (scripts/static-server.mjs over scripts/build-site.mjs's output):
// the headers of each page, Subresource Integrity on every module script, its import graph and
// the Worker's .wasm, and Chromium enforcing them: a changed imported module stops the wallet
// frame, a changed .wasm stops the Worker, a dapp origin not on the frame-ancestors list cannot
// embed the frame, and that violation reaches the server's report endpoint (so the empty-report
// checks elsewhere mean something).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { demoCsp, walletCsp } from '../../scripts/static-server.mjs';
import { NO_NODE, launchEmbed, shot, watch } from './lib/embed.mjs';

let env;

before(async () => {
  env = await launchEmbed();
});

after(async () => {
  await env?.close();
});

const get = (url, init) => fetch(url, init);
const sha384 = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

test('wallet pages: strict CSP, COOP isolation except the wallet window, no framing except the embed frame', async () => {
  const common = (headers) => {
    assert.equal(headers.get('x-content-type-options'), 'nosniff');
    assert.equal(headers.get('referrer-policy'), 'no-referrer');
    assert.equal(headers.get('cross-origin-resource-policy'), 'same-origin');
  };
  const standalone = await get(env.wallet.url);
  assert.equal(standalone.status, 200);
  assert.equal(
    standalone.headers.get('content-security-policy'),
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "worker-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'; report-uri /__csp-report",
  );
  assert.equal(standalone.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(standalone.headers.get('x-frame-options'), 'DENY');
  assert.equal(standalone.headers.get('cache-control'), 'no-store');
  common(standalone.headers);

  const popup = await get(`${env.wallet.url}index.html?mode=popup&embed=x`);
  assert.equal(popup.headers.get('content-security-policy'), walletCsp());
  assert.equal(popup.headers.get('cross-origin-opener-policy'), 'unsafe-none', 'keeps window.opener to reach the dapp\'s wallet frame');
  common(popup.headers);

  const embed = await get(`${env.wallet.url}embed.html`);
  assert.equal(embed.headers.get('content-security-policy'), walletCsp(env.demo.origin));
  assert.match(embed.headers.get('content-security-policy'), new RegExp(`frame-ancestors ${env.demo.origin};`));
  assert.equal(embed.headers.get('x-frame-options'), null);
  common(embed.headers);

  const worker = await get(`${env.wallet.url}vendor/custodian-web/dist/worker.js`);
  assert.equal(worker.headers.get('content-security-policy'), walletCsp(), 'the Worker runs under the same policy');
  assert.equal(worker.headers.get('cache-control'), 'no-cache');
  const etag = worker.headers.get('etag');
  assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
  assert.equal((await get(worker.url, { headers: { 'if-none-match': etag } })).status, 304);
  const wasmUrl = `${env.wallet.url}vendor/custodian-web/pkg/custodian_wasm_bg.wasm`;
  const wasm = await get(wasmUrl);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal(wasm.headers.get('cache-control'), 'no-cache');
  // Under its versioned URL (the start of its SHA-384), the .wasm may be kept for good; a `v`
  // naming other bytes gets the revalidated answer.
  const version = createHash('sha384').update(Buffer.from(await wasm.arrayBuffer())).digest('base64url').slice(0, 16);
  assert.equal((await get(`${wasmUrl}?v=${version}`)).headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal((await get(`${wasmUrl}?v=${version.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`)).headers.get('cache-control'), 'no-cache');
  assert.equal((await get(`${env.wallet.url}vendor/custodian-web/dist/worker.js?v=${version}`)).headers.get('cache-control'), 'no-cache');
});

test('demo pages: its own CSP (frames only the wallet, talks only to itself and the node) and a COOP that keeps its popups', async () => {
  const demo = await get(env.demo.url);
  assert.equal(demo.headers.get('content-security-policy'), demoCsp(env.wallet.origin, [new URL(env.rpc).origin]));
  assert.match(demo.headers.get('content-security-policy'), new RegExp(`frame-src ${env.wallet.origin};`));
  assert.equal(demo.headers.get('cross-origin-opener-policy'), 'same-origin-allow-popups');
  assert.equal(demo.headers.get('x-content-type-options'), 'nosniff');
});

test('the report endpoint takes CSP reports only, within a size limit', async () => {
  const { startServer } = await import('../../scripts/static-server.mjs');
  const server = await startServer({ site: 'wallet', root: env.built.wallet });
  try {
    const report = { 'csp-report': { 'document-uri': 'x', 'violated-directive': 'script-src' } };
    const post = (body, type) => get(`${server.url}__csp-report`, { method: 'POST', headers: { 'content-type': type }, body });
    assert.equal((await post(JSON.stringify(report), 'application/csp-report')).status, 204);
    assert.equal((await post('x', 'text/plain')).status, 415);
    assert.equal((await post('{', 'application/csp-report')).status, 400);
    assert.equal((await post(JSON.stringify({ big: 'x'.repeat(70_000) }), 'application/csp-report').catch(() => ({ status: 'reset' }))).status !== 204, true);
    assert.deepEqual(server.reports, [report]);
  } finally {
    await server.close();
  }
});

function htmlFiles(dir) {
  return readdirSync(dir, { recursive: true }).map((name) => join(dir, name)).filter((path) => path.endsWith('.html') && statSync(path).isFile());
}

test('every served page pins its scripts and every module they import; the Worker pins the .wasm', () => {
  let pinned = 0;
  for (const root of [env.built.wallet, env.built.demo]) {
    for (const page of htmlFiles(root)) {
      const html = readFileSync(page, 'utf8');
      for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
        const src = tag.match(/\s(?:src|href)="([^"]+)"/)?.[1];
        const isScript = tag.startsWith('<script');
        if (!isScript && !/rel="(modulepreload|stylesheet)"/.test(tag)) continue;
        assert.ok(src, `${relative(root, page)}: ${tag}`);
        const integrity = tag.match(/\sintegrity="([^"]+)"/)?.[1];
        assert.equal(integrity, sha384(readFileSync(resolve(dirname(page), src))), `${relative(root, page)}: ${src}`);
        pinned += 1;
      }
      // Each module script's static imports are all preloaded (and so pinned).
      for (const [, src] of html.matchAll(/<script type="module" src="([^"]+)"/g)) {
        const entry = readFileSync(resolve(dirname(page), src), 'utf8');
        for (const [, spec] of entry.matchAll(/from '(\.[^']+)'/g)) {
          const target = relative(dirname(page), resolve(dirname(resolve(dirname(page), src)), spec));
          assert.ok(html.includes(`href="./${target}"`), `${relative(root, page)}: ${target} preloaded`);
        }
      }
    }
  }
  assert.ok(pinned >= 20, `${pinned} pinned tags`);
  const worker = readFileSync(join(env.built.wallet, 'vendor/custodian-web/dist/worker.js'), 'utf8');
  const wasm = readFileSync(join(env.built.wallet, 'vendor/custodian-web/pkg/custodian_wasm_bg.wasm'));
  assert.ok(worker.includes(`'${sha384(wasm)}' /* sri: ../pkg/custodian_wasm_bg.wasm */`));
  // The one-file Worker: the glue and the host are inside it, not imported.
  assert.match(worker, /^\/\/ Generated by scripts\/bundle-worker\.mjs/);
  assert.doesNotMatch(worker, /^\s*import\b/m);
  // The page's own copy of the pin, for a module compiled in the page (createCustodian's compileInPage).
  const wasmSource = readFileSync(join(env.built.wallet, 'vendor/custodian-web/dist/wasm-source.js'), 'utf8');
  assert.ok(wasmSource.includes(`'${sha384(wasm)}' /* sri: ../pkg/custodian_wasm_bg.wasm */`));
});

test('a dapp origin that is not on the list cannot embed the wallet frame, and the violation is reported', { timeout: 60_000 }, async () => {
  const page = await env.context.newPage();
  const problems = watch(page, [NO_NODE]);
  // The same demo, served to the browser under another origin (127.0.0.1 instead of localhost).
  await page.goto(env.demoUrl({ origin: `http://127.0.0.1:${env.demo.port}` }));
  await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
  assert.equal(await page.textContent('[data-testid="status"]'), 'Wallet unreachable');
  const deadline = Date.now() + 5000;
  while (env.wallet.reports.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const [report] = env.wallet.reports.splice(0);
  assert.equal(report?.['csp-report']?.['violated-directive'], 'frame-ancestors');
  assert.ok(problems.some((p) => /frame-ancestors/.test(p)), problems.join('\n'));
  await shot(page, 'embed-frame-ancestors-refused');
  await page.close();
});

test('Chromium refuses a module of the wallet frame changed after the build: the dapp gets 4900 EmbedUnavailable', { timeout: 60_000 }, async () => {
  const tampered = join(env.built.wallet, 'vendor/custodian-web/dist/embed-protocol.js');
  appendFileSync(tampered, '\n// changed after the build\n');
  const page = await env.context.newPage();
  const problems = watch(page, [NO_NODE]);
  await page.goto(env.demoUrl());
  await page.waitForSelector('body[data-state="error"]', { timeout: 30_000 });
  assert.ok(problems.some((p) => /integrity/i.test(p)), problems.join('\n'));
  await page.close();
});

test('the Worker refuses a .wasm changed after the build: the wallet does not start, whether the Worker or the page compiles it', { timeout: 60_000 }, async () => {
  const start = async () => {
    const page = await env.context.newPage();
    await page.goto(`${env.wallet.url}test/harness.html?db=tampered`);
    await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 30_000 });
    const outcome = await page.evaluate(async () => {
      const { harness } = window;
      const settle = (promise) => promise.then(() => 'started', (error) => error.message);
      const inPage = harness.createCustodian({ dbName: 'tampered-in-page', compileInPage: true });
      const result = {
        worker: await settle(harness.custodian.ready()),
        inPage: await settle(inPage.ready()),
        compile: await harness.compileWasm().then((m) => (m instanceof WebAssembly.Module ? 'compiled' : 'not a module'), (error) => `${error.name}: ${error.message}`),
        pinned: harness.defaultWasmIntegrity(),
      };
      inPage.terminate();
      return result;
    });
    await page.close();
    return outcome;
  };
  const wasmFile = join(env.built.wallet, 'vendor/custodian-web/pkg/custodian_wasm_bg.wasm');
  const asked = env.requests.length;
  const before = await start();
  assert.deepEqual(before, { worker: 'started', inPage: 'started', compile: 'compiled', pinned: sha384(readFileSync(wasmFile)) }, 'the pinned .wasm loads');
  // Asked for under its versioned URL only, by the Worker and by the page alike.
  const version = createHash('sha384').update(readFileSync(wasmFile)).digest('base64url').slice(0, 16);
  const wasmAsks = env.requests.slice(asked).filter((url) => url.includes('custodian_wasm_bg.wasm'));
  assert.ok(wasmAsks.length >= 2, wasmAsks.join(' '));
  for (const url of wasmAsks) assert.equal(new URL(url).search, `?v=${version}`);
  appendFileSync(wasmFile, Buffer.from([0]));
  // The browser keeps the versioned .wasm for good: it starts from its copy of the pinned bytes,
  // without asking the server again (had it fetched the changed file, the check would refuse it).
  assert.deepEqual(await start(), before, 'the cached copy of the pinned bytes still starts');
  // A browser without that copy fetches the changed file, and refuses it.
  const cdp = await env.context.newCDPSession(await env.context.newPage());
  await cdp.send('Network.clearBrowserCache');
  const after = await start();
  assert.match(after.worker, /could not start/, 'one byte more and the Worker refuses it');
  assert.match(after.inPage, /could not start/, 'a page-compiled module is refused too (then the Worker refuses the file itself)');
  assert.match(after.compile, /^TypeError: /, 'the page\'s integrity-checked fetch refuses the bytes');
});
