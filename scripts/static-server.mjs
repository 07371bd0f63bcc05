// A small static file server for www/: the page, its Worker and the WASM package.
//
// Used by scripts/serve.sh (fixed port) and by the browser tests (a free port each run), so
// both see the same headers. It exists instead of `python3 -m http.server` to send the
// Content-Security-Policy the wallet must live under, including to the Worker script.
//
//   node scripts/static-server.mjs [--host 127.0.0.1] [--port 8080] [--root www]

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
};

// 'wasm-unsafe-eval' lets WebAssembly compile without allowing JS eval; nothing is
// loaded from another origin, and no inline script or style is allowed.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

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

async function respond(root, mounts, transform, req, res) {
  const send = (status, body, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');

  const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
  const { dir, rest } = locate(root, mounts, urlPath);
  let path = fileFor(dir, rest);
  if (path === null) return send(404, 'not found\n');
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    let body = await readFile(path);
    if (transform) body = await transform({ path, urlPath, body });
    send(200, body, MIME[extname(path)] ?? 'application/octet-stream');
  } catch {
    send(404, 'not found\n');
  }
}

/**
 * Serves `root` on `host:port` (port 0 picks a free one).
 *
 * For tests only: `mounts` (`{'/prefix/': dir}`) serve other directories under URL prefixes,
 * and `transform({path, urlPath, body})` may rewrite a file's bytes before they are sent.
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function startServer({
  host = '127.0.0.1',
  port = 0,
  root = join(repoRoot, 'www'),
  mounts = {},
  transform = undefined,
} = {}) {
  const absRoot = resolve(root);
  const absMounts = Object.entries(mounts)
    .map(([prefix, dir]) => {
      if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`mount ${prefix} must start and end with /`);
      return { prefix, dir: resolve(dir) };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const server = createServer((req, res) => {
    respond(absRoot, absMounts, transform, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
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
    if (flag === '--host') options.host = value;
    else if (flag === '--port') options.port = Number(value);
    else if (flag === '--root') options.root = value;
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startServer(parseArgs(process.argv.slice(2)));
  console.log(`Serving www/ on ${url}  (Ctrl-C stops)`);
}
