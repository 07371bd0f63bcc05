// First visit against returning visits: the wallet's start-up in a fresh browser context, then
// again in new tabs of the same context (same HTTP cache, same compiled-code cache), served the
// way scripts/serve.sh serves the wallet (scripts/static-server.mjs over scripts/build-site.mjs's
// pinned output, so the Worker asks for the .wasm under its versioned URL). Two servers: one that
// lets browsers keep the versioned .wasm (`immutable`, the default) and one that makes them
// revalidate it (`no-cache` + ETag, as for every other script), to tell what each is worth.
//
// Chromium writes a module's compiled code to its cache in the background some time after the
// module was compiled and its hot functions optimised, so visits are spaced by `pauseMs`.

import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildSite } from '../../scripts/build-site.mjs';
import { startServer } from '../../scripts/static-server.mjs';
import { median } from './measure.mjs';

export async function runReturning(root, { executablePath, args, reps, visits = 3, pauseMs = 3000, sealed, password, request, log = () => {} }) {
  const { wallet } = buildSite({ out: join(root, 'bench/out/site') });
  const servers = {
    immutable: await startServer({ site: 'wallet', root: wallet, mounts: { '/bench/': join(root, 'bench') } }),
    revalidated: await startServer({ site: 'wallet', root: wallet, mounts: { '/bench/': join(root, 'bench') }, keepVersionedWasm: false }),
  };
  const browser = await chromium.launch({ executablePath, headless: true, args });
  const runs = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
  try {
    for (let i = 0; i < reps; i++) {
      for (const [name, server] of Object.entries(servers)) {
        const context = await browser.newContext();
        try {
          const marks = [];
          for (let v = 0; v < visits; v++) {
            const page = await context.newPage();
            page.on('pageerror', (error) => log(`page error: ${error.message}`));
            await page.goto(`${server.url}bench/browser/returning.html`);
            await page.waitForFunction(() => typeof window.visit === 'function');
            marks.push(await page.evaluate((o) => window.visit(o), { sealed: v === 0 ? [...sealed] : null, password, request }));
            await page.close();
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
          }
          runs[name].push(marks);
        } finally {
          await context.close();
        }
      }
      log(`first and returning visits ${i + 1}/${reps}`);
    }
  } finally {
    await browser.close();
    for (const server of Object.values(servers)) await server.close();
  }
  const out = { reps, visits, pauseMs };
  for (const [name, list] of Object.entries(runs)) {
    out[name] = Array.from({ length: visits }, (_, v) => {
      const m = (fn) => median(list.map((marks) => fn(marks[v])));
      return {
        ready: m((t) => t.ready - t.start),
        unlock: m((t) => t.unlocked - t.ready),
        firstSignature: m((t) => t.firstSignature - t.unlocked),
        totalWithoutKdf: m((t) => t.firstSignature - t.start - (t.unlocked - t.ready)),
      };
    });
  }
  return out;
}
