// Small DOM helpers. Everything the wallet shows that came from outside (origins, previews,
// labels, addresses) goes in as text: `h` sets `textContent` for string children and never
// parses HTML, so no view needs `innerHTML`.

/**
 * @typedef {string | number | Node | null | undefined | false} Child
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Attributes
 */

/**
 * Creates an element. `attrs`: `class`, `for`, `data-*`, `aria-*` and other attributes as
 * strings (`true` = present, `false`/`null`/`undefined` = absent); `on<event>` keys add listeners;
 * `text` sets the text content. Children are nodes or text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attributes} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else if (name === 'text') {
      element.textContent = String(value);
    } else if (name === 'style') {
      throw new Error('inline styles are not allowed (CSP style-src): use a class');
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/**
 * Appends children (nested arrays flattened; strings as text nodes).
 * @param {Element | DocumentFragment} parent
 * @param {(Child | Child[])[]} children
 */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/**
 * The element with this id; throws if the page has none (a programming error).
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  return element;
}

let nextId = 0;
/**
 * A unique id for label/aria wiring.
 * @param {string} prefix
 */
export function uid(prefix) {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/**
 * A labelled input: `<label for>` + control + optional hint, wired with aria-describedby.
 * @param {string} labelText
 * @param {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} control
 * @param {string} [hint]
 * @returns {HTMLDivElement}
 */
export function field(labelText, control, hint) {
  if (!control.id) control.id = uid('field');
  const wrapper = h('div', { class: 'field' }, h('label', { for: control.id, text: labelText }), control);
  if (hint) {
    const hintId = uid('hint');
    wrapper.append(h('p', { class: 'hint', id: hintId, text: hint }));
    const describedBy = control.getAttribute('aria-describedby');
    control.setAttribute('aria-describedby', describedBy ? `${describedBy} ${hintId}` : hintId);
  }
  return wrapper;
}

/**
 * An error line for a form, announced when it changes (role="alert"), empty until used, and
 * emptied when the user next edits the form it is in.
 * @returns {HTMLParagraphElement & {show(text: string): void, clear(): void}}
 */
export function formError() {
  const element = /** @type {HTMLParagraphElement & {show(text: string): void, clear(): void}} */ (
    h('p', { class: 'form-error', role: 'alert', 'data-testid': 'form-error' })
  );
  element.show = (text) => {
    element.textContent = text;
    // Editing the form makes the message stale (a meter saying "strong" under "too weak").
    element.closest('form')?.addEventListener('input', element.clear, { once: true });
  };
  element.clear = () => {
    element.textContent = '';
  };
  return element;
}
