// Requests that sites made and the core holds for the user's decision (`wallet_listRequests`),
// grouped by site (in the order of each site's oldest request), oldest first; each opens the
// approval screen. Each site's group says how many of its allowed requests wait and offers to
// block the site (docs/sites.md §Blocking).

import { h } from '../lib/dom.js';
import { describeError, isMethodMissing } from '../lib/errors.js';
import { formatTime } from '../lib/format.js';
import { renderApproval } from '../approval.js';

/** @typedef {import('../lib/types.js').App} App */
/** @typedef {import('../lib/types.js').HeldRequest} HeldRequest */

/** Requests one site may have waiting (the core's `MAX_HELD_PER_ORIGIN`, docs/sites.md). */
const HELD_PER_ORIGIN = 8;
const KIND_LABEL = { connect: 'Connect', sign: 'Sign', switchChain: 'Switch network' };

/**
 * Blocks `origin`: its waiting requests are rejected first (so the site hears 4001 for each,
 * through the same path as a Reject click), then the core refuses everything it asks.
 * @param {App} app
 * @param {HeldRequest[]} held
 * @param {string} origin
 */
async function blockSite(app, held, origin) {
  try {
    for (const entry of held.filter((r) => r.origin === origin)) {
      await app.decide(entry.requestId, 'reject').catch(() => undefined); // already gone: fine
    }
    await app.request('wallet_blockSite', { origin });
  } catch (error) {
    app.say(describeError(error), 'error');
    throw error;
  }
  app.updateRequestCount();
  app.navigate('requests', {
    text: `${origin} is blocked: its requests are refused without asking you. Settings → Connected sites can unblock it.`,
    kind: 'success',
  });
}

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
        text: 'When a site asks to connect, to sign or to switch the network, its request appears here until you approve or reject it.',
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
  const onBlock = (/** @type {string} */ origin) => blockSite(app, held, origin);
  const items = held.map((entry) => {
    const review = h('button', { type: 'button', class: 'small', text: 'Review' });
    const item = h(
      'li',
      { class: 'request-item', 'data-testid': 'request-item', 'data-request-id': entry.requestId },
      h(
        'div',
        { class: 'request-summary' },
        h('strong', { class: 'request-origin', text: entry.origin ?? 'This wallet' }),
        h('span', { class: 'badge', text: KIND_LABEL[entry.consentKind] ?? entry.consentKind }),
        h('code', { text: entry.request?.method ?? '' }),
        h('span', { class: 'muted', text: formatTime(entry.createdAt) }),
      ),
      review,
    );
    /** @param {boolean} focus */
    const open = (focus) => {
      const approval = renderApproval({ held: entry, decide: app.decide, accounts, onDecided, onBlock });
      item.replaceChildren(approval);
      approval.querySelector('h2')?.setAttribute('tabindex', '-1');
      if (focus) /** @type {HTMLElement | null} */ (approval.querySelector('h2'))?.focus();
    };
    review.addEventListener('click', () => open(true));
    // One request: open it straight away. The view is not in the document yet, so the focus
    // stays with the view's heading (app.js puts it there); the next Tab enters the request.
    if (held.length === 1) open(false);
    return { origin: entry.origin, item };
  });
  /** @type {Map<string, HTMLElement[]>} */
  const byOrigin = new Map();
  for (const { origin, item } of items) {
    const key = origin ?? '';
    byOrigin.set(key, [...(byOrigin.get(key) ?? []), item]);
  }
  const groups = [...byOrigin].map(([origin, group]) => {
    const count = h('span', {
      class: 'muted',
      'data-testid': 'origin-count',
      text: `${group.length} of ${HELD_PER_ORIGIN} waiting`,
    });
    const block = h('button', { type: 'button', class: 'small danger', 'aria-label': `Block ${origin}`, 'data-testid': 'block-origin', text: 'Block' });
    block.addEventListener('click', () => {
      block.disabled = true;
      onBlock(origin).catch(() => {
        block.disabled = false;
      });
    });
    return h(
      'li',
      { class: 'origin-group', 'data-testid': 'origin-group', 'data-origin': origin },
      h('div', { class: 'origin-group-head' }, h('strong', { class: 'request-origin', text: origin || 'This wallet' }), count, origin ? block : null),
      h('ul', { class: 'request-list plain', 'data-testid': 'request-list' }, group),
    );
  });
  return h(
    'section',
    { class: 'view-requests' },
    heading,
    h('p', { class: 'muted', text: `${held.length} waiting, oldest first, by site. A site may have ${HELD_PER_ORIGIN} waiting at a time.` }),
    h('ul', { class: 'origin-groups plain' }, groups),
  );
}
