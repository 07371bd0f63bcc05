// Requests that sites made and the core holds for the user's decision (`wallet_listRequests`),
// oldest first; each opens the approval screen.

import { h } from '../lib/dom.js';
import { isMethodMissing } from '../lib/errors.js';
import { formatTime } from '../lib/format.js';
import { renderApproval } from '../approval.js';

/** @typedef {import('../lib/types.js').App} App */
/** @typedef {import('../lib/types.js').HeldRequest} HeldRequest */

/**
 * @param {App} app
 * @returns {Promise<HTMLElement>}
 */
export async function renderRequests(app) {
  const heading = h('h1', { text: 'Requests' });
  /** @type {HeldRequest[]} */
  let held;
  try {
    held = await app.request('wallet_listRequests', {});
  } catch (error) {
    if (!isMethodMissing(error)) throw error;
    return h(
      'section',
      { class: 'card' },
      heading,
      h('p', { class: 'muted', text: 'This version of the wallet core does not hold site requests yet.' }),
    );
  }
  if (held.length === 0) {
    return h(
      'section',
      { class: 'card' },
      heading,
      h('p', { class: 'muted', 'data-testid': 'no-requests', text: 'No requests are waiting for you.' }),
      h('p', {
        class: 'hint',
        text: 'When a connected site asks to connect or to sign, its request appears here until you approve or reject it.',
      }),
    );
  }
  const accounts = await app.request('wallet_listAccounts', {});
  const onDecided = ({ decision, error }) => {
    if (error !== undefined) return; // the approval screen shows why; it stays open
    app.say(decision === 'approve' ? 'Approved.' : 'Rejected: the site was told you declined.', 'success');
    app.updateRequestCount();
    void app.refresh();
  };
  const items = held.map((entry) => {
    const review = h('button', { type: 'button', class: 'small', text: 'Review' });
    const item = h(
      'li',
      { class: 'request-item', 'data-testid': 'request-item', 'data-request-id': entry.requestId },
      h(
        'div',
        { class: 'request-summary' },
        h('strong', { class: 'request-origin', text: entry.origin ?? 'This wallet' }),
        h('span', { class: 'badge', text: entry.consentKind === 'connect' ? 'Connect' : 'Sign' }),
        h('code', { text: entry.request?.method ?? '' }),
        h('span', { class: 'muted', text: formatTime(entry.createdAt) }),
      ),
      review,
    );
    /** @param {boolean} focus */
    const open = (focus) => {
      const approval = renderApproval({ held: entry, decide: app.decide, accounts, onDecided });
      item.replaceChildren(approval);
      approval.querySelector('h2')?.setAttribute('tabindex', '-1');
      if (focus) /** @type {HTMLElement | null} */ (approval.querySelector('h2'))?.focus();
    };
    review.addEventListener('click', () => open(true));
    // One request: open it straight away. The view is not in the document yet, so the focus
    // stays with the view's heading (app.js puts it there); the next Tab enters the request.
    if (held.length === 1) open(false);
    return item;
  });
  const list = h('ul', { class: 'request-list plain', 'data-testid': 'request-list' }, items);
  return h('section', { class: 'view-requests' }, heading, h('p', { class: 'muted', text: `${held.length} waiting, oldest first.` }), list);
}
