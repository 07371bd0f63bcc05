// The development switch for the vault's key-derivation cost.

/** The lowest Argon2id cost a vault accepts (docs/vault-format.md). For tests and development. */
export const FLOOR_KDF = Object.freeze({ memoryKib: 19456, iterations: 2, parallelism: 1 });

/**
 * `?kdf=floor` in the URL, or `localStorage['custodian.dev.kdf'] = 'floor'`: new vaults use the
 * floor cost so tests do not wait for the default (64 MiB, t=3). Unlocking always uses whatever
 * cost the stored vault names.
 * @returns {typeof FLOOR_KDF | undefined}
 */
export function devKdf() {
  let setting = new URLSearchParams(location.search).get('kdf');
  if (setting === null) {
    try {
      setting = localStorage.getItem('custodian.dev.kdf');
    } catch {
      setting = null; // storage disabled: no dev setting
    }
  }
  return setting === 'floor' ? FLOOR_KDF : undefined;
}

/**
 * `params` with the dev KDF added when the switch is on.
 * @template {object} T
 * @param {T} params
 * @returns {T & {kdf?: typeof FLOOR_KDF}}
 */
export function withDevKdf(params) {
  const kdf = devKdf();
  return kdf ? { ...params, kdf } : params;
}
