// Settings: password and auto-lock; backups and exports (each asks for the password again);
// connected sites; custody (policy, pending approvals, audit log).

import { h, field, formError } from '../lib/dom.js';
import { withProgress } from '../lib/busy.js';
import { onNewPasswordSubmit } from '../lib/forms.js';
import { describeError, isMethodMissing } from '../lib/errors.js';
import { CHAIN_NAME, formatTime } from '../lib/format.js';
import { download, today } from '../lib/files.js';
import { newPasswordFields } from '../lib/password-strength.js';
import { withDevKdf } from '../lib/kdf.js';
import { secretBox } from '../lib/secret.js';
import { readSealedVault } from '../lib/backup.js';
import { renderCustody } from './custody.js';

/** @typedef {import('../lib/types.js').App} App */
/** @typedef {import('../lib/types.js').Account} Account */

const MAX_AUTO_LOCK_MINUTES = 10080;

/** @param {string} title @param {string} id @param {...any} children */
function card(title, id, ...children) {
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id, text: title }), ...children);
}

/** A password input for re-confirming an export. */
function passwordAgain(testid) {
  return h('input', { type: 'password', autocomplete: 'current-password', required: true, 'data-testid': testid });
}

/**
 * A form that asks for the password again and then does `work`; the result goes to `slot`.
 * @param {App} app
 * @param {{fields: HTMLElement[], password: HTMLInputElement, button: string, note: string, testid: string,
 *   work: (password: string) => Promise<HTMLElement | null>}} options
 */
function exportForm(app, { fields, password, button, note, testid, work }) {
  const error = formError();
  const slot = h('div', { class: 'secret-slot' });
  const form = h(
    'form',
    { class: 'stack', novalidate: true, autocomplete: 'off', 'data-testid': testid },
    fields,
    field('Wallet password', password),
    error,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', text: button })),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.clear();
    slot.replaceChildren();
    if (password.value === '') {
      error.show('Enter the wallet password.');
      password.focus();
      return;
    }
    void withProgress(form, note, () => work(password.value))
      .then((shown) => {
        password.value = '';
        if (shown) {
          slot.replaceChildren(shown);
          /** @type {HTMLElement | null} */ (shown.querySelector('[data-testid="hide-secret"]'))?.focus();
        }
      })
      .catch((e) => {
        error.show(describeError(e));
        password.select();
      });
  });
  return h('div', {}, form, slot);
}

/**
 * @param {Account[]} accounts
 * @param {string} testid
 */
function accountSelect(accounts, testid) {
  return h(
    'select',
    { 'data-testid': testid },
    accounts.map((a) => h('option', { value: a.address, text: `${a.label} (${CHAIN_NAME[a.chain] ?? a.chain}) — ${a.address}` })),
  );
}

/** @param {App} app */
function securityCard(app, autoLockMinutes) {
  // Change password.
  const oldPassword = passwordAgain('old-password');
  const passwords = newPasswordFields({ label: 'New password', testid: 'change-password' });
  const error = formError();
  const form = h(
    'form',
    { class: 'stack', novalidate: true, autocomplete: 'off', 'data-testid': 'change-password-form' },
    field('Current password', oldPassword),
    passwords.element,
    error,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', text: 'Change password' })),
  );
  onNewPasswordSubmit(form, error, passwords, async (password) => {
    await withProgress(form, 'Re-encrypting the vault with the new password…', () =>
      app.request('wallet_changePassword', withDevKdf({ oldPassword: oldPassword.value, newPassword: password })),
    );
    oldPassword.value = '';
    passwords.clear();
    app.say('Password changed.', 'success');
  });

  // Auto-lock.
  const minutes = h('input', {
    type: 'number',
    min: 0,
    max: MAX_AUTO_LOCK_MINUTES,
    step: 1,
    inputmode: 'numeric',
    value: autoLockMinutes ?? '',
    'data-testid': 'auto-lock-minutes',
  });
  const lockError = formError();
  const lockForm = h(
    'form',
    { class: 'inline-form', novalidate: true, 'data-testid': 'auto-lock-form' },
    field('Lock after this many idle minutes', minutes, '0 means never. The wallet locks itself when nothing has used it for this long.'),
    h('button', { type: 'submit', text: 'Save' }),
    lockError,
  );
  lockForm.addEventListener('submit', (event) => {
    event.preventDefault();
    lockError.clear();
    const value = Number(minutes.value);
    if (minutes.value === '' || !Number.isInteger(value) || value < 0 || value > MAX_AUTO_LOCK_MINUTES) {
      lockError.show(`Enter a whole number of minutes from 0 to ${MAX_AUTO_LOCK_MINUTES}.`);
      minutes.focus();
      return;
    }
    void app
      .request('wallet_updateSettings', { autoLockMinutes: value })
      .then(async (saved) => {
        await app.refresh(); // reschedules the page's auto-lock check
        app.say(saved.autoLockMinutes === 0 ? 'Auto-lock turned off.' : `The wallet now locks after ${saved.autoLockMinutes} idle minutes.`, 'success');
      })
      .catch((e) => lockError.show(describeError(e)));
  });

  return card('Password and locking', 'settings-security', h('h3', { text: 'Change password' }), form, h('h3', { text: 'Auto-lock' }), lockForm);
}

/**
 * @param {App} app
 * @param {Account[]} accounts
 */
function backupCard(app, accounts) {
  // Encrypted backup file.
  const downloadButton = h('button', { type: 'button', 'data-testid': 'download-backup', text: 'Download encrypted backup' });
  downloadButton.addEventListener('click', () => {
    void readSealedVault()
      .then((bytes) => {
        download(`custodian-backup-${today()}.vault`, bytes, 'application/octet-stream');
        app.say('Backup downloaded. It is encrypted with your current password: keep both.', 'success');
      })
      .catch((e) => app.say(describeError(e), 'error'));
  });

  const ethereum = accounts.filter((a) => a.chain === 'ethereum');
  const phrasePassword = passwordAgain('export-mnemonic-password');
  const keyPassword = passwordAgain('export-key-password');
  const keyAccount = accountSelect(accounts, 'export-key-account');
  const keystorePassword = passwordAgain('export-keystore-password');
  const keystoreAccount = accountSelect(ethereum, 'export-keystore-account');
  const keystoreFilePassword = h('input', { type: 'password', autocomplete: 'new-password', 'data-testid': 'keystore-file-password' });
  const sharesPassword = passwordAgain('shares-password');
  const threshold = h('input', { type: 'number', min: 1, max: 16, value: 2, 'data-testid': 'shares-threshold' });
  const count = h('input', { type: 'number', min: 1, max: 16, value: 3, 'data-testid': 'shares-count' });

  return card(
    'Backup and export',
    'settings-backup',
    h('h3', { text: 'Encrypted backup file' }),
    h('p', {
      class: 'muted',
      text: 'The vault exactly as this browser stores it, encrypted with your password. Import it on another browser with "Import or restore → Custodian backup file".',
    }),
    h('div', { class: 'buttons' }, downloadButton),

    h('h3', { text: 'Recovery phrase' }),
    exportForm(app, {
      fields: [],
      password: phrasePassword,
      button: 'Show recovery phrase',
      note: 'Checking the password…',
      testid: 'export-mnemonic-form',
      work: async (password) => {
        const { mnemonic } = await app.request('wallet_export', { password, what: 'mnemonic' });
        return secretBox('Recovery phrase', [['Recovery phrase', mnemonic.split(' ')]], {
          warning: 'Anyone who sees these words can take everything. Make sure nobody is watching.',
        });
      },
    }),

    h('h3', { text: 'Private key' }),
    exportForm(app, {
      fields: [field('Account', keyAccount)],
      password: keyPassword,
      button: 'Show private key',
      note: 'Checking the password…',
      testid: 'export-key-form',
      work: async (password) => {
        const exported = await app.request('wallet_export', { password, what: 'privateKey', address: keyAccount.value });
        /** @type {Array<[string, string]>} */
        const entries = [['Private key', exported.privateKey]];
        if (exported.secretKeyBase58) entries.push(['Secret key (base58, for Phantom and the Solana CLI)', exported.secretKeyBase58]);
        return secretBox(`Private key of ${keyAccount.value}`, entries, {
          warning: 'Anyone who sees this key can take everything in this account.',
        });
      },
    }),

    h('h3', { text: 'Keystore file (Ethereum)' }),
    ethereum.length === 0
      ? h('p', { class: 'muted', text: 'No Ethereum account.' })
      : exportForm(app, {
          fields: [
            field('Account', keystoreAccount),
            field('Keystore file password', keystoreFilePassword, 'Leave empty to use the wallet password.'),
          ],
          password: keystorePassword,
          button: 'Download keystore file',
          note: 'Encrypting the keystore (scrypt: a few seconds)…',
          testid: 'export-keystore-form',
          work: async (password) => {
            const address = keystoreAccount.value;
            const params = { password, what: 'keystore', address };
            if (keystoreFilePassword.value !== '') params.keystorePassword = keystoreFilePassword.value;
            const { keystore } = await app.request('wallet_export', params);
            keystoreFilePassword.value = '';
            const stamp = new Date().toISOString().replace(/:/g, '-');
            download(`UTC--${stamp}--${address.slice(2).toLowerCase()}.json`, keystore, 'application/json');
            app.say('Keystore file downloaded.', 'success');
            return null;
          },
        }),

    h('h3', { text: 'Recovery shares (SLIP-39)' }),
    h('p', {
      class: 'muted',
      text: 'Split the recovery phrase into shares, so that any threshold of them restores the wallet and fewer reveal nothing. Give them to different people or places.',
    }),
    exportForm(app, {
      fields: [h('div', { class: 'inline-fields' }, field('Shares needed', threshold), field('Shares in total', count))],
      password: sharesPassword,
      button: 'Make shares',
      note: 'Checking the password and splitting…',
      testid: 'shares-form',
      work: async (password) => {
        const result = await app.request('wallet_backupShares', {
          password,
          groupThreshold: 1,
          groups: [{ threshold: Number(threshold.value), count: Number(count.value) }],
        });
        const shares = result.groups.flat();
        return secretBox(`${threshold.value} of ${count.value} recovery shares`, [['Shares', shares]], {
          warning: result.bip39PassphraseRequired
            ? 'Write each share down separately. This wallet also uses a BIP-39 passphrase, which the shares do not contain.'
            : 'Write each share down separately; any threshold of them restores the wallet.',
        });
      },
    }),
  );
}

/** @param {App} app */
async function sitesCard(app) {
  let sites;
  try {
    sites = await app.request('wallet_listSites', {});
  } catch (error) {
    if (!isMethodMissing(error)) throw error;
    return card('Connected sites', 'settings-sites', h('p', { class: 'muted', text: 'This version of the wallet core does not keep site connections yet.' }));
  }
  if (sites.length === 0) {
    return card('Connected sites', 'settings-sites', h('p', { class: 'muted', 'data-testid': 'no-sites', text: 'No site is connected.' }));
  }
  /**
   * A button that asks the core `method` for this site, then shows the view again and says `done`.
   * @param {string} label
   * @param {string} accessible
   * @param {string} method
   * @param {string} origin
   * @param {string} done
   */
  const siteAction = (label, accessible, method, origin, done) => {
    const button = h('button', { type: 'button', class: 'small danger', 'aria-label': accessible, text: label });
    button.addEventListener('click', () => {
      button.disabled = true;
      void app
        .request(method, { origin })
        .then(async () => {
          await app.refresh();
          app.say(done, 'success');
        })
        .catch((e) => {
          button.disabled = false;
          app.say(describeError(e), 'error');
        });
    });
    return button;
  };
  const items = sites.map((site) => {
    const connected = typeof site.connectedAt === 'number';
    const blocked = site.blocked
      ? h('p', {
          class: 'callout warning',
          'data-testid': 'site-blocked',
          text:
            typeof site.blocked.until === 'number'
              ? `Blocked until ${formatTime(site.blocked.until)}: its requests are refused without asking you.`
              : 'Blocked: its requests are refused without asking you.',
        })
      : null;
    const buttons = [
      connected
        ? siteAction('Disconnect', `Disconnect ${site.origin}`, 'wallet_revokeSite', site.origin, `${site.origin} is disconnected.`)
        : null,
      site.blocked
        ? siteAction('Unblock', `Unblock ${site.origin}`, 'wallet_unblockSite', site.origin, `${site.origin} is no longer blocked.`)
        : siteAction('Block', `Block ${site.origin}`, 'wallet_blockSite', site.origin, `${site.origin} is blocked.`),
    ];
    return h(
      'li',
      { class: 'site', 'data-testid': 'site', 'data-origin': site.origin },
      h(
        'div',
        {},
        h('strong', { class: 'site-origin', text: site.origin }),
        h('p', { class: 'muted', text: connected ? `Connected ${formatTime(site.connectedAt)}` : 'Not connected' }),
      ),
      blocked,
      h('ul', { class: 'plain site-accounts' }, (site.accounts ?? []).map((address) => h('li', {}, h('code', { text: address })))),
      h('div', { class: 'buttons' }, buttons),
    );
  });
  return card('Connected sites', 'settings-sites', h('ul', { class: 'plain sites', 'data-testid': 'sites' }, items));
}

/**
 * @param {App} app
 * @returns {Promise<HTMLElement>}
 */
export async function renderSettings(app) {
  /** @type {Account[]} */
  const accounts = await app.request('wallet_listAccounts', {});
  // Listing the accounts was activity, so the deadline is now + the setting.
  const status = await app.request('wallet_status');
  const autoLockMinutes = typeof status.autoLockAt === 'number' ? Math.max(0, Math.round((status.autoLockAt - Date.now()) / 60_000)) : 0;
  const [sites, custody] = await Promise.all([sitesCard(app), renderCustody(app)]);
  return h(
    'section',
    { class: 'view-settings' },
    h('h1', { text: 'Settings' }),
    securityCard(app, autoLockMinutes),
    backupCard(app, accounts),
    sites,
    custody,
  );
}
