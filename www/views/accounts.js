// The accounts, per chain: full addresses (never shortened: shortened addresses are what
// address-poisoning imitates), copy with a visible confirmation, a QR code, renaming, and a
// button to add the next account of each chain.

import { h, field, formError } from '../lib/dom.js';
import { describeError } from '../lib/errors.js';
import { CHAIN_NAME } from '../lib/format.js';
import { qrCode } from '../lib/qr.js';

/** @typedef {import('../lib/types.js').App} App */
/** @typedef {import('../lib/types.js').Account} Account */

const CHAINS = /** @type {const} */ (['ethereum', 'solana']);
/** The core's limit for labels, in characters (a longer one is refused). */
const LABEL_MAX = 64;

/**
 * Copies `text`, and says so on the button for a moment and in the status line.
 * @param {App} app
 * @param {HTMLButtonElement} button
 * @param {string} text
 * @param {string} what
 */
async function copy(app, button, text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    app.say(`Copying was refused by the browser; select the ${what} and copy it by hand.`, 'error');
    return;
  }
  const original = button.textContent;
  button.textContent = 'Copied ✓';
  button.dataset.copied = 'true';
  app.say(`${what[0].toUpperCase()}${what.slice(1)} copied to the clipboard.`, 'success');
  setTimeout(() => {
    button.textContent = original;
    delete button.dataset.copied;
  }, 2000);
}

/**
 * A modal with the QR code of an address (Escape or the button closes it).
 * @param {Account} account
 */
function showQr(account) {
  const close = h('button', { type: 'button', text: 'Close' });
  const dialog = h(
    'dialog',
    { class: 'qr-dialog', 'aria-labelledby': 'qr-title', 'data-testid': 'qr-dialog' },
    h('h2', { id: 'qr-title', text: `${account.label}` }),
    h('p', { class: 'muted', text: `${CHAIN_NAME[account.chain] ?? account.chain} address` }),
    qrCode(account.address, `QR code of ${account.address}`),
    h('code', { class: 'address', text: account.address }),
    h('div', { class: 'buttons' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

/**
 * @param {App} app
 * @param {Account} account
 * @param {() => void} rerender
 */
function accountItem(app, account, rerender) {
  const label = h('span', { class: 'label', 'data-testid': 'account-label', text: account.label });
  const path = h('span', { class: 'path', text: account.path ?? 'imported key' });
  const address = h('code', { class: 'address', 'data-testid': `${account.chain}-address`, text: account.address });
  const copyButton = h('button', { type: 'button', class: 'small', 'aria-label': `Copy the address of ${account.label}`, text: 'Copy' });
  copyButton.addEventListener('click', () => void copy(app, copyButton, account.address, 'address'));
  const qrButton = h('button', {
    type: 'button',
    class: 'small',
    'aria-label': `Show the QR code of ${account.label}`,
    text: 'QR code',
    onclick: () => showQr(account),
  });
  const renameButton = h('button', { type: 'button', class: 'small', 'aria-label': `Rename ${account.label}`, text: 'Rename' });
  const actions = h('div', { class: 'account-actions' }, copyButton, qrButton, renameButton);
  const item = h(
    'li',
    { class: 'account', 'data-chain': account.chain, 'data-testid': 'account' },
    h('div', { class: 'account-head' }, label, path),
    address,
    actions,
  );

  renameButton.addEventListener('click', () => {
    const input = h('input', { type: 'text', value: account.label, maxlength: LABEL_MAX, 'data-testid': 'rename-input' });
    const error = formError();
    const form = h(
      'form',
      { class: 'rename', novalidate: true },
      field('New label', input),
      error,
      h(
        'div',
        { class: 'buttons' },
        h('button', { type: 'submit', class: 'primary small', text: 'Save' }),
        h('button', { type: 'button', class: 'small', text: 'Cancel', onclick: () => cancel() }),
      ),
    );
    const cancel = () => {
      form.replaceWith(actions);
      renameButton.focus();
    };
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        cancel();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (text === '') {
        error.show('A label cannot be empty.');
        return;
      }
      void app
        .request('wallet_renameAccount', { address: account.address, label: text })
        .then(() => {
          app.say(`Renamed to ${text}.`, 'success');
          rerender();
        })
        .catch((e) => error.show(describeError(e)));
    });
    actions.replaceWith(form);
    input.select();
    input.focus();
  });
  return item;
}

/**
 * @param {App} app
 * @returns {Promise<HTMLElement>}
 */
export async function renderAccounts(app) {
  /** @type {Account[]} */
  const accounts = await app.request('wallet_listAccounts', {});
  const rerender = () => void app.refresh();
  const sections = CHAINS.map((chain) => {
    const mine = accounts.filter((account) => account.chain === chain);
    const add = h('button', { type: 'button', 'data-testid': `add-${chain}`, text: `Add ${CHAIN_NAME[chain]} account` });
    add.addEventListener('click', () => {
      add.disabled = true;
      void app
        .request('wallet_addAccount', { chain })
        .then(async (account) => {
          await app.refresh();
          app.say(`Added ${account.label}.`, 'success');
        })
        .catch((e) => {
          add.disabled = false;
          app.say(describeError(e), 'error');
        });
    });
    return h(
      'section',
      { class: 'chain-section', 'aria-labelledby': `heading-${chain}` },
      h('div', { class: 'section-head' }, h('h2', { id: `heading-${chain}`, text: CHAIN_NAME[chain] }), add),
      mine.length === 0
        ? h('p', { class: 'muted', text: `No ${CHAIN_NAME[chain]} account.` })
        : h('ul', { class: 'accounts', 'data-testid': `${chain}-accounts` }, mine.map((account) => accountItem(app, account, rerender))),
    );
  });
  return h('section', { class: 'view-accounts' }, h('h1', { text: 'Accounts' }), sections);
}
