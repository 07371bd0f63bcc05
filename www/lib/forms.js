// Form pieces that several views build the same way.

import { h } from './dom.js';
import { describeError } from './errors.js';

/**
 * A collapsed "advanced" section: `<details class="advanced">` with `summaryText` as its summary.
 * @param {string} summaryText
 * @param {...Node} children
 * @returns {HTMLDetailsElement}
 */
export function advanced(summaryText, ...children) {
  return /** @type {HTMLDetailsElement} */ (h('details', { class: 'advanced' }, h('summary', { text: summaryText }), ...children));
}

/**
 * On submit of `form`, checks the new password in `passwords`: if it is refused, shows why in
 * `error` and focuses the field at fault; else runs `onPassword` with it. Whatever `onPassword`
 * throws is shown in `error`.
 * @param {HTMLFormElement} form
 * @param {{show(text: string): void, clear(): void}} error
 * @param {{check(): Promise<{ok: true, password: string} | {ok: false, error: string, focus: HTMLInputElement}>}} passwords
 * @param {(password: string) => Promise<void>} onPassword
 */
export function onNewPasswordSubmit(form, error, passwords, onPassword) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.clear();
    void (async () => {
      const checked = await passwords.check();
      if (!checked.ok) {
        error.show(checked.error);
        checked.focus.focus();
        return;
      }
      await onPassword(checked.password);
    })().catch((e) => error.show(describeError(e)));
  });
}
