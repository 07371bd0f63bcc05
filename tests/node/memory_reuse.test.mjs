// Linear memory across unlocks (issue 9: "the WASM instance's linear memory after unlock
// <= 80 MiB, and the Argon2 work area wiped and reused, not grown again, on the next unlock").
//
// WebAssembly memory only grows, so `memory.buffer.byteLength` after each unlock shows whether
// Argon2's 64 MiB work area came back to the allocator and was reused (same size) or a new one
// was allocated next to it (64 MiB more each time). The wipe is checked as in
// memory_scrub.test.mjs: after a completed unlock almost no 1 KiB block is dense with
// pseudo-random bytes, which a leftover Argon2 area would fill by the tens of thousands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, wasm } from './support.mjs';
import { residueStats } from './memory_scan.mjs';

const exports = wasm.initSync();
const MiB = 1024 * 1024;
const PASSWORD = 'memory reuse password';
const DEFAULT_KDF = { m: 65536, t: 3, p: 1 };

test('unlocking four times with the default 64 MiB Argon2id keeps linear memory at one work area', { timeout: 120_000 }, async (t) => {
  const c = new wasm.Custodian();
  const created = await call(c, 'wallet_create', { password: PASSWORD });
  c.takeSave();
  assert.ok(created.accounts.length > 0);

  const sizes = [];
  for (let i = 0; i < 4; i++) {
    await call(c, 'wallet_lock');
    await call(c, 'wallet_unlock', { password: PASSWORD });
    c.takeSave();
    c.takeEvents();
    sizes.push(exports.memory.buffer.byteLength);

    const stats = residueStats(new Uint8Array(exports.memory.buffer));
    assert.ok(stats.denseBlocks < 1024, `unlock ${i + 1}: ${stats.denseBlocks} dense 1 KiB blocks: Argon2 area not wiped?`);
  }
  t.diagnostic(`linear memory after each unlock (MiB): ${sizes.map((s) => (s / MiB).toFixed(1)).join(', ')}`);
  assert.equal(sizes.length, 4);

  // The vault really used the default cost: the Argon2 area alone is 64 MiB.
  const status = await call(c, 'wallet_status');
  assert.equal(status.state, 'unlocked');
  assert.ok(sizes[0] >= DEFAULT_KDF.m * 1024, `memory ${sizes[0]} below one 64 MiB work area`);

  assert.ok(sizes[0] <= 80 * MiB, `linear memory after unlock ${(sizes[0] / MiB).toFixed(1)} MiB > 80 MiB`);
  assert.deepEqual(sizes, [sizes[0], sizes[0], sizes[0], sizes[0]], 'memory grew on a later unlock: the Argon2 area was not reused');
});
