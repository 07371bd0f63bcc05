// The wallet's own signing tool: paste a message, typed data or a transaction, see the core's
// preview on the same approval screen sites get, and only on Approve send the signing request
// (as the wallet's own UI, with no origin). Nothing is signed before that.

import { h, field, formError } from '../lib/dom.js';
import { withProgress } from '../lib/busy.js';
import { describeError } from '../lib/errors.js';
import { CHAIN_NAME, utf8Base64 } from '../lib/format.js';
import { renderApproval } from '../approval.js';

/** @typedef {import('../lib/types.js').App} App */
/** @typedef {import('../lib/types.js').Account} Account */

/**
 * @typedef {object} Kind
 * @property {string} label
 * @property {'ethereum' | 'solana'} chain
 * @property {string} input  the text field's label
 * @property {string} hint
 * @property {(address: string, text: string) => {method: string, params: unknown}} build
 */

/** @param {string} text */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the text is not valid JSON');
  }
}

/** @type {Record<string, Kind>} */
const KINDS = {
  personal_sign: {
    label: 'Ethereum message (personal_sign)',
    chain: 'ethereum',
    input: 'Message',
    hint: 'Text is signed as UTF-8; 0x-prefixed hex is signed as those bytes.',
    build: (address, text) => ({ method: 'personal_sign', params: [text, address] }),
  },
  eth_signTypedData_v4: {
    label: 'Ethereum typed data (EIP-712)',
    chain: 'ethereum',
    input: 'Typed data (JSON)',
    hint: '{"types": …, "primaryType": …, "domain": …, "message": …}',
    build: (address, text) => ({ method: 'eth_signTypedData_v4', params: [address, parseJson(text)] }),
  },
  eth_signTransaction: {
    label: 'Ethereum transaction',
    chain: 'ethereum',
    input: 'Transaction (JSON)',
    hint: 'Needs chainId, nonce, gas and fees (the wallet has no node to fill them in). "from" defaults to the chosen account.',
    build: (address, text) => ({ method: 'eth_signTransaction', params: [{ from: address, ...parseJson(text) }] }),
  },
  wallet_signAuthorization: {
    label: 'EIP-7702 delegation',
    chain: 'ethereum',
    input: 'Authorization (JSON)',
    hint: '{"chainId": "0x1", "address": "0x<delegate contract>", "nonce": "0x0"}',
    build: (address, text) => ({ method: 'wallet_signAuthorization', params: { account: address, ...parseJson(text) } }),
  },
  solana_signMessage: {
    label: 'Solana message',
    chain: 'solana',
    input: 'Message',
    hint: 'Signed as UTF-8 text.',
    build: (address, text) => ({ method: 'solana_signMessage', params: { address, message: utf8Base64(text) } }),
  },
  solana_signTransaction: {
    label: 'Solana transaction',
    chain: 'solana',
    input: 'Transaction (base64 wire format)',
    hint: 'The serialized transaction, as base64.',
    build: (address, text) => ({ method: 'solana_signTransaction', params: { address, transaction: text.trim() } }),
  },
};

/**
 * The part of a signing result worth showing and copying.
 * @param {unknown} result
 */
function resultText(result) {
  if (typeof result === 'string') return result;
  return JSON.stringify(result, null, 2);
}

/**
 * @param {App} app
 * @returns {Promise<HTMLElement>}
 */
export async function renderSign(app) {
  /** @type {Account[]} */
  const accounts = await app.request('wallet_listAccounts', {});
  const kind = h(
    'select',
    { 'data-testid': 'sign-kind' },
    Object.entries(KINDS).map(([value, entry]) => h('option', { value, text: entry.label })),
  );
  const account = h('select', { 'data-testid': 'sign-account' });
  const input = h('textarea', { rows: 6, spellcheck: 'false', 'data-testid': 'sign-input' });
  const inputField = field(KINDS.personal_sign.input, input, KINDS.personal_sign.hint);
  const error = formError();
  const stage = h('div', { class: 'sign-stage' });

  const update = () => {
    const entry = KINDS[kind.value];
    const mine = accounts.filter((a) => a.chain === entry.chain);
    account.replaceChildren(...mine.map((a) => h('option', { value: a.address, text: `${a.label} — ${a.address}` })));
    const label = inputField.querySelector('label');
    if (label) label.textContent = entry.input;
    const hint = inputField.querySelector('.hint');
    if (hint) hint.textContent = entry.hint;
  };
  kind.addEventListener('change', update);
  update();

  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    field('What to sign', kind),
    field('Account', account),
    inputField,
    error,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', text: 'Review' })),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.clear();
    stage.replaceChildren();
    void (async () => {
      const entry = KINDS[kind.value];
      if (account.value === '') throw new Error(`there is no ${CHAIN_NAME[entry.chain]} account to sign with`);
      const signing = entry.build(account.value, input.value);
      const preview = await withProgress(form, 'Preparing the preview…', () =>
        app.request('wallet_previewRequest', { request: signing }),
      );
      const held = { requestId: 'own', origin: null, consentKind: /** @type {const} */ ('sign'), request: signing, preview };
      const approval = renderApproval({
        held,
        decide: async (_id, decision) => {
          if (decision === 'reject') return;
          const result = await app.request(signing.method, /** @type {object} */ (signing.params));
          stage.replaceChildren(signedCard(app, signing.method, result));
        },
        onDecided: ({ decision, error: failure }) => {
          if (failure !== undefined) return;
          if (decision === 'reject') {
            stage.replaceChildren();
            app.say('Not signed.', 'info');
            kind.focus();
          } else {
            app.say('Signed.', 'success');
          }
        },
      });
      stage.replaceChildren(approval);
      approval.querySelector('h2')?.setAttribute('tabindex', '-1');
      /** @type {HTMLElement | null} */ (approval.querySelector('h2'))?.focus();
    })().catch((e) => error.show(describeError(e)));
  });

  return h(
    'section',
    { class: 'view-sign' },
    h('h1', { text: 'Sign' }),
    h(
      'div',
      { class: 'card' },
      h('p', {
        class: 'muted',
        text: 'Sign a message or a transaction yourself. You see what it does first; nothing is signed until you approve.',
      }),
      form,
    ),
    stage,
  );
}

/**
 * @param {App} app
 * @param {string} method
 * @param {unknown} result
 */
function signedCard(app, method, result) {
  const text = resultText(result);
  const copy = h('button', { type: 'button', class: 'small', text: 'Copy' });
  copy.addEventListener('click', () => {
    void navigator.clipboard
      .writeText(text)
      .then(() => app.say('Copied to the clipboard.', 'success'))
      .catch(() => app.say('Copying was refused by the browser; select the text and copy it by hand.', 'error'));
  });
  return h(
    'section',
    { class: 'card signed', 'data-testid': 'signed' },
    h('h2', { text: 'Signed' }),
    h('p', { class: 'muted' }, 'Result of ', h('code', { text: method })),
    h('pre', { class: 'result', 'data-testid': 'sign-result', text }),
    h('div', { class: 'buttons' }, copy),
  );
}
