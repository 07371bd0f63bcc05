// The approval screen: one held request (a site's connect, signing or chain-switch request
// from `wallet_listRequests`, or the wallet's own signing tool) shown for the user's decision.
// Reused by the Requests view, the signing tool and the embedded wallet's popup.
//
// Everything in a held request is attacker-controlled: the origin, the method, the params and
// therefore the preview's text. It is only ever put into the page as text (textContent), never
// as HTML. A `danger` warning needs an explicit extra confirmation before Approve is enabled.
//
//   import { renderApproval } from './approval.js';
//   container.append(renderApproval({ held, decide, accounts, onDecided, onBlock }));

import { h } from './lib/dom.js';
import { describeError, errorKind } from './lib/errors.js';
import { CHAIN_NAME, formatTime, fromNow } from './lib/format.js';

/** @typedef {import('./lib/types.js').HeldRequest} HeldRequest */
/** @typedef {import('./lib/types.js').Preview} Preview */
/** @typedef {import('./lib/types.js').PreviewField} PreviewField */
/** @typedef {import('./lib/types.js').Account} Account */
/** @typedef {import('./lib/types.js').Decide} Decide */

/** @type {Record<string, string>} */
const METHOD_NAMES = {
  personal_sign: 'Sign a message',
  eth_signTypedData_v4: 'Sign typed data (EIP-712)',
  eth_signTransaction: 'Sign a transaction',
  wallet_signAuthorization: 'Sign an EIP-7702 delegation',
  solana_signTransaction: 'Sign a Solana transaction',
  solana_signAllTransactions: 'Sign Solana transactions',
  solana_signMessage: 'Sign a Solana message',
  solana_signIn: 'Sign in with Solana',
  eth_requestAccounts: 'Connect',
  wallet_connect: 'Connect',
  wallet_switchEthereumChain: 'Switch network',
};
const TITLES = { connect: 'Connection request', sign: 'Signature request', switchChain: 'Network switch request' };
const SEVERITY_LABEL = { danger: 'Danger', warning: 'Warning', info: 'Note' };
/**
 * Approve stays disabled this long after a screen appears: the next held request opens where
 * the last one was, so a double click (or a click the site timed) meant for one screen must not
 * approve the next. The value of Firefox's security dialog delay.
 */
export const APPROVE_DELAY_MS = 1000;

/**
 * The requesting origin, large: scheme and host apart so that look-alike hosts stand out; a
 * note when the connection is not encrypted.
 * @param {string | null} origin
 */
function originBlock(origin) {
  if (origin === null) {
    return h(
      'div',
      { class: 'origin own', 'data-testid': 'approval-origin' },
      h('span', { class: 'origin-caption', text: 'Requested by' }),
      h('strong', { class: 'origin-host', text: 'This wallet (you)' }),
    );
  }
  let scheme = '';
  let host = origin;
  let insecure = false;
  try {
    const url = new URL(origin);
    scheme = `${url.protocol}//`;
    host = url.host;
    insecure = url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    // Not a URL: shown as it is (the core refuses such origins; this is belt and braces).
  }
  return h(
    'div',
    { class: 'origin', 'data-testid': 'approval-origin' },
    h('span', { class: 'origin-caption', text: 'Requested by' }),
    h('strong', { class: 'origin-host' }, h('span', { class: 'origin-scheme', text: scheme }), host),
    insecure ? h('p', { class: 'origin-note', text: 'This site does not use an encrypted connection (http).' }) : null,
  );
}

/** @param {PreviewField[] | undefined} fields */
function factList(fields) {
  if (!fields || fields.length === 0) return null;
  return h(
    'dl',
    { class: 'facts' },
    fields.map((fieldEntry) => [
      h('dt', { text: fieldEntry.label }),
      h(
        'dd',
        {},
        fieldEntry.format === 'address' || fieldEntry.format === 'hex'
          ? h('code', { text: fieldEntry.value })
          : String(fieldEntry.value),
      ),
    ]),
  );
}

/**
 * The warnings, most severe first (the core already orders them).
 * @param {Preview['warnings']} warnings
 */
function warningList(warnings) {
  if (!warnings || warnings.length === 0) return null;
  return h(
    'ul',
    { class: 'warnings', 'aria-label': 'Warnings', 'data-testid': 'approval-warnings' },
    warnings.map((warning) =>
      h(
        'li',
        { class: 'warning-item', 'data-severity': warning.severity, 'data-code': warning.code },
        h('span', { class: 'severity', text: SEVERITY_LABEL[warning.severity] ?? warning.severity }),
        h('span', { class: 'warning-message', text: warning.message }),
      ),
    ),
  );
}

/**
 * A readable preview (docs/preview.md, docs/preview-solana.md).
 * @param {Preview} preview
 * @returns {HTMLElement}
 */
export function renderPreview(preview) {
  const chain = preview.chain
    ? h(
        'p',
        { class: 'preview-chain' },
        h('span', { class: 'badge', text: preview.chain.name ?? preview.chain.id }),
        preview.chain.testnet ? h('span', { class: 'badge test', text: 'test network' }) : null,
        h('code', { class: 'chain-id', text: preview.chain.id }),
      )
    : null;
  // An action that only repeats the summary adds nothing.
  const shownActions = (preview.actions ?? []).filter(
    (action) => action.summary !== preview.summary || action.contract || (action.fields ?? []).length > 0,
  );
  const actions =
    shownActions.length > 0
      ? h(
          'ol',
          { class: 'actions-list', 'aria-label': 'What this does' },
          shownActions.map((action) =>
            h(
              'li',
              { class: 'action', 'data-kind': action.kind },
              h('p', { class: 'action-summary', text: action.summary }),
              action.contract ? h('p', { class: 'muted' }, 'Contract ', h('code', { text: action.contract })) : null,
              factList(action.fields),
            ),
          ),
        )
      : null;
  const transactions =
    preview.transactions && preview.transactions.length > 0
      ? preview.transactions.map((transaction, i) =>
          h('details', { class: 'sub-preview' }, h('summary', { text: `Transaction ${i}: ${transaction.summary}` }), renderPreview(transaction)),
        )
      : null;
  return h(
    'div',
    { class: 'preview', 'data-testid': 'preview' },
    chain,
    h('p', { class: 'summary', 'data-testid': 'preview-summary', text: preview.summary }),
    warningList(preview.warnings),
    factList(preview.fields),
    actions,
    transactions,
  );
}

/**
 * A chain switch in plain words: "<origin> wants to switch the network from A (1) to B (2)".
 * @param {HeldRequest} held
 */
function switchBody(held) {
  const preview = /** @type {any} */ (held.preview ?? {});
  const side = (/** @type {any} */ chain) =>
    chain && typeof chain === 'object' ? `${String(chain.name ?? `chain ${chain.chainId}`)} (${String(chain.chainId)})` : 'another network';
  const who = held.origin ?? 'This wallet';
  return [
    h('p', { class: 'lead switch-sentence', 'data-testid': 'switch-sentence', text: `${who} wants to switch the network from ${side(preview.from)} to ${side(preview.to)}.` }),
    preview.to?.testnet ? h('p', { class: 'preview-chain' }, h('span', { class: 'badge test', text: 'test network' })) : null,
    warningList(preview.warnings),
    h('p', {
      class: 'hint',
      text: 'The network is the wallet’s: it changes for every connected site and for this wallet’s own tools. Nothing is signed by switching.',
    }),
  ];
}

/**
 * The offer to block a site that keeps asking after being rejected (docs/sites.md §Blocking).
 * @param {HeldRequest} held
 * @param {(origin: string) => Promise<void>} onBlock
 */
function blockOffer(held, onBlock) {
  const origin = /** @type {string} */ (held.origin);
  const button = h('button', { type: 'button', class: 'danger', 'data-testid': 'block-site', text: `Block ${origin}` });
  button.addEventListener('click', () => {
    button.disabled = true;
    onBlock(origin).catch(() => {
      button.disabled = false;
    });
  });
  return h(
    'div',
    { class: 'callout warning block-offer', 'data-testid': 'block-offer' },
    h('p', {
      text: `You rejected ${held.recentRejects ?? 'several'} requests from this site in the last minute. If it keeps asking, block it: its requests are then refused without asking you.`,
    }),
    button,
  );
}

/**
 * The account choice of a connect request: every account, all ticked by default.
 * @param {Account[]} accounts
 */
function accountChoice(accounts) {
  const boxes = accounts.map((account, i) => {
    const id = `share-account-${i}`;
    const box = h('input', { type: 'checkbox', id, value: account.address, checked: true, 'data-testid': 'share-account' });
    return {
      box,
      row: h(
        'li',
        { class: 'check' },
        box,
        h(
          'label',
          { for: id },
          h('span', { class: 'label', text: `${account.label} ` }),
          h('span', { class: 'chain', text: CHAIN_NAME[account.chain] ?? account.chain }),
          h('code', { class: 'address', text: account.address }),
        ),
      ),
    };
  });
  const element = h(
    'fieldset',
    { class: 'share-accounts' },
    h('legend', { text: 'Accounts to share with this site' }),
    h('ul', { class: 'plain' }, boxes.map((b) => b.row)),
  );
  return { element, boxes: boxes.map((b) => b.box) };
}

/**
 * Renders one held request with Approve / Reject.
 * @param {object} options
 * @param {HeldRequest} options.held
 * @param {Decide} options.decide  called once with the user's decision
 * @param {Account[]} [options.accounts]  the wallet's accounts (a connect request's choices)
 * @param {(outcome: {decision: 'approve' | 'reject', error?: unknown}) => void} [options.onDecided]
 *   after `decide` settled (with `error` if it failed; the screen then shows it too)
 * @param {(origin: string) => Promise<void>} [options.onBlock]  blocks the requesting site;
 *   offered when the core says the user keeps rejecting it (`offerBlock`)
 * @returns {HTMLElement}
 */
export function renderApproval({ held, decide, accounts = [], onDecided = () => undefined, onBlock }) {
  const isConnect = held.consentKind === 'connect';
  const isSwitch = held.consentKind === 'switchChain';
  const method = held.request?.method ?? '';
  const title = TITLES[held.consentKind] ?? TITLES.sign;
  const warnings = held.preview?.warnings ?? [];
  const danger = warnings.some((warning) => warning.severity === 'danger');

  const approve = h('button', {
    type: 'button',
    class: 'primary',
    'data-testid': 'approve',
    text: isConnect ? 'Connect' : isSwitch ? 'Switch network' : 'Approve',
  });
  const reject = h('button', { type: 'button', 'data-testid': 'reject', text: 'Reject' });
  const status = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'approval-error' });

  /** @type {HTMLInputElement | null} */
  let understood = null;
  /** @type {ReturnType<typeof accountChoice> | null} */
  let choice = null;
  const updateApprove = () => {
    const sharing = choice === null || choice.boxes.some((box) => box.checked);
    approve.disabled = busy || waiting || !sharing || (understood !== null && !understood.checked);
  };
  let busy = false;
  let waiting = true;
  setTimeout(() => {
    waiting = false;
    updateApprove();
  }, APPROVE_DELAY_MS);

  const body = [];
  if (held.offerBlock && held.origin && onBlock) body.push(blockOffer(held, onBlock));
  if (isSwitch) {
    body.push(switchBody(held));
  } else if (isConnect) {
    body.push(
      h('p', {
        class: 'lead',
        text: 'This site wants to see the addresses you choose and to ask you for signatures. It cannot sign anything without asking you each time.',
      }),
    );
    if (accounts.length > 0) {
      choice = accountChoice(accounts);
      for (const box of choice.boxes) box.addEventListener('change', updateApprove);
      body.push(choice.element);
    }
  } else {
    body.push(h('p', { class: 'request-method' }, h('span', { text: METHOD_NAMES[method] ?? method }), ' ', h('code', { text: method })));
    if (held.preview) {
      body.push(renderPreview(held.preview));
    } else {
      body.push(
        h('p', {
          class: 'callout warning',
          text: 'The wallet cannot show what this request does. Check the raw request below, and reject it if you do not understand it.',
        }),
      );
    }
  }
  body.push(
    h(
      'details',
      { class: 'raw' },
      h('summary', { text: 'Raw request' }),
      h('pre', { 'data-testid': 'raw-request', text: JSON.stringify(held.request ?? null, null, 2) }),
    ),
  );
  if (danger) {
    understood = h('input', { type: 'checkbox', id: `understood-${held.requestId}`, 'data-testid': 'understand-danger' });
    understood.addEventListener('change', updateApprove);
    body.push(
      h(
        'div',
        { class: 'check danger-confirm' },
        understood,
        h('label', {
          for: understood.id,
          text: 'I understand the danger described above, and I want to approve this request anyway.',
        }),
      ),
    );
  }

  const expiry =
    typeof held.expiresAt === 'number'
      ? h('p', { class: 'hint', text: `Received ${formatTime(held.createdAt)}; expires ${fromNow(held.expiresAt)} if not answered.` })
      : null;

  /** @param {'approve' | 'reject'} decision */
  const run = async (decision) => {
    if (busy) return;
    busy = true;
    approve.disabled = true;
    reject.disabled = true;
    status.textContent = '';
    const options = {};
    if (decision === 'approve' && choice !== null) {
      options.accounts = choice.boxes.filter((box) => box.checked).map((box) => box.value);
    }
    try {
      await decide(held.requestId, decision, options);
      section.dataset.decided = decision;
      onDecided({ decision });
    } catch (error) {
      status.textContent = outcomeText(error);
      busy = false;
      reject.disabled = false;
      updateApprove();
      onDecided({ decision, error });
    }
  };

  approve.addEventListener('click', () => void run('approve'));
  reject.addEventListener('click', () => void run('reject'));

  const section = h(
    'section',
    {
      class: `approval${danger ? ' has-danger' : ''}`,
      'aria-labelledby': `approval-title-${held.requestId}`,
      'data-testid': 'approval',
      'data-request-id': held.requestId,
      'data-consent-kind': held.consentKind,
    },
    h('h2', { id: `approval-title-${held.requestId}`, text: title }),
    originBlock(held.origin),
    body,
    expiry,
    status,
    h('div', { class: 'buttons decision' }, reject, approve),
  );
  // Escape is the safe answer: it rejects (not while the decision is being sent).
  section.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !busy && !(event.target instanceof HTMLDetailsElement)) {
      event.preventDefault();
      void run('reject');
    }
  });
  updateApprove();
  return section;
}

/**
 * What to tell the user when a decision did not go through.
 * @param {unknown} error
 */
function outcomeText(error) {
  const kind = errorKind(error);
  if (kind === 'ApprovalRequired') {
    const data = /** @type {{data: {quorum?: number, approvalDigest?: string}}} */ (error).data;
    return `The wallet's policy holds this request for ${data.quorum ?? 'several'} approver signature(s). Approval digest: ${data.approvalDigest ?? 'unknown'} (Settings → Custody lists it).`;
  }
  if (kind === 'PolicyDenied') return `The wallet's policy refuses this request: ${describeError(error)}`;
  return describeError(error);
}
