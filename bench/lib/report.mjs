// Turns results.json into the summary (ratios, targets), the markdown tables and the SVG chart.

import { NATIVE_FOR_OP } from './native.mjs';
import { OPS } from './cases.mjs';

const ENV_LABEL = { node: 'Node', chromium: 'Chromium Worker' };
const DIRECT = 'Custodian (direct)';
const RPC = 'Custodian (Worker RPC)';
const SIGNING_OPS = ['personal_sign', 'ed25519', 'eip1559', 'eip712', 'solana_transfer'];
const KIB = 1024;
const MIB = 1024 * 1024;

function opLabel(id) {
  return OPS.find((o) => o.id === id)?.label ?? id;
}

/** Per environment and operation: the fastest anchor and Custodian's ratio to it. */
export function summarise(report) {
  const perEnv = {};
  for (const [env, data] of Object.entries(report.environments)) {
    const ops = {};
    for (const op of OPS) {
      const rows = data.results.filter((r) => r.op === op.id);
      if (!rows.length) continue;
      const anchors = rows.filter((r) => r.kind === 'anchor').sort((a, b) => b.opsPerSec - a.opsPerSec);
      const direct = rows.find((r) => r.impl === DIRECT);
      const rpc = rows.find((r) => r.impl === RPC);
      const fastest = anchors[0];
      ops[op.id] = {
        fastestAnchor: fastest ? { impl: fastest.impl, opsPerSec: fastest.opsPerSec } : null,
        direct: direct?.opsPerSec ?? null,
        rpc: rpc?.opsPerSec ?? null,
        ratioDirect: fastest && direct ? direct.opsPerSec / fastest.opsPerSec : null,
        ratioRpc: fastest && rpc ? rpc.opsPerSec / fastest.opsPerSec : null,
      };
    }
    perEnv[env] = ops;
  }
  const wasmVsNative = [];
  for (const op of [...SIGNING_OPS, 'noop', 'argon2_64m', 'argon2_19m']) {
    const native = report.native?.[NATIVE_FOR_OP[op]];
    if (!native) continue;
    const row = { op, bench: NATIVE_FOR_OP[op], nativeUs: native.medianNs / 1000 };
    for (const [env, data] of Object.entries(report.environments)) {
      const direct = data.results.find((r) => r.op === op && r.impl === DIRECT);
      if (direct) row[env] = { us: direct.msPerOp * 1000, ratio: (direct.msPerOp * 1e6) / native.medianNs };
    }
    wasmVsNative.push(row);
  }
  const rpcOverhead = {};
  for (const [env, data] of Object.entries(report.environments)) {
    for (const op of ['noop', 'personal_sign']) {
      const direct = data.results.find((r) => r.op === op && r.impl === DIRECT);
      const rpc = data.results.find((r) => r.op === op && r.impl === RPC);
      if (direct && rpc) (rpcOverhead[env] ??= {})[op] = (rpc.msPerOp - direct.msPerOp) * 1000;
    }
  }
  return { perEnv, wasmVsNative, rpcOverhead, targets: targets(report, perEnv, wasmVsNative, rpcOverhead) };
}

function fmtRatio(x) {
  return x == null ? '–' : `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}x`;
}

function targets(report, perEnv, wasmVsNative, rpcOverhead) {
  const out = [];
  const add = (name, envName, value, met, detail) => out.push({ name, env: envName, value, met, detail });
  for (const [env, ops] of Object.entries(perEnv)) {
    for (const op of ['ed25519', 'eip1559', 'eip712', 'solana_transfer']) {
      const s = ops[op];
      if (s?.ratioDirect == null) continue;
      add(`${opLabel(op)}: >= 2x the fastest anchor`, ENV_LABEL[env], fmtRatio(s.ratioDirect), s.ratioDirect >= 2, `vs ${s.fastestAnchor.impl}`);
    }
    const ps = ops.personal_sign;
    if (env === 'chromium' && ps?.ratioDirect != null) {
      add('secp256k1 sign (personal_sign): >= 2x the fastest anchor', ENV_LABEL[env], fmtRatio(ps.ratioDirect), ps.ratioDirect >= 2, `vs ${ps.fastestAnchor.impl}`);
    }
    const data = report.environments[env];
    const a64 = data.results.find((r) => r.op === 'argon2_64m' && r.impl === DIRECT);
    const hw = data.results.find((r) => r.op === 'argon2_64m' && r.impl === 'hash-wasm');
    if (a64 && hw) {
      const t = a64.msPerOp / hw.msPerOp;
      add("Argon2id 64 MiB: time <= 0.8x hash-wasm's", ENV_LABEL[env], `${t.toFixed(2)}x`, t <= 0.8, `${a64.msPerOp.toFixed(0)} ms vs ${hw.msPerOp.toFixed(0)} ms (Custodian's includes the vault decrypt)`);
    }
  }
  for (const row of wasmVsNative.filter((r) => SIGNING_OPS.includes(r.op))) {
    for (const env of Object.keys(report.environments)) {
      if (!row[env]) continue;
      add(`WASM within 2x native: ${opLabel(row.op)}`, ENV_LABEL[env], fmtRatio(row[env].ratio), row[env].ratio <= 2, `${row[env].us.toFixed(1)} us vs ${row.nativeUs.toFixed(1)} us`);
    }
  }
  // The product path (createCustodian and the shipped Worker) when measured, else the bare module.
  const shipped = report.environments.chromium?.cold?.app?.shipped;
  const cold = shipped ?? report.environments.chromium?.cold?.custodian;
  if (cold) {
    // The issue words it as fetch + compile + instantiate to the first signature; the target is
    // judged from the spawn, with Chromium's own Worker start in it, and the part after the
    // Worker's first line is shown beside it.
    const traced = report.environments.chromium?.cold?.app?.traced;
    const inside = traced?.spawnToScript == null ? '' : `; from the Worker's first line (its start by Chromium, ${traced.spawnToScript.toFixed(1)} ms, left out): ${(traced.totalWithoutKdf - traced.spawnToScript).toFixed(1)} ms (traced copy)`;
    add('Cold start to first signature <= 30 ms (excluding the KDF)', 'Chromium Worker', `${cold.totalWithoutKdf.toFixed(1)} ms`, cold.totalWithoutKdf <= 30, `${shipped ? 'createCustodian, shipped Worker, vault in IndexedDB, from the spawn; ' : ''}with the 19 MiB unlock: ${cold.total.toFixed(0)} ms${inside}`);
  }
  const wasm = report.sizes?.find((s) => s.name.startsWith('Custodian .wasm'));
  if (wasm) add('.wasm <= 250 KB gzip, every chain included', '–', `${(wasm.gzip / 1000).toFixed(0)} KB`, wasm.gzip <= 250_000, `${(wasm.raw / 1000).toFixed(0)} KB raw`);
  for (const [env, data] of Object.entries(report.environments)) {
    const mem = data.memory;
    if (!mem?.length) continue;
    const after = mem.find(([k]) => k === 'unlock 1')?.[1];
    const last = mem[mem.length - 1][1];
    add('Linear memory after a 64 MiB unlock <= 80 MiB', ENV_LABEL[env], `${(after / MIB).toFixed(1)} MiB`, after <= 80 * MIB, '');
    add('Argon2 area reused: no growth on later unlocks', ENV_LABEL[env], `${((last - after) / MIB).toFixed(1)} MiB growth`, last === after, mem.map(([k, v]) => `${k}: ${(v / MIB).toFixed(1)}`).join(', '));
  }
  const overhead = rpcOverhead.chromium?.noop;
  const floor = report.environments.chromium?.results.find((r) => r.op === 'noop' && r.kind === 'reference');
  if (overhead != null) {
    add('Worker RPC overhead <= 50 us per request (median)', 'Chromium', `${overhead.toFixed(0)} us`, overhead <= 50, `eth_chainId through CustodianClient minus the direct call${floor ? `; a bare postMessage echo takes ${(floor.msPerOp * 1000).toFixed(0)} us` : ''}`);
  }
  return out;
}

function fmtOps(x) {
  if (x == null) return '–';
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function fmtMs(ms) {
  if (ms == null) return '–';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} us`;
}

function fmtBytes(n) {
  if (n >= MIB) return `${(n / MIB).toFixed(2)} MiB`;
  return `${(n / KIB).toFixed(1)} KiB`;
}

export function renderMarkdown(report) {
  const m = report.machine;
  const envs = Object.keys(report.environments);
  const lines = [];
  lines.push(`Run: ${m.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.node}, ${m.chromium}.`);
  lines.push(`Load average (1/5/15 min) at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd?.join(' / ') ?? '?'}.`);
  lines.push(`Median of ${report.options.rounds} interleaved rounds (${report.options.budgetMs} ms per case per round; slow cases at least one operation).`);
  if (report.options.auditFill !== undefined) lines.push(`Custodian's signing wallets made ${report.options.auditFill.toLocaleString('en-US')} signatures before timing (audit log in its steady state: every signature appends an entry and reseals the vault).`);
  lines.push('');
  lines.push('### Custodian against the fastest anchor');
  lines.push('');
  lines.push('Ratio = Custodian ops/s ÷ the fastest anchor\'s ops/s for the same operation in the same run (> 1: Custodian is faster).');
  lines.push('');
  const head = ['Operation'];
  for (const env of envs) {
    head.push(`${ENV_LABEL[env]}: fastest anchor`, `${ENV_LABEL[env]}: Custodian direct`);
    if (env === 'chromium') head.push('Chromium: via Worker RPC');
  }
  head.push('Target');
  lines.push(`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const op of OPS) {
    const row = [op.label];
    let any = false;
    for (const env of envs) {
      const s = report.summary.perEnv[env]?.[op.id];
      if (s) any = true;
      row.push(s?.fastestAnchor ? `${s.fastestAnchor.impl} ${fmtOps(s.fastestAnchor.opsPerSec)}/s` : '–');
      row.push(s?.direct ? `${fmtOps(s.direct)}/s (**${fmtRatio(s.ratioDirect)}**)` : '–');
      if (env === 'chromium') row.push(s?.rpc ? `${fmtOps(s.rpc)}/s (${fmtRatio(s.ratioRpc)})` : '–');
    }
    row.push(op.target || '');
    if (any) lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push('### Every implementation');
  lines.push('');
  const head2 = ['Operation', 'Implementation'];
  for (const env of envs) head2.push(`${ENV_LABEL[env]} ops/s`, `${ENV_LABEL[env]} time/op`);
  head2.push('Note');
  lines.push(`| ${head2.join(' | ')} |`, `|${head2.map(() => '---').join('|')}|`);
  for (const op of OPS) {
    const impls = [];
    for (const env of envs) for (const r of report.environments[env].results) if (r.op === op.id && !impls.includes(r.impl)) impls.push(r.impl);
    const order = (i) => (i === DIRECT ? 0 : i === RPC ? 1 : 2);
    impls.sort((a, b) => order(a) - order(b));
    for (const impl of impls) {
      const row = [opLabel(op.id), impl];
      let note = '';
      for (const env of envs) {
        const r = report.environments[env].results.find((x) => x.op === op.id && x.impl === impl);
        row.push(r ? fmtOps(r.opsPerSec) : '–', r ? fmtMs(r.msPerOp) : '–');
        note ||= r?.note ?? '';
      }
      row.push(note);
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  if (report.summary.wasmVsNative.length) {
    lines.push('', '### WASM against the same code natively', '');
    lines.push('Native: criterion median of `crates/core/benches/core.rs` (`Wallet::handle_json`, JSON text in and out, then `take_save`); WASM: `Custodian.request` called directly, then `takeSave()`.', '');
    const h = ['Operation', 'Native (criterion)'];
    for (const env of envs) h.push(`${ENV_LABEL[env]} WASM`, 'WASM ÷ native');
    lines.push(`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`);
    for (const row of report.summary.wasmVsNative) {
      const cells = [opLabel(row.op), fmtMs(row.nativeUs / 1000)];
      for (const env of envs) cells.push(row[env] ? fmtMs(row[env].us / 1000) : '–', row[env] ? fmtRatio(row[env].ratio) : '–');
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const coldC = report.environments.chromium?.cold;
  const coldN = report.environments.node?.cold;
  if (coldC || coldN) {
    lines.push('', '### Cold start', '');
    if (coldC) {
      const c = coldC.custodian;
      lines.push(`Chromium, fresh module Worker, median of ${coldC.reps}: spawn to script ${fmtMs(c.spawnToScript)}, glue ${fmtMs(c.glue)}, fetch + compile + instantiate ${fmtMs(c.fetchCompileInstantiate)}, open vault ${fmtMs(c.openVault)}, unlock (Argon2id 19 MiB t=2) ${fmtMs(c.unlockKdf19MiB)}, first signature ${fmtMs(c.firstSignature)}: **${fmtMs(c.totalWithoutKdf)} to first signature without the KDF**, ${fmtMs(c.total)} with it.`);
      if (coldC.custodianPrefetch) {
        const p = coldC.custodianPrefetch;
        lines.push('', `With the .wasm fetch started before the glue import (\`init({module_or_path: fetch(url)})\` issued first): glue + instantiate ${fmtMs(p.glueAndInstantiate)} (vs ${fmtMs(c.glue + c.fetchCompileInstantiate)}), ${fmtMs(p.totalWithoutKdf)} to first signature without the KDF.`);
      }
      lines.push('');
      lines.push('| Signer (Chromium, fresh Worker) | load code | first signature | spawn to first signature |', '|---|---|---|---|');
      lines.push(`| Custodian (vault already unlocked: KDF excluded) | ${fmtMs(c.glue + c.fetchCompileInstantiate)} | ${fmtMs(c.firstSignature)} | ${fmtMs(c.totalWithoutKdf)} |`);
      const shippedApp = coldC.app?.shipped;
      if (shippedApp) {
        lines.push(`| Custodian, the wallet's own path (createCustodian, shipped Worker, vault in IndexedDB; KDF excluded) | ${fmtMs(shippedApp.ready)} (to \`ready\`) | ${fmtMs(shippedApp.firstSignature)} | ${fmtMs(shippedApp.totalWithoutKdf)} |`);
      }
      for (const [lib, a] of Object.entries(coldC.anchors ?? {})) {
        lines.push(`| ${lib} (raw key) | ${fmtMs(a.load)} | ${fmtMs(a.firstSignature)} | ${fmtMs(a.total)} |`);
      }
      const app = coldC.app ?? {};
      if (Object.keys(app).length) {
        lines.push('', `The wallet's own path, median of ${coldC.reps} per variant, interleaved: \`createCustodian()\` → Worker \`ready\` (module loaded, stored vault opened from IndexedDB) → \`wallet_unlock\` (left out) → first \`personal_sign\`.`, '');
        lines.push('| Worker | to `ready` | first signature | to first signature without the KDF | with the 19 MiB unlock | unlock |', '|---|---|---|---|---|---|');
        const label = {
          shipped: 'one file (shipped)',
          modules: 'module graph (tsc output, 5 files)',
          'page-compile': 'one file, .wasm compiled in the page and posted',
          traced: 'one file, with timestamps inside',
        };
        for (const [name, a] of Object.entries(app)) {
          const compiled = a.compiledInPage == null ? '' : ` (page's module ready at ${fmtMs(a.compiledInPage)})`;
          lines.push(`| ${label[name] ?? name}${compiled} | ${fmtMs(a.ready)} | ${fmtMs(a.firstSignature)} | ${fmtMs(a.totalWithoutKdf)} | ${fmtMs(a.total)} | ${fmtMs(a.unlockKdf19MiB)} |`);
        }
        const t = app.traced;
        if (t?.spawnToScript != null) {
          lines.push('', `Inside the one-file Worker: spawn to script ${fmtMs(t.spawnToScript)}, script to init message ${fmtMs(t.scriptToInit)}, fetch + compile + instantiate ${fmtMs(t.fetchCompileInstantiate)}, open the stored vault ${fmtMs(t.openVault)} (IndexedDB opened during the compile), \`ready\` to the page ${fmtMs(t.readyMessage)}.`);
        }
      }
    }
    const back = report.environments.chromium?.returning;
    if (back) {
      lines.push('', `First and returning visits (scripts/static-server.mjs over the pinned site, the Worker fetching the .wasm under its versioned URL; a new browser context per repetition, then ${back.visits - 1} more tabs in it ${back.pauseMs / 1000} s apart; median of ${back.reps}):`, '');
      lines.push('| .wasm caching | visit | to `ready` | first signature | to first signature without the KDF | unlock |', '|---|---|---|---|---|---|');
      for (const [name, label] of [['immutable', 'kept (`immutable`)'], ['revalidated', 'revalidated (`no-cache`)']]) {
        (back[name] ?? []).forEach((v, i) => {
          lines.push(`| ${label} | ${i === 0 ? 'first' : `returning ${i}`} | ${fmtMs(v.ready)} | ${fmtMs(v.firstSignature)} | ${fmtMs(v.totalWithoutKdf)} | ${fmtMs(v.unlock)} |`);
        });
      }
    }
    if (coldN) {
      const c = coldN.custodian;
      lines.push('', `Node, fresh process, median of ${coldN.reps}: import glue ${fmtMs(c.glue)}, read ${fmtMs(c.readWasm)}, compile ${fmtMs(c.compile)}, instantiate ${fmtMs(c.instantiate)}, open vault ${fmtMs(c.openVault)}, unlock ${fmtMs(c.unlockKdf19MiB)}, first signature ${fmtMs(c.firstSignature)}: **${fmtMs(c.totalWithoutKdf)} without the KDF**, ${fmtMs(c.total)} with it.`);
    }
  }
  if (report.sizes?.length) {
    lines.push('', '### Sizes', '', '| What | raw | gzip -9 | brotli | Measured |', '|---|---|---|---|---|');
    for (const s of report.sizes) lines.push(`| ${s.name} | ${fmtBytes(s.raw)} | ${fmtBytes(s.gzip)} | ${fmtBytes(s.brotli)} | ${s.how} |`);
  }
  const t = report.summary.targets;
  if (t.length) {
    lines.push('', '### Issue 9 targets', '', '| Target | Where | Measured | Met | Detail |', '|---|---|---|---|---|');
    for (const x of t) lines.push(`| ${x.name} | ${x.env} | ${x.value} | ${x.met ? 'yes' : '**no**'} | ${x.detail} |`);
  }
  lines.push('', '### Versions', '', Object.entries(report.versions ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') + '.');
  for (const [env, data] of Object.entries(report.environments)) {
    for (const n of data.notes ?? []) lines.push('', `Note (${ENV_LABEL[env]}): ${n}`);
    for (const p of data.problems ?? []) lines.push('', `**Check failed (${ENV_LABEL[env]})**: ${p}`);
  }
  return `${lines.join('\n')}\n`;
}

const COLORS = {
  [DIRECT]: '#1b7f3b',
  [RPC]: '#6cc24a',
  '@noble/curves': '#3465a4',
  'ethers 6': '#5c3566',
  'viem 2': '#c17d11',
  'wallet-core': '#2e8b9a',
  tweetnacl: '#a40000',
  '@solana/web3.js': '#9b59b6',
  'hash-wasm': '#ce5c00',
  'argon2-browser': '#8f5902',
  '@metamask/browser-passworder': '#e07b00',
};

function escapeXml(text) {
  return String(text).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);
}

/**
 * A horizontal bar chart, one panel per environment: for each operation, every
 * implementation's speed relative to the fastest anchor (log scale; 1 = the fastest anchor,
 * the dashed line at 2 is issue 9's target).
 */
export function renderChart(report) {
  const envs = Object.keys(report.environments);
  const ops = OPS.filter(
    (o) => o.id !== 'secp256k1_raw' && o.id !== 'noop' && envs.some((env) => report.environments[env].results.some((r) => r.op === o.id)),
  );
  const barH = 11;
  const gap = 9;
  const labelW = 250;
  const plotW = 420;
  const panelGap = 40;
  const minLog = -5;
  const maxLog = 4;
  const x = (ratio) => labelW + ((Math.log2(Math.max(ratio, 2 ** minLog)) - minLog) / (maxLog - minLog)) * plotW;
  const impls = new Set();
  const layout = ops.map((op) => {
    const names = [];
    for (const env of envs) for (const r of report.environments[env].results) if (r.op === op.id && !names.includes(r.impl)) names.push(r.impl);
    const order = (i) => (i === DIRECT ? 0 : i === RPC ? 1 : 2);
    names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
    names.forEach((n) => impls.add(n));
    return { op, names };
  });
  const top = 64;
  let y = top;
  const rowsY = layout.map((l) => {
    const y0 = y;
    y += l.names.length * barH + gap + 16;
    return y0;
  });
  const legendY = y + 10;
  const legendRows = Math.ceil(impls.size / 3);
  const height = legendY + legendRows * 18 + 40;
  const width = Math.max(960, envs.length * (labelW + plotW) + (envs.length - 1) * panelGap + 30);
  const parts = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="15" y="22" font-size="15" font-weight="bold">Custodian vs the anchors: speed relative to the fastest anchor (log scale; 1 = fastest anchor)</text>`);
  parts.push(`<text x="15" y="40" fill="#555">${escapeXml(`${report.machine.date.slice(0, 10)}, ${report.machine.cpu}, ${report.machine.cores} cores; ${report.machine.chromium}; Node ${report.machine.node}`)}</text>`);
  envs.forEach((env, e) => {
    const ox = 15 + e * (labelW + plotW + panelGap);
    const g = [];
    g.push(`<g transform="translate(${ox},0)">`);
    g.push(`<text x="${labelW}" y="${top - 8}" font-size="13" font-weight="bold">${ENV_LABEL[env]}</text>`);
    for (let k = minLog; k <= maxLog; k++) {
      const xx = x(2 ** k);
      const label = k >= 0 ? `${2 ** k}` : `1/${2 ** -k}`;
      const stroke = k === 0 ? 'stroke="#000" stroke-width="1.2"' : k === 1 ? 'stroke="#1b7f3b" stroke-width="1.2" stroke-dasharray="4 3"' : 'stroke="#ddd" stroke-width="1"';
      g.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${legendY - 20}" ${stroke}/>`);
      g.push(`<text x="${xx}" y="${legendY - 8}" text-anchor="middle" fill="#555">${label}</text>`);
    }
    layout.forEach(({ op, names }, i) => {
      const y0 = rowsY[i];
      const results = report.environments[env].results.filter((r) => r.op === op.id);
      const fastest = Math.max(...results.filter((r) => r.kind === 'anchor').map((r) => r.opsPerSec), 0);
      g.push(`<text x="0" y="${y0 + 10}" font-weight="bold">${escapeXml(op.label)}</text>`);
      names.forEach((name, j) => {
        const r = results.find((x2) => x2.impl === name);
        const yy = y0 + 14 + j * barH;
        g.push(`<text x="${labelW - 6}" y="${yy + barH - 2}" text-anchor="end" fill="#333">${escapeXml(name)}</text>`);
        if (!r || !fastest) {
          g.push(`<text x="${labelW + 4}" y="${yy + barH - 2}" fill="#999">not measured</text>`);
          return;
        }
        const ratio = r.opsPerSec / fastest;
        const x0 = x(2 ** minLog);
        g.push(`<rect x="${x0}" y="${yy + 1}" width="${Math.max(1, x(ratio) - x0)}" height="${barH - 2}" fill="${COLORS[name] ?? '#888'}"/>`);
        g.push(`<text x="${x(ratio) + 4}" y="${yy + barH - 2}" fill="#222">${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(2)}</text>`);
      });
    });
    g.push('</g>');
    parts.push(g.join('\n'));
  });
  [...impls].forEach((name, i) => {
    const lx = 15 + (i % 3) * 300;
    const ly = legendY + 10 + Math.floor(i / 3) * 18;
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="10" fill="${COLORS[name] ?? '#888'}"/><text x="${lx + 18}" y="${ly}">${escapeXml(name)}</text>`);
  });
  parts.push(`<text x="15" y="${height - 10}" fill="#555">Dashed green line: issue 9's target (2x the fastest anchor). Argon2 and vault rows: Custodian's time includes its vault decrypt.</text>`);
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
