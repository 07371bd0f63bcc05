// Visible progress for slow requests (Argon2id when unlocking or creating, scrypt for keystores):
// the core answers in one go, so the page shows an indeterminate progress bar and the time
// elapsed, and disables the form meanwhile.

import { h } from './dom.js';

/**
 * Runs `work` with `form`'s controls disabled and a progress line (label, bar, seconds) shown
 * at the end of `form` until it settles.
 * @template T
 * @param {HTMLElement} form
 * @param {string} label
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function withProgress(form, label, work) {
  const controls = [...form.querySelectorAll('input, button, select, textarea')].filter(
    (control) => !(/** @type {HTMLButtonElement} */ (control).disabled),
  );
  for (const control of controls) /** @type {HTMLButtonElement} */ (control).disabled = true;
  const elapsed = h('span', { class: 'elapsed', 'data-testid': 'elapsed', text: '0.0 s' });
  const text = h('span', { text: label });
  const bar = h('progress', { 'data-testid': 'progress' });
  const line = h('div', { class: 'progress-line', role: 'status', 'data-testid': 'busy' }, text, bar, elapsed);
  bar.setAttribute('aria-label', label);
  form.append(line);
  document.body.dataset.busy = 'true';
  const started = performance.now();
  const timer = setInterval(() => {
    elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  }, 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    line.remove();
    delete document.body.dataset.busy;
    for (const control of controls) /** @type {HTMLButtonElement} */ (control).disabled = false;
  }
}
