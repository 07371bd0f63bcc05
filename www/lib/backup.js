// The encrypted backup file: exactly the sealed vault bytes this browser stores (the same bytes
// as the IndexedDB record, docs/vault-format.md), so it is as safe as the password that seals
// it, and it restores the keys, accounts, labels, settings, policy and the audit log's keys and
// head. Not the log's entries: they are separate records (docs/audit-log.md, "Storage"), so the
// restored wallet's first unlock reports the log as damaged and logs the gap (`audit.damaged`);
// download the audit log before a move if its entries matter.
//
// Import checks the file before it touches the wallet: the bytes go into a separate staging
// database, a second Worker opens them with the real core and unlocks them with the given
// password, and only then are they installed into the (empty) wallet database and unlocked
// there. A damaged file or a wrong password leaves this browser as it was.

import { createCustodian, openVaultStore, sealedVaultGeneration } from '../vendor/custodian-web/dist/index.js';

/** The wallet's IndexedDB database (the @custodian/web default). */
export const WALLET_DB = 'custodian';
/** Where an imported file is tried out first; deleted afterwards. */
const STAGING_DB = 'custodian-import-check';

/** A backup that cannot be imported, with a sentence for the user. */
export class BackupError extends Error {
  /**
   * @param {'NotABackup' | 'Unreadable' | 'WalletExists'} kind
   * @param {string} message
   */
  constructor(kind, message) {
    super(message);
    this.name = 'BackupError';
    this.kind = kind;
    this.data = { kind };
  }
}

/**
 * The newest sealed vault stored in this browser.
 * @returns {Promise<Uint8Array>}
 */
export async function readSealedVault() {
  const store = await openVaultStore({ indexedDB, name: WALLET_DB });
  try {
    const loaded = await store.load((bytes) => bytes);
    if (loaded === undefined) throw new BackupError('Unreadable', 'No wallet is stored in this browser.');
    return loaded.value;
  } finally {
    store.close();
  }
}

/**
 * Deletes a database; does not wait forever if a connection is slow to close.
 * @param {string} name
 */
function deleteDatabase(name) {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve(undefined);
    request.onerror = () => resolve(undefined);
    request.onblocked = () => setTimeout(() => resolve(undefined), 3000);
  });
}

/**
 * Imports a backup file into this browser's empty wallet and unlocks it.
 * @param {object} options
 * @param {{restart(): void, ready(): Promise<void>, request(args: {method: string, params?: object}): Promise<unknown>}} options.custodian
 *   the page's wallet (restarted to load the installed vault)
 * @param {Uint8Array} options.bytes  the file
 * @param {string} options.password  the password the vault was sealed with
 * @param {(step: 'check' | 'install' | 'unlock') => void} [options.onStep]
 * @returns {Promise<{accounts: Array<{chain: string, address: string}>, auditLog?: {status: string}}>} the unlock's result; its `auditLog` reports the log's entries missing (a backup holds none)
 */
export async function importBackup({ custodian, bytes, password, onStep = () => undefined }) {
  if (sealedVaultGeneration(bytes) === undefined) {
    throw new BackupError(
      'NotABackup',
      'This file is not a Custodian backup. Choose the encrypted backup file downloaded from Settings.',
    );
  }

  onStep('check');
  await deleteDatabase(STAGING_DB);
  const staging = await openVaultStore({ indexedDB, name: STAGING_DB });
  try {
    await staging.install(bytes);
  } finally {
    staging.close();
  }
  const checker = createCustodian({ dbName: STAGING_DB });
  try {
    try {
      await checker.ready();
    } catch {
      throw new BackupError(
        'Unreadable',
        'This backup cannot be opened: the file is damaged, or it was written by a newer version of Custodian.',
      );
    }
    // A wrong password rejects here with WrongPassword, before anything is installed.
    await checker.request({ method: 'wallet_unlock', params: { password } });
  } finally {
    checker.terminate();
    await deleteDatabase(STAGING_DB);
  }

  onStep('install');
  const store = await openVaultStore({ indexedDB, name: WALLET_DB });
  try {
    await store.install(bytes);
  } catch (error) {
    if (/** @type {{kind?: string}} */ (error)?.kind === 'StorageConflict') {
      throw new BackupError('WalletExists', 'A wallet is already stored in this browser; a backup cannot replace it.');
    }
    throw error;
  } finally {
    store.close();
  }
  // The running Worker opened the empty database; a new one loads the installed vault.
  custodian.restart();
  await custodian.ready();
  onStep('unlock');
  return /** @type {Promise<{accounts: Array<{chain: string, address: string}>, auditLog?: {status: string}}>} */ (
    custodian.request({ method: 'wallet_unlock', params: { password } })
  );
}
