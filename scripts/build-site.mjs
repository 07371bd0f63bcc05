// Lays out what the servers serve, and pins it with Subresource Integrity:
//
//   target/site/wallet/  a copy of www/ (after scripts/build-wasm.sh put the package in www/vendor/)
//   target/site/demo/    demo/ plus its libraries, copied from node_modules and web/dist:
//                        vendor/ethers.js (ethers' ESM build), vendor/solana-web3.js (the
//                        @solana/web3.js browser bundle), vendor/custodian-web/ (the connector)
//
// then runs scripts/sri.mjs (with --preload) over both copies, so every <script>, every module
// a page imports, every module a page loads on first use (the password meter's) and the .wasm
// its Worker fetches carry the SHA-384 of the final file. The sources in git never hold a
// hash; a file changed after this step is refused by the browser.
//
//   node scripts/build-site.mjs [--out target/site]

import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addModulePreloads, expandModuleGraphs, run } from './sri.mjs';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

function need(path, hint) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${hint}`);
  return path;
}

function pin(root) {
  expandModuleGraphs(root);
  addModulePreloads(root);
  run(root);
  const problems = [...expandModuleGraphs(root, { check: true }), ...run(root, { check: true })];
  if (problems.length > 0) throw new Error(`integrity values are stale under ${root}:\n  ${problems.join('\n  ')}`);
}

/** Builds both sites (the wallet from `www`, default the repository's www/); returns their directories. */
export function buildSite({ out = join(repoRoot, 'target', 'site'), www = join(repoRoot, 'www') } = {}) {
  const wallet = join(out, 'wallet');
  const demo = join(out, 'demo');
  need(join(www, 'vendor', 'custodian-web', 'dist', 'index.js'), 'run scripts/build-wasm.sh first');

  rmSync(wallet, { recursive: true, force: true });
  cpSync(www, wallet, { recursive: true });

  rmSync(demo, { recursive: true, force: true });
  cpSync(join(repoRoot, 'demo'), demo, { recursive: true, filter: (source) => !source.startsWith(join(repoRoot, 'demo', 'vendor')) });
  const vendor = join(demo, 'vendor');
  mkdirSync(join(vendor, 'custodian-web'), { recursive: true });
  const modules = join(repoRoot, 'node_modules');
  cpSync(need(join(modules, 'ethers', 'dist', 'ethers.min.js'), 'run npm ci'), join(vendor, 'ethers.js'));
  cpSync(need(join(modules, '@solana', 'web3.js', 'lib', 'index.iife.min.js'), 'run npm ci'), join(vendor, 'solana-web3.js'));
  const dist = join(repoRoot, 'web', 'dist');
  for (const name of readdirSync(need(dist, 'run npm --prefix web run build'))) {
    // The connector's module graph; the Worker, its host and the store stay with the wallet.
    if (name.endsWith('.js') && !['worker.js', 'worker-host.js', 'store.js', 'wasm-source.js', 'index.js'].includes(name)) {
      cpSync(join(dist, name), join(vendor, 'custodian-web', name));
    }
  }

  pin(wallet);
  pin(demo);
  return { wallet, demo };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  try {
    const { wallet, demo } = buildSite(at >= 0 ? { out: resolve(args[at + 1]) } : {});
    console.log(`build-site: ${wallet} and ${demo}, integrity values written and checked`);
  } catch (error) {
    console.error(`build-site: ${error.message}`);
    process.exit(1);
  }
}

