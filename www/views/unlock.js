// A wallet is stored but locked: its password, with visible progress while Argon2id runs.

import { h, field, formError } from '../lib/dom.js';
import { withProgress } from '../lib/busy.js';
import { describeError, errorKind } from '../lib/errors.js';
import { showAuditLogState } from '../lib/audit-notice.js';

/** @typedef {import('../lib/types.js').App} App */

/**
 * @param {App} app
 * @returns {HTMLElement}
 */
export function renderUnlock(app) {
  const password = h('input', {
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'unlock-password',
  });
  const error = formError();
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field('Password', password),
    error,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', text: 'Unlock' })),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.clear();
    password.removeAttribute('aria-invalid');
    if (password.value === '') {
      error.show('Enter the password.');
      password.focus();
      return;
    }
    void (async () => {
      const result = await withProgress(form, 'Unlocking: deriving the key from your password (Argon2id)…', () =>
        app.request('wallet_unlock', { password: password.value }),
      );
      password.value = '';
      await app.refresh();
      showAuditLogState(result?.auditLog);
      app.say('Unlocked.', 'success');
    })().catch((e) => {
      error.show(describeError(e));
      if (errorKind(e) === 'WrongPassword') password.setAttribute('aria-invalid', 'true');
      password.select();
      password.focus();
    });
  });
  queueMicrotask(() => password.focus());
  return h(
    'section',
    { class: 'card narrow' },
    h('h1', { text: 'Unlock your wallet' }),
    h('p', { class: 'muted', text: 'A wallet is stored in this browser. Enter its password.' }),
    form,
    h('p', {
      class: 'hint',
      text: 'Forgot the password? Nobody can reset it. Your recovery phrase (or a backup and its password) restores the wallet in a fresh browser profile.',
    }),
  );
}
