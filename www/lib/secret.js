// Showing exported secrets: only after the user asked (and gave the password again), in a box
// with a Hide button that removes them from the page. They never go into the URL, storage or
// the console.

import { h } from './dom.js';

/**
 * A box with secret values. Hiding it (the button, or Escape inside it) or leaving the view
 * removes the text from the DOM. Put the focus on its Hide button once it is shown.
 * @param {string} title
 * @param {Array<[string, string | string[]]>} entries  label and value (a list shows numbered)
 * @param {{onHide?: () => void, warning?: string}} [options]
 * @returns {HTMLElement}
 */
export function secretBox(title, entries, { onHide = () => undefined, warning } = {}) {
  const hide = h('button', { type: 'button', class: 'small', 'data-testid': 'hide-secret', text: 'Hide' });
  const box = h(
    'div',
    { class: 'secret', role: 'region', 'aria-label': title, 'data-testid': 'secret' },
    h('div', { class: 'secret-head' }, h('strong', { text: title }), hide),
    warning ? h('p', { class: 'callout warning', text: warning }) : null,
    entries.map(([label, value]) =>
      Array.isArray(value)
        ? h(
            'div',
            { class: 'secret-entry' },
            h('p', { class: 'secret-label', text: label }),
            h(
              'ol',
              { class: label.toLowerCase().includes('phrase') ? 'words' : 'shares', 'data-testid': 'secret-list' },
              value.map((item) => h('li', { text: item })),
            ),
          )
        : h(
            'div',
            { class: 'secret-entry' },
            h('p', { class: 'secret-label', text: label }),
            h('code', { class: 'secret-value', 'data-testid': 'secret-value', text: value }),
          ),
    ),
  );
  const remove = () => {
    box.replaceChildren();
    box.remove();
    onHide();
  };
  hide.addEventListener('click', remove);
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      remove();
    }
  });
  return box;
}
