// Persistence through takeSave (issue 3 items 3-4, issue 4's host rule): what a host stores
// after each request reopens in a new instance with the same accounts and settings; every save
// has a strictly greater generation; requests that change nothing save nothing (signing, lock
// and unlock change the vault: each appends an audit-log entry, docs/audit-log.md); and a damaged
// copy is refused as Corrupted (or the documented header-field error), never opened and never
// mistaken for a wrong password. The audit log's records come with the saves (one per logged
// event) and are handed back with the vault; without them the log is reported damaged, and the
// vault still unlocks (docs/audit-log.md, "Storage").

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOOR_KDF, call, callFails, wasm } from './support.mjs';

const PASSWORD = 'persistence password';
const NEW_PASSWORD = 'persistence password, changed';

/** A session that saves after each change; returns its saves and final state. */
async function savedSession() {
  const c = new wasm.Custodian();
  const saves = [];
  /** The audit records stored so far, by seq, as a host keeps them. */
  const records = new Map();
  const step = async (method, params, { saves: expectSave }) => {
    const result = await call(c, method, params);
    const save = c.takeSave();
    if (expectSave) {
      assert.ok(save !== undefined, `${method} changed the vault but gave nothing to save`);
      assert.ok(save.bytes instanceof Uint8Array && save.bytes.length > 0);
      assert.ok(Array.isArray(save.auditRecords));
      assert.equal(save.auditPruneBelow, undefined);
      for (const r of save.auditRecords) {
        assert.ok(Number.isSafeInteger(r.seq) && r.bytes instanceof Uint8Array);
        records.set(r.seq, r.bytes);
      }
      saves.push({
        after: method,
        generation: save.generation,
        bytes: save.bytes,
        audit: save.auditRecords.map((r) => r.seq),
      });
    } else {
      assert.equal(save, undefined, `${method} changed nothing but asked for a save`);
    }
    return result;
  };
  const created = await step('wallet_create', { password: PASSWORD, kdf: FLOOR_KDF }, { saves: true });
  const eth = created.accounts[0].address;
  await step('wallet_status', undefined, { saves: false });
  await step('wallet_addAccount', { chain: 'ethereum', label: 'Second' }, { saves: true });
  await step('wallet_addAccount', { chain: 'solana' }, { saves: true });
  await step('personal_sign', ['0x01', eth], { saves: true }); // audit entry
  await step('wallet_renameAccount', { address: eth, label: 'Main' }, { saves: true });
  await step('wallet_switchEthereumChain', [{ chainId: '0xa' }], { saves: true });
  await step('wallet_switchEthereumChain', [{ chainId: '0xa' }], { saves: false }); // already active
  await step('wallet_updateSettings', { autoLockMinutes: 15 }, { saves: true });
  await step('wallet_lock', undefined, { saves: true }); // audit entry
  await step('wallet_unlock', { password: PASSWORD }, { saves: true }); // audit entry
  const beforeChange = await step('wallet_listAccounts', undefined, { saves: false });
  await step('wallet_changePassword', { oldPassword: PASSWORD, newPassword: NEW_PASSWORD }, { saves: true });
  const accounts = await step('wallet_listAccounts', undefined, { saves: false });
  assert.deepEqual(accounts, beforeChange);
  return { custodian: c, saves, accounts, records };
}

/** The stored records in the shape the constructor takes. */
const asRecords = (records) => [...records].map(([seq, bytes]) => ({ seq, bytes }));

const sessionPromise = savedSession();

test('every change is saved once, with a strictly increasing generation', async () => {
  const { saves } = await sessionPromise;
  assert.deepEqual(saves.map((s) => s.after), [
    'wallet_create', 'wallet_addAccount', 'wallet_addAccount', 'personal_sign', 'wallet_renameAccount',
    'wallet_switchEthereumChain', 'wallet_updateSettings', 'wallet_lock', 'wallet_unlock',
    'wallet_changePassword',
  ]);
  for (let i = 1; i < saves.length; i++) {
    assert.ok(saves[i].generation > saves[i - 1].generation, `generation ${saves[i].generation} after ${saves[i - 1].generation}`);
    // A fresh nonce on every save: no two saves share their ciphertext.
    assert.notDeepEqual(saves[i].bytes.slice(-32), saves[i - 1].bytes.slice(-32));
  }
  assert.equal(saves.length, 10);
  // One audit record per logged event, in order; renames and chain switches are not logged.
  assert.deepEqual(saves.map((s) => s.audit), [[0], [1], [2], [3], [], [], [4], [5], [6], [7]]);
});

test('the last save reopens in a new instance: same accounts, labels, chain, settings', async () => {
  const { saves, accounts, records } = await sessionPromise;
  const last = saves.at(-1);
  const reloaded = new wasm.Custodian(last.bytes, asRecords(records));
  const status = await call(reloaded, 'wallet_status');
  assert.equal(status.state, 'locked');
  assert.equal(status.generation, last.generation);
  assert.deepEqual(await call(reloaded, 'eth_accounts', []), []);
  await callFails(reloaded, 'wallet_unlock', { password: PASSWORD }, { code: 4100, kind: 'WrongPassword' });
  const unlocked0 = await call(reloaded, 'wallet_unlock', { password: NEW_PASSWORD });
  // The records written before the password change still open: the log is whole.
  assert.deepEqual(unlocked0.auditLog, { status: 'intact' });
  // The unlock is logged: one save, continuing the stored copy's generations.
  assert.ok(reloaded.takeSave().generation > last.generation);
  assert.deepEqual(await call(reloaded, 'wallet_listAccounts'), accounts);
  assert.equal(accounts.find((a) => a.label === 'Main')?.chain, 'ethereum');
  assert.equal(await call(reloaded, 'eth_chainId', []), '0xa');
  const unlocked = await call(reloaded, 'wallet_status');
  assert.ok(unlocked.autoLockAt - Date.now() <= 15 * 60_000 && unlocked.autoLockAt - Date.now() > 14 * 60_000,
    `autoLockAt ${unlocked.autoLockAt} is not ~15 minutes away`);

  // The reopened vault keeps counting from where the stored copy was.
  await call(reloaded, 'wallet_addAccount', { chain: 'solana' });
  const next = reloaded.takeSave();
  assert.ok(next.generation > last.generation);
  reloaded.free();
});

test('the vault without its audit records still unlocks, and says its log is damaged', async () => {
  const { saves, records } = await sessionPromise;
  const last = saves.at(-1);
  const bare = new wasm.Custodian(last.bytes);
  const { auditLog } = await call(bare, 'wallet_unlock', { password: NEW_PASSWORD });
  assert.equal(auditLog.status, 'damaged');
  assert.equal(auditLog.reason, 'missing');
  assert.equal(auditLog.firstBadSeq, 0);
  bare.free();
  // Records of another shape are left out, which is the same as missing.
  const odd = new wasm.Custodian(last.bytes, [{ seq: 'zero', bytes: 1 }, ...asRecords(records).slice(1)]);
  const r = await call(odd, 'wallet_unlock', { password: NEW_PASSWORD });
  assert.deepEqual([r.auditLog.status, r.auditLog.firstBadSeq], ['damaged', 0]);
  odd.free();
});

test('the previous copy (kept until the new one is durable) still opens with the old password', async () => {
  const { saves } = await sessionPromise;
  const previous = saves.at(-2);
  const c = new wasm.Custodian(previous.bytes);
  await callFails(c, 'wallet_unlock', { password: NEW_PASSWORD }, { code: 4100, kind: 'WrongPassword' });
  const { accounts } = await call(c, 'wallet_unlock', { password: PASSWORD });
  assert.equal(accounts.length, 4);
  c.free();
});

/** Opens tampered bytes: the constructor's error, the unlock error, or success. */
async function open(bytes) {
  let c;
  try {
    c = new wasm.Custodian(bytes);
  } catch (e) {
    if (e instanceof Error) throw e;
    return { stage: 'constructor', kind: e.data?.kind };
  }
  try {
    await c.request({ method: 'wallet_unlock', params: { password: NEW_PASSWORD } });
    return { stage: 'opened' };
  } catch (e) {
    if (e instanceof Error) throw e;
    return { stage: 'unlock', kind: e.data?.kind };
  } finally {
    c.free();
  }
}

test('tampered saves are refused as Corrupted (or a header-field error), never opened, never WrongPassword', { timeout: 120_000 }, async () => {
  const { saves } = await sessionPromise;
  const good = saves.at(-1).bytes;
  assert.equal((await open(good)).stage, 'opened');
  // docs/vault-format.md: 124-byte header with the writer's 32-byte salt, then ciphertext + tag.
  const saltLength = good[23];
  assert.equal(saltLength, 32);
  const headerEnd = 92 + saltLength;
  const allowedInHeader = (offset) => {
    if (offset < 8) return ['NotAVault', 'Corrupted'];
    if (offset < 10) return ['UnsupportedVersion', 'Corrupted'];
    if (offset < 24) return ['WeakKdfParameters', 'ExcessiveKdfParameters', 'Corrupted'];
    return ['Corrupted'];
  };
  const outcomes = {};
  let cases = 0;
  const check = async (what, bytes, allowed) => {
    const result = await open(bytes);
    assert.notEqual(result.stage, 'opened', `${what}: a damaged vault opened`);
    assert.ok(allowed.includes(result.kind), `${what}: ${JSON.stringify(result)}`);
    const key = `${result.stage}:${result.kind}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    cases++;
  };
  // Every header byte, one bit flipped.
  for (let offset = 0; offset < headerEnd; offset++) {
    const bytes = Uint8Array.from(good);
    bytes[offset] ^= 0x01 << (offset % 8);
    await check(`header byte ${offset}`, bytes, allowedInHeader(offset));
  }
  // Ciphertext and tag: every 16th byte and the last, all bits of the byte flipped. These pass
  // the header checks and run Argon2, so they are sampled; the core's own tests flip every byte.
  const body = [];
  for (let offset = headerEnd; offset < good.length; offset += 16) body.push(offset);
  body.push(good.length - 1);
  for (const offset of body) {
    const bytes = Uint8Array.from(good);
    bytes[offset] ^= 0xff;
    await check(`body byte ${offset}`, bytes, ['Corrupted']);
  }
  // Truncated at every length, and appended to.
  for (let length = 1; length < good.length; length++) {
    await check(`truncated to ${length}`, good.slice(0, length), ['Corrupted']);
  }
  for (const extra of [1, 16, 4096]) {
    await check(`${extra} bytes appended`, Uint8Array.from([...good, ...new Uint8Array(extra).fill(7)]), ['Corrupted']);
  }
  console.log(`tamper: ${cases} damaged copies refused: ${JSON.stringify(outcomes)}`);
  assert.equal(cases, headerEnd + body.length + (good.length - 1) + 3);
});
