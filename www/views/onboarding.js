// No wallet yet: create one (password, the recovery phrase shown once, then three of its words
// asked back), or import one (recovery phrase, private key, keystore file, Custodian backup
// file, SLIP-39 recovery shares).

import { h, field, formError } from '../lib/dom.js';
import { withProgress } from '../lib/busy.js';
import { advanced, onNewPasswordSubmit } from '../lib/forms.js';
import { describeError } from '../lib/errors.js';
import { newPasswordFields } from '../lib/password-strength.js';
import { devKdf, withDevKdf } from '../lib/kdf.js';
import { readBytes } from '../lib/files.js';
import { BackupError, importBackup } from '../lib/backup.js';
import { showAuditLogState } from '../lib/audit-notice.js';

/** @typedef {import('../lib/types.js').App} App */
/** @typedef {import('../lib/types.js').Account} Account */

/** How many words of the phrase the user types back. */
const QUIZ_WORDS = 3;

/**
 * `count` distinct positions in `0..length`, ascending, from the browser's CSPRNG.
 * @param {number} length
 * @param {number} count
 */
export function pickPositions(length, count) {
  const chosen = new Set();
  const random = new Uint32Array(1);
  while (chosen.size < Math.min(count, length)) {
    crypto.getRandomValues(random);
    // Rejection sampling: no bias toward low positions.
    const limit = Math.floor(2 ** 32 / length) * length;
    if (random[0] < limit) chosen.add(random[0] % length);
  }
  return [...chosen].sort((a, b) => a - b);
}

/** @param {boolean} slow */
function kdfNote(slow) {
  return slow && devKdf() === undefined ? ' (Argon2id, 64 MiB: a few seconds)' : '';
}

/**
 * @param {App} app
 * @returns {HTMLElement}
 */
export function renderOnboarding(app) {
  const root = h('section', { class: 'onboarding', 'data-testid': 'onboarding' });
  /** @type {string | null} the new wallet's phrase, between creation and the quiz only */
  let mnemonic = null;
  /** @type {Account[]} */
  let createdAccounts = [];

  /** @param {string} name @param {HTMLElement} element */
  const step = (name, element) => {
    root.dataset.step = name;
    root.replaceChildren(element);
    const heading = element.querySelector('h1');
    if (heading instanceof HTMLElement) {
      heading.tabIndex = -1;
      heading.focus();
    }
    app.say('');
  };

  const welcome = () =>
    h(
      'div',
      { class: 'card welcome' },
      h('h1', { text: 'Welcome to Custodian' }),
      h('p', {
        class: 'lead',
        text: 'A wallet for Ethereum and Solana whose keys never leave this browser: they are generated and used inside a WebAssembly module, and stored encrypted with your password.',
      }),
      h(
        'div',
        { class: 'choices' },
        h(
          'button',
          { type: 'button', class: 'choice primary', onclick: () => step('create', createForm()) },
          h('strong', { text: 'Create a new wallet' }),
          h('span', { text: 'You get a new recovery phrase to write down.' }),
        ),
        h(
          'button',
          { type: 'button', class: 'choice', onclick: () => step('import', importChooser()) },
          h('strong', { text: 'Import or restore' }),
          h('span', { text: 'Recovery phrase, private key, keystore file, backup file or recovery shares.' }),
        ),
      ),
    );

  const createForm = () => {
    const passwords = newPasswordFields({ testid: 'create-password' });
    const words = h(
      'select',
      { name: 'words', 'data-testid': 'create-words' },
      h('option', { value: '12', text: '12 words' }),
      h('option', { value: '24', text: '24 words' }),
    );
    const error = formError();
    const form = h(
      'form',
      { class: 'stack', novalidate: true, autocomplete: 'off' },
      passwords.element,
      field('Recovery phrase length', words),
      error,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', text: 'Back', onclick: () => step('welcome', welcome()) }),
        h('button', { type: 'submit', class: 'primary', text: 'Create wallet' }),
      ),
    );
    onNewPasswordSubmit(form, error, passwords, async (password) => {
      const created = await withProgress(form, `Creating the wallet${kdfNote(true)}…`, () =>
        app.request('wallet_create', withDevKdf({ password, words: Number(words.value) })),
      );
      passwords.clear();
      mnemonic = created.mnemonic;
      createdAccounts = created.accounts;
      // Ask the browser not to evict the vault under storage pressure (it may say no).
      void navigator.storage?.persist?.().catch(() => undefined);
      app.pin(() => root);
      step('phrase', phraseStep());
      await app.refresh();
    });
    return h(
      'div',
      { class: 'card' },
      h('h1', { text: 'Create a wallet' }),
      h('p', {
        class: 'muted',
        text: 'Choose the password that unlocks this wallet in this browser. Nobody can reset it: only the recovery phrase you will be shown next can restore the wallet.',
      }),
      form,
    );
  };

  const phraseStep = () => {
    const words = (mnemonic ?? '').split(' ');
    const done = h('input', { type: 'checkbox', id: 'phrase-written', 'data-testid': 'phrase-written' });
    const next = h('button', { type: 'button', class: 'primary', disabled: true, text: 'Continue' });
    done.addEventListener('change', () => {
      next.disabled = !done.checked;
    });
    next.addEventListener('click', () => step('quiz', quizStep()));
    return h(
      'div',
      { class: 'card' },
      h('h1', { text: 'Write down your recovery phrase' }),
      h(
        'p',
        { class: 'callout warning' },
        h('strong', { text: 'Shown only this once. ' }),
        'Write the words on paper, in order, and keep them offline. Anyone who has them can take everything in this wallet; without them, a forgotten password means the wallet is lost. Do not photograph or copy them into another app.',
      ),
      h(
        'ol',
        { class: 'words', 'data-testid': 'mnemonic', 'aria-label': 'Recovery phrase' },
        words.map((word) => h('li', { text: word })),
      ),
      h('p', { class: 'muted', text: 'Your first addresses:' }),
      h(
        'ul',
        { class: 'plain first-addresses' },
        createdAccounts.map((a) => h('li', {}, h('span', { class: 'label', text: `${a.label} ` }), h('code', { text: a.address }))),
      ),
      h('div', { class: 'check' }, done, h('label', { for: 'phrase-written', text: `I have written down all ${words.length} words, in order` })),
      h('div', { class: 'buttons' }, next),
    );
  };

  const quizStep = () => {
    const words = (mnemonic ?? '').split(' ');
    const positions = pickPositions(words.length, QUIZ_WORDS);
    const inputs = positions.map((position) =>
      h('input', {
        type: 'text',
        autocomplete: 'off',
        autocapitalize: 'none',
        spellcheck: 'false',
        'data-position': String(position + 1),
        'data-testid': 'quiz-word',
      }),
    );
    const error = formError();
    const form = h(
      'form',
      { class: 'stack', novalidate: true, autocomplete: 'off' },
      inputs.map((input, i) => field(`Word #${positions[i] + 1}`, input)),
      error,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'button', text: 'Show the phrase again', onclick: () => step('phrase', phraseStep()) }),
        h('button', { type: 'submit', class: 'primary', text: 'Confirm' }),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const wrong = inputs.findIndex((input, i) => input.value.trim().toLowerCase() !== words[positions[i]]);
      for (const [i, input] of inputs.entries()) {
        input.setAttribute('aria-invalid', String(input.value.trim().toLowerCase() !== words[positions[i]]));
      }
      if (wrong !== -1) {
        error.show(`Word #${positions[wrong] + 1} does not match. Check your written copy (or show the phrase again).`);
        inputs[wrong].focus();
        return;
      }
      // The phrase leaves the page; the core shows it again only with the password (Settings).
      mnemonic = null;
      createdAccounts = [];
      root.replaceChildren();
      app.pin(null);
      app.navigate('accounts', { text: 'Your wallet is ready.', kind: 'success' });
    });
    return h(
      'div',
      { class: 'card' },
      h('h1', { text: 'Check your copy' }),
      h('p', { class: 'muted', text: `Type these ${QUIZ_WORDS} words from your written recovery phrase.` }),
      form,
    );
  };

  const importChooser = () => {
    const kinds = [
      ['mnemonic', 'Recovery phrase', importMnemonic],
      ['privateKey', 'Private key', importPrivateKey],
      ['keystore', 'Keystore file (JSON)', importKeystore],
      ['backup', 'Custodian backup file', importBackupForm],
      ['shares', 'Recovery shares (SLIP-39)', importShares],
    ];
    const slot = h('div', { class: 'import-form' });
    const radios = kinds.map(([value, label, make], i) => {
      const input = h('input', { type: 'radio', name: 'import-kind', id: `import-${value}`, value, checked: i === 0 });
      input.addEventListener('change', () => {
        if (input.checked) slot.replaceChildren(/** @type {() => HTMLElement} */ (make)());
      });
      return h('div', { class: 'radio' }, input, h('label', { for: `import-${value}`, text: String(label) }));
    });
    slot.append(importMnemonic());
    return h(
      'div',
      { class: 'card' },
      h('h1', { text: 'Import a wallet' }),
      h('fieldset', { class: 'segmented' }, h('legend', { text: 'What do you have?' }), radios),
      slot,
      h('div', { class: 'buttons' }, h('button', { type: 'button', text: 'Back', onclick: () => step('welcome', welcome()) })),
    );
  };

  /**
   * A form that creates the vault from what the user entered, with a new vault password.
   * @param {HTMLElement[]} inputs
   * @param {(password: string) => Promise<unknown>} submit
   * @param {{button: string, note: string, testid: string}} texts
   */
  const importForm = (inputs, submit, texts) => {
    const passwords = newPasswordFields({ label: 'New wallet password', testid: 'import-password' });
    const error = formError();
    const form = h(
      'form',
      { class: 'stack', novalidate: true, autocomplete: 'off', 'data-testid': texts.testid },
      inputs,
      passwords.element,
      error,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', text: texts.button })),
    );
    onNewPasswordSubmit(form, error, passwords, async (password) => {
      const result = await withProgress(form, texts.note, () => submit(password));
      passwords.clear();
      await finishImport(result);
    });
    return form;
  };

  /**
   * @param {unknown} result
   * @param {{restored?: boolean}} [options] `restored`: a backup file, whose unlock reports on its audit log
   */
  const finishImport = async (result, { restored = false } = {}) => {
    const count = /** @type {{accounts?: unknown[]}} */ (result)?.accounts?.length ?? 0;
    root.replaceChildren();
    history.replaceState(null, '', '#/accounts');
    await app.refresh();
    if (restored) showAuditLogState(/** @type {{auditLog?: {status: string}}} */ (result)?.auditLog, { restored });
    app.say(`Wallet imported with ${count} account${count === 1 ? '' : 's'}.`, 'success');
  };

  const importMnemonic = () => {
    const phrase = h('textarea', {
      rows: 3,
      autocomplete: 'off',
      autocapitalize: 'none',
      spellcheck: 'false',
      'data-testid': 'import-mnemonic',
    });
    const passphrase = h('input', { type: 'password', autocomplete: 'off', 'data-testid': 'import-passphrase' });
    return importForm(
      [
        field('Recovery phrase (12 to 24 words)', phrase, 'Words separated by spaces, in order.'),
        advanced(
          'BIP-39 passphrase (advanced)',
          field('Passphrase', passphrase, 'Only if the phrase was created with an extra passphrase ("25th word").'),
        ),
      ],
      (password) =>
        app.request(
          'wallet_import',
          withDevKdf({
            password,
            mnemonic: phrase.value.trim().toLowerCase().split(/\s+/).join(' '),
            ...(passphrase.value === '' ? {} : { passphrase: passphrase.value }),
          }),
        ),
      { button: 'Import', note: `Importing${kdfNote(true)}…`, testid: 'import-mnemonic-form' },
    );
  };

  const importPrivateKey = () => {
    const chain = h(
      'select',
      { 'data-testid': 'import-key-chain' },
      h('option', { value: 'secp256k1', text: 'Ethereum (secp256k1)' }),
      h('option', { value: 'ed25519', text: 'Solana (Ed25519)' }),
    );
    const key = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'import-key' });
    return importForm(
      [
        field('Chain', chain),
        field(
          'Private key',
          key,
          'Ethereum: 64 hex digits. Solana: the 64-byte secret key in base58 (as Phantom exports it) or hex, or the 32-byte seed in hex.',
        ),
      ],
      (password) => app.request('wallet_import', withDevKdf({ password, privateKey: key.value.trim(), curve: chain.value })),
      { button: 'Import', note: `Importing${kdfNote(true)}…`, testid: 'import-key-form' },
    );
  };

  const importKeystore = () => {
    const file = h('input', { type: 'file', accept: '.json,application/json', 'data-testid': 'import-keystore-file' });
    const keystorePassword = h('input', { type: 'password', autocomplete: 'off', 'data-testid': 'import-keystore-password' });
    return importForm(
      [field('Keystore file', file, 'A version 3 JSON keystore (MetaMask, Geth, ethers).'), field('Keystore password', keystorePassword)],
      async (password) => {
        const chosen = file.files?.[0];
        if (chosen === undefined) throw new Error('choose the keystore file');
        const text = new TextDecoder().decode(await readBytes(chosen));
        return app.request('wallet_import', withDevKdf({ password, keystore: text, keystorePassword: keystorePassword.value }));
      },
      { button: 'Import', note: 'Decrypting the keystore and creating the wallet (this takes a few seconds)…', testid: 'import-keystore-form' },
    );
  };

  const importShares = () => {
    const shares = h('textarea', { rows: 6, autocomplete: 'off', spellcheck: 'false', 'data-testid': 'import-shares' });
    const passphrase = h('input', { type: 'password', autocomplete: 'off', 'data-testid': 'import-shares-passphrase' });
    return importForm(
      [
        field('Recovery shares', shares, 'One share per line (20 or 33 words each); as many as the threshold requires.'),
        advanced('Share passphrase (advanced)', field('Passphrase', passphrase, 'Only if the shares were made with a SLIP-39 passphrase.')),
      ],
      (password) =>
        app.request(
          'wallet_recoverFromShares',
          withDevKdf({
            password,
            shares: shares.value
              .split('\n')
              .map((line) => line.trim().toLowerCase().split(/\s+/).join(' '))
              .filter((line) => line !== ''),
            ...(passphrase.value === '' ? {} : { passphrase: passphrase.value }),
          }),
        ),
      { button: 'Recover', note: `Recovering${kdfNote(true)}…`, testid: 'import-shares-form' },
    );
  };

  const importBackupForm = () => {
    const file = h('input', { type: 'file', accept: '.vault,application/octet-stream', 'data-testid': 'import-backup-file' });
    const password = h('input', { type: 'password', autocomplete: 'current-password', 'data-testid': 'import-backup-password' });
    const error = formError();
    const form = h(
      'form',
      { class: 'stack', novalidate: true, autocomplete: 'off', 'data-testid': 'import-backup-form' },
      field('Backup file', file, 'The encrypted file downloaded from Settings → "Download encrypted backup".'),
      field('Password of the backup', password, 'The wallet password at the time the backup was made.'),
      error,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', text: 'Restore' })),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.clear();
      void (async () => {
        const chosen = file.files?.[0];
        if (chosen === undefined) {
          error.show('Choose the backup file.');
          file.focus();
          return;
        }
        const bytes = await readBytes(chosen);
        app.expectRestart(true);
        let result;
        try {
          result = await withProgress(form, 'Checking the backup and its password…', () =>
            importBackup({ custodian: app.custodian, bytes, password: password.value }),
          );
        } finally {
          app.expectRestart(false);
        }
        password.value = '';
        await finishImport(result, { restored: true });
      })().catch((e) => {
        error.show(e instanceof BackupError ? e.message : describeError(e));
        password.select();
      });
    });
    return form;
  };

  step('welcome', welcome());
  return root;
}
