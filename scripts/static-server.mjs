// A small static file server for the wallet (www/, built to target/site/wallet/) and the demo
// dapp (demo/, built to target/site/demo/), with the headers each page must be served with
// (docs/embedded.md, "Headers").
//
// Used by scripts/serve.sh (fixed ports) and by the browser tests (free ports), so both see the
// same headers. It exists instead of `python3 -m http.server` to send per-page security headers,
// including to the Worker script, and to collect CSP violation reports.
//
//   node scripts/static-server.mjs [--host 127.0.0.1] [--port 8080] [--root www]
//       [--demo-port 8081 --demo-host localhost --demo-root target/site/demo]
//       [--embed-ancestors "http://localhost:8081 https://dapp.example"]
//
// With --demo-port, one process serves both origins; Ctrl-C stops both.

import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Where browsers POST CSP violation reports (`report-uri`), on each server's own origin. */
export const REPORT_PATH = '/__csp-report';
/** The dapp origins allowed to embed the wallet frame when none are configured. */
export const DEFAULT_EMBED_ANCESTORS = Object.freeze(['http://localhost:8081']);
/** Where the demo finds the wallet, and the local Ethereum node it may talk to, by default. */
export const DEFAULT_WALLET_ORIGIN = 'http://127.0.0.1:8080';
export const DEFAULT_RPC_ORIGINS = Object.freeze(['http://127.0.0.1:8545']);

const MAX_REPORT_BYTES = 64 * 1024;
const MAX_REPORTS = 1000;

/**
 * The wallet's Content-Security-Policy. 'wasm-unsafe-eval' lets WebAssembly compile without
 * allowing JS eval; nothing is loaded from another origin, and no inline script or style runs.
 * `frameAncestors` is 'none' except for the embed frame. `report-uri` rather than `report-to`:
 * Chromium sends report-uri reports at once, while Reporting API reports are batched for up to
 * a minute, and with both present it ignores report-uri.
 */
export function walletCsp(frameAncestors = "'none'") {
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
    `report-uri ${REPORT_PATH}`,
  ].join('; ');
}

/** The demo dapp's policy: its own scripts, the wallet's frame, and the local node. */
export function demoCsp(walletOrigin = DEFAULT_WALLET_ORIGIN, rpcOrigins = DEFAULT_RPC_ORIGINS) {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${rpcOrigins.join(' ')}`.trim(),
    `frame-src ${walletOrigin}`,
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    `report-uri ${REPORT_PATH}`,
  ].join('; ');
}

/** The CSP kept for the wallet's default export (older callers). */
export const CONTENT_SECURITY_POLICY = walletCsp();

function checkOrigin(origin) {
  const parsed = new URL(origin);
  if (parsed.origin !== origin) throw new Error(`${origin} is not a serialized origin (scheme://host[:port])`);
  return origin;
}

const isDocument = (path) => path.endsWith('.html');

/**
 * The headers of one response. `path` is the file served (null for an error), `urlPath` and
 * `search` the request's.
 */
export function headersFor(config, path, urlPath, search) {
  const headers = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // No other origin may load these files as subresources (scripts, the .wasm).
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const document = path === null || isDocument(path);
  if (config.site === 'demo') {
    headers['Content-Security-Policy'] = demoCsp(config.walletOrigin, config.rpcOrigins);
    // It opens the wallet window and must keep a reference to it (to see it close).
    headers['Cross-Origin-Opener-Policy'] = 'same-origin-allow-popups';
    headers['Cache-Control'] = 'no-cache';
    return headers;
  }
  const embed = path !== null && path.endsWith(`${sep}embed.html`);
  headers['Content-Security-Policy'] = walletCsp(embed ? config.embedAncestors.join(' ') || "'none'" : "'none'");
  if (!embed) headers['X-Frame-Options'] = 'DENY';
  if (document) {
    // The wallet window opened by a dapp (index.html?mode=popup) must keep window.opener, to
    // reach the wallet frame in the dapp's page: any other COOP value would put it in a new
    // browsing context group with no opener. Every other page is isolated from its opener.
    const popup = new URLSearchParams(search).get('mode') === 'popup';
    headers['Cross-Origin-Opener-Policy'] = popup ? 'unsafe-none' : 'same-origin';
    // Pages are not stored: no copy on disk, and no back/forward-cache of an unlocked wallet.
    headers['Cache-Control'] = 'no-store';
  } else {
    // Scripts and the .wasm are revalidated (ETag) every time: their names carry no hash, and a
    // stale copy would fail the page's integrity check. (A .wasm asked for under its versioned
    // URL is the exception: see `versionedWasmHeaders`.)
    headers['Cache-Control'] = 'no-cache';
  }
  return headers;
}

/** A year: what "for good" means to caches. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The caching of a `.wasm` asked for as `NAME.wasm?v=DIGEST`, where DIGEST starts the file's
 * SHA-384 in base64url (what @custodian/web's `versionedWasmUrl` sends in a pinned build): that
 * URL names these exact bytes, so browsers may keep the file for good, and Chromium then reuses
 * the machine code it compiled for it on earlier visits. A `v` that does not match the file (a
 * page older or newer than the file) gets the ordinary revalidated answer.
 */
export function versionedWasmHeaders(path, search, body) {
  if (!path.endsWith('.wasm')) return {};
  const version = new URLSearchParams(search).get('v');
  if (!version || version.length < 16) return {};
  const digest = createHash('sha384').update(body).digest('base64url');
  return digest.startsWith(version) ? { 'Cache-Control': IMMUTABLE } : {};
}

/** Maps a URL path to a file under `root`, or null if it would leave `root`. */
function fileFor(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = resolve(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return null;
  return path;
}

/**
 * The directory and the path inside it for a URL path: the longest matching mount, else `root`.
 * Mounts are for the tests (a test-only page, libraries from node_modules); the wallet itself
 * is served from `root` alone.
 */
function locate(root, mounts, urlPath) {
  for (const { prefix, dir } of mounts) {
    if (urlPath.startsWith(prefix)) return { dir, rest: urlPath.slice(prefix.length - 1) };
  }
  return { dir: root, rest: urlPath };
}

function readBody(req, limit) {
  return new Promise((ok, fail) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        fail(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => ok(Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

async function collectReport(config, req, res) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type !== 'application/csp-report' && type !== 'application/reports+json' && type !== 'application/json') {
    res.writeHead(415).end();
    return;
  }
  let body;
  try {
    body = JSON.parse((await readBody(req, MAX_REPORT_BYTES)).toString('utf8'));
  } catch {
    if (!res.headersSent) res.writeHead(400).end();
    return;
  }
  const reports = Array.isArray(body) ? body : [body];
  for (const report of reports) {
    if (config.reports.length >= MAX_REPORTS) break;
    config.reports.push(report);
    config.onReport?.(report);
  }
  res.writeHead(204).end();
}

async function respond(config, req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const send = (status, body, type, path = null, extra = {}) => {
    res.writeHead(status, { ...headersFor(config, path, url.pathname, url.search), 'Content-Type': type, ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method === 'POST' && url.pathname === REPORT_PATH) return collectReport(config, req, res);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', 'text/plain; charset=utf-8');

  const { dir, rest } = locate(config.root, config.mounts, url.pathname);
  let path = fileFor(dir, rest);
  if (path === null) return send(404, 'not found\n', 'text/plain; charset=utf-8');
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    let body = await readFile(path);
    if (config.transform) body = await config.transform({ path, urlPath: url.pathname, body });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const type = MIME[extname(path)] ?? 'application/octet-stream';
    const caching = config.keepVersionedWasm ? versionedWasmHeaders(path, url.search, body) : {};
    if (req.headers['if-none-match'] === etag && !isDocument(path)) return send(304, undefined, type, path, { ETag: etag, ...caching });
    send(200, body, type, path, { ETag: etag, ...caching });
  } catch {
    send(404, 'not found\n', 'text/plain; charset=utf-8');
  }
}

/**
 * Serves `root` on `host:port` (port 0 picks a free one) as the `site` ('wallet' or 'demo').
 *
 * - wallet: `embedAncestors` are the dapp origins allowed to frame embed.html.
 * - demo: `walletOrigin` is the wallet it frames, `rpcOrigins` the nodes it may call.
 *
 * Every server collects the CSP violation reports its pages send, in `reports`.
 * For tests only: `mounts` (`{'/prefix/': dir}`) serve other directories under URL prefixes,
 * and `transform({path, urlPath, body})` may rewrite a file's bytes before they are sent;
 * `keepVersionedWasm: false` revalidates the versioned .wasm too (the bench's comparison).
 * @returns {Promise<{url: string, origin: string, port: number, reports: object[], close: () => Promise<void>}>}
 */
export async function startServer({
  host = '127.0.0.1',
  port = 0,
  site = 'wallet',
  root = site === 'demo' ? join(repoRoot, 'target', 'site', 'demo') : join(repoRoot, 'www'),
  embedAncestors = DEFAULT_EMBED_ANCESTORS,
  walletOrigin = DEFAULT_WALLET_ORIGIN,
  rpcOrigins = DEFAULT_RPC_ORIGINS,
  mounts = {},
  transform = undefined,
  onReport = undefined,
  keepVersionedWasm = true,
  urlHost = host,
} = {}) {
  if (site !== 'wallet' && site !== 'demo') throw new Error(`site must be wallet or demo, not ${site}`);
  const config = {
    site,
    root: resolve(root),
    embedAncestors: embedAncestors.map(checkOrigin),
    walletOrigin: checkOrigin(walletOrigin),
    rpcOrigins: rpcOrigins.map(checkOrigin),
    mounts: Object.entries(mounts)
      .map(([prefix, dir]) => {
        if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`mount ${prefix} must start and end with /`);
        return { prefix, dir: resolve(dir) };
      })
      .sort((a, b) => b.prefix.length - a.prefix.length),
    transform,
    onReport,
    keepVersionedWasm,
    reports: [],
  };
  const server = createServer((req, res) => {
    respond(config, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  const origin = `http://${urlHost}:${actual}`;
  return {
    url: `${origin}/`,
    origin,
    port: actual,
    reports: config.reports,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    const key = flag.replace(/^--/, '');
    options[key] = value;
  }
  const known = new Set(['host', 'port', 'root', 'demo-port', 'demo-host', 'demo-root', 'embed-ancestors', 'rpc-origins']);
  for (const key of Object.keys(options)) if (!known.has(key)) throw new Error(`unknown option --${key}`);
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const list = (text) => text.split(/[\s,]+/).filter(Boolean);
  const log = (name) => (report) => console.warn(`CSP violation on the ${name}: ${JSON.stringify(report)}`);
  const demoHost = args['demo-host'] ?? 'localhost';
  const demoOrigin = args['demo-port'] === undefined ? undefined : `http://${demoHost}:${args['demo-port']}`;
  const wallet = await startServer({
    site: 'wallet',
    host: args.host ?? '127.0.0.1',
    port: Number(args.port ?? 8080),
    ...(args.root === undefined ? {} : { root: args.root }),
    embedAncestors: args['embed-ancestors'] ? list(args['embed-ancestors']) : demoOrigin ? [demoOrigin] : DEFAULT_EMBED_ANCESTORS,
    onReport: log('wallet'),
  });
  console.log(`Serving the wallet on ${wallet.url}`);
  if (args['demo-port'] !== undefined) {
    // `localhost` is a different origin from 127.0.0.1 on purpose: the demo is another site.
    const demo = await startServer({
      site: 'demo',
      host: demoHost === 'localhost' ? '127.0.0.1' : demoHost,
      urlHost: demoHost,
      port: Number(args['demo-port']),
      ...(args['demo-root'] === undefined ? {} : { root: args['demo-root'] }),
      walletOrigin: wallet.origin,
      rpcOrigins: args['rpc-origins'] ? list(args['rpc-origins']) : DEFAULT_RPC_ORIGINS,
      onReport: log('demo'),
    });
    console.log(`Serving the demo dapp on ${demo.url}`);
  }
  console.log('Ctrl-C stops.');
}
