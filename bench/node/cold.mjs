// Cold start in Node: each repetition is a fresh process (cold-child.mjs), so nothing is
// cached in the engine; the figure is the median per phase.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ETH_ADDRESS, ETH_PRIVATE_KEY, KDF_19M, KDF_64M, MESSAGE, MNEMONIC, PASSWORD, toHex, utf8 } from '../lib/fixtures.mjs';
import { median } from '../lib/measure.mjs';
import { loadCustodian } from './libs.mjs';

const CHILD = fileURLToPath(new URL('./cold-child.mjs', import.meta.url));

async function sealedVault(Custodian, params) {
  const wallet = new Custodian();
  await wallet.request({ method: 'wallet_import', params });
  const { bytes } = wallet.takeSave();
  wallet.free();
  return bytes;
}

export async function runNodeCold({ reps }) {
  const { Custodian } = await loadCustodian();
  const dir = mkdtempSync(join(tmpdir(), 'custodian-cold-'));
  try {
    const file19 = join(dir, 'v19.bin');
    const file64 = join(dir, 'v64.bin');
    writeFileSync(file19, await sealedVault(Custodian, { password: PASSWORD, privateKey: ETH_PRIVATE_KEY, kdf: KDF_19M }));
    writeFileSync(file64, await sealedVault(Custodian, { password: PASSWORD, mnemonic: MNEMONIC, kdf: KDF_64M }));
    const request = JSON.stringify({ method: 'personal_sign', params: [`0x${toHex(utf8(MESSAGE))}`, ETH_ADDRESS] });
    const run = (file, flag) => JSON.parse(execFileSync(process.execPath, [CHILD, file, PASSWORD, request, ...(flag ? [flag] : [])], { encoding: 'utf8' }));
    const runs = [];
    for (let i = 0; i < reps; i++) runs.push(run(file19));
    const phase = (fn) => median(runs.map((r) => fn(r.t)));
    const cold = {
      reps,
      custodian: {
        glue: phase((t) => t.glue - t.start),
        readWasm: phase((t) => t.read - t.glue),
        compile: phase((t) => t.compiled - t.read),
        instantiate: phase((t) => t.instantiated - t.compiled),
        openVault: phase((t) => t.constructed - t.inputRead),
        unlockKdf19MiB: phase((t) => t.unlocked - t.constructed),
        firstSignature: phase((t) => t.firstSignature - t.unlocked),
        total: phase((t) => t.firstSignature - t.start),
        totalWithoutKdf: phase((t) => t.firstSignature - t.start - (t.unlocked - t.constructed)),
      },
    };
    const memory = run(file64, 'memory').memory;
    return { cold, memory };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
