// Reads criterion's estimates of crates/core/benches/core.rs (target/criterion/<group>/<name>/new).

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Native benches and the harness operation each corresponds to (same work, same inputs). */
export const NATIVE_FOR_OP = {
  personal_sign: 'protocol/handle_json_personal_sign',
  eip1559: 'protocol/handle_json_eth_signTransaction',
  eip712: 'protocol/handle_json_eth_signTypedData_v4',
  ed25519: 'protocol/handle_json_solana_signMessage',
  solana_transfer: 'protocol/handle_json_solana_signTransaction',
  noop: 'protocol/handle_json_eth_chainId',
  argon2_64m: 'vault/unlock_argon2id_64MiB_t3',
  argon2_19m: 'vault/unlock_argon2id_19MiB_t2',
  vault_decrypt: 'vault/unlock_argon2id_64MiB_t3',
};

/** {"group/name": {medianNs, meanNs, when}} for every bench criterion has results for. */
export function readNative(root) {
  const base = join(root, 'target/criterion');
  const out = {};
  if (!existsSync(base)) return out;
  for (const group of readdirSync(base)) {
    const gdir = join(base, group);
    if (!statSync(gdir).isDirectory() || group === 'report') continue;
    for (const name of readdirSync(gdir)) {
      const file = join(gdir, name, 'new', 'estimates.json');
      if (!existsSync(file)) continue;
      const est = JSON.parse(readFileSync(file, 'utf8'));
      out[`${group}/${name}`] = {
        medianNs: est.median.point_estimate,
        meanNs: est.mean.point_estimate,
        when: statSync(file).mtime.toISOString(),
      };
    }
  }
  return out;
}
