// Custody (docs/policy.md, docs/custody.md, docs/audit-log.md): the vault's policy shown in
// words and as its raw JSON, the requests held for an approval quorum with their digests (what
// approvers sign, e.g. with `custodian approve`), and the signed audit log as a download.

import { h } from '../lib/dom.js';
import { describeError } from '../lib/errors.js';
import { download, today } from '../lib/files.js';
import { formatTime } from '../lib/format.js';

/** @typedef {import('../lib/types.js').App} App */

/**
 * An integer string of base units in whole units, digit for digit (no floating point).
 * @param {string} base  decimal integer string
 * @param {number} decimals
 * @param {string} symbol
 */
export function formatUnits(base, decimals, symbol) {
  if (typeof base !== 'string' || !/^\d+$/.test(base)) return String(base);
  const padded = base.padStart(decimals + 1, '0');
  const whole = padded.slice(0, padded.length - decimals).replace(/^0+(?=\d)/, '');
  const fraction = padded.slice(padded.length - decimals).replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} ${symbol}`;
}

/** @param {number} seconds */
function period(seconds) {
  if (seconds % 86400 === 0) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const DECISION = { deny: 'refused', approval: 'held for approval', allow: 'allowed' };

/**
 * @param {Array<[string, string | Node | null | undefined]>} rows
 */
function facts(rows) {
  const present = rows.filter(([, value]) => value !== null && value !== undefined && value !== '');
  return h(
    'dl',
    { class: 'facts' },
    present.map(([label, value]) => [h('dt', { text: label }), h('dd', {}, value)]),
  );
}

/** @param {string[] | undefined} list @param {string} empty */
function codeList(list, empty) {
  if (list === undefined) return empty;
  if (list.length === 0) return 'none';
  return h('ul', { class: 'plain' }, list.map((item) => h('li', {}, h('code', { text: item }))));
}

/** @param {any} ethereum */
function ethereumRules(ethereum = {}) {
  const eth = (wei) => formatUnits(wei, 18, 'ETH (on Ethereum; native units elsewhere)');
  return facts([
    ['Most value per transaction', eth(ethereum.maxValueWei ?? '0')],
    ['Most network fee per transaction', ethereum.maxFeeWei ? eth(ethereum.maxFeeWei) : 'no cap'],
    [
      'Rolling limits',
      (ethereum.windows ?? []).length === 0
        ? 'none'
        : (ethereum.windows ?? []).map((w) => `${eth(w.maxValueWei)} per ${period(w.periodSeconds)}`).join('; '),
    ],
    [
      'Tokens',
      (ethereum.tokens ?? []).length === 0
        ? 'none'
        : h(
            'ul',
            { class: 'plain' },
            ethereum.tokens.map((t) =>
              h(
                'li',
                {},
                h('code', { text: t.address }),
                ` at most ${t.maxAmount} base units per transaction`,
                (t.windows ?? []).map((w) => `; ${w.maxAmount} per ${period(w.periodSeconds)}`).join(''),
              ),
            ),
          ),
    ],
    ['Allowed recipients', codeList(ethereum.allowRecipients, 'any not denied')],
    ['Denied recipients', codeList(ethereum.denyRecipients ?? [], 'none')],
    ['Allowed contracts', codeList(ethereum.allowContracts ?? [], 'none')],
    ['Allowed functions', codeList(ethereum.allowSelectors, 'any of an allowed contract')],
    ['Unlimited approvals', ethereum.blockUnlimitedApprovals === false ? 'allowed' : 'blocked'],
    ['EIP-7702 delegates', codeList(ethereum.allowDelegates ?? [], 'none')],
    [
      'Typed data (EIP-712)',
      ethereum.typedData === undefined
        ? 'not allowed'
        : ethereum.typedData.allowVerifyingContracts === undefined
          ? 'allowed for any verifying contract'
          : codeList(ethereum.typedData.allowVerifyingContracts, ''),
    ],
  ]);
}

/** @param {any} solana */
function solanaRules(solana = {}) {
  const sol = (lamports) => formatUnits(lamports, 9, 'SOL');
  return facts([
    ['Most SOL per transaction', sol(solana.maxLamports ?? '0')],
    [
      'Rolling limits',
      (solana.windows ?? []).length === 0
        ? 'none'
        : (solana.windows ?? []).map((w) => `${sol(w.maxLamports)} per ${period(w.periodSeconds)}`).join('; '),
    ],
    [
      'Tokens',
      (solana.tokens ?? []).length === 0
        ? 'none'
        : h(
            'ul',
            { class: 'plain' },
            solana.tokens.map((t) =>
              h(
                'li',
                {},
                h('code', { text: t.mint }),
                ` at most ${t.maxAmount} base units per transaction`,
                (t.windows ?? []).map((w) => `; ${w.maxAmount} per ${period(w.periodSeconds)}`).join(''),
              ),
            ),
          ),
    ],
    ['Allowed recipients', codeList(solana.allowRecipients, 'any not denied')],
    ['Denied recipients', codeList(solana.denyRecipients ?? [], 'none')],
    ['Trusted programs', codeList(solana.allowPrograms ?? [], 'none')],
  ]);
}

/**
 * The policy document in words (docs/policy.md, "The document").
 * @param {any} policy
 * @param {string} policyHash
 */
export function renderPolicy(policy, policyHash) {
  const rules = policy.rules ?? {};
  const approvers = policy.approvers ?? [];
  return h(
    'div',
    { class: 'policy', 'data-testid': 'policy' },
    facts([
      ['Policy hash', h('code', { 'data-testid': 'policy-hash', text: policyHash })],
      [
        'Changes need',
        policy.quorum === 0
          ? 'nobody else: an owner-managed policy you can change at will'
          : `${policy.quorum} of ${approvers.length} approvers`,
      ],
      ['Approvals expire after', period(policy.approvalTtlSeconds ?? 86400)],
      ['Allowed chains', codeList(rules.allowedChains ?? [], 'none')],
      ['Anything not listed', DECISION[rules.unlisted ?? 'deny']],
      ['Over a limit', DECISION[rules.overLimit ?? 'deny']],
      ['Message signing', DECISION[rules.messageSigning ?? 'deny']],
      ['Exporting keys', DECISION[rules.export ?? 'deny']],
    ]),
    approvers.length > 0
      ? h(
          'table',
          { class: 'approvers' },
          h('caption', { text: 'Approvers' }),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Name' }), h('th', { scope: 'col', text: 'Ed25519 public key' }))),
          h(
            'tbody',
            {},
            approvers.map((a) => h('tr', {}, h('td', { text: a.name }), h('td', {}, h('code', { text: a.publicKey })))),
          ),
        )
      : null,
    rules.ethereum !== undefined || (rules.allowedChains ?? []).some((c) => c.startsWith('eip155:'))
      ? [h('h4', { text: 'Ethereum' }), ethereumRules(rules.ethereum)]
      : null,
    rules.solana !== undefined || (rules.allowedChains ?? []).some((c) => c.startsWith('solana:'))
      ? [h('h4', { text: 'Solana' }), solanaRules(rules.solana)]
      : null,
    h(
      'details',
      { class: 'raw' },
      h('summary', { text: 'Policy document (JSON)' }),
      h('pre', { 'data-testid': 'policy-json', text: JSON.stringify(policy, null, 2) }),
    ),
  );
}

/**
 * @param {App} app
 * @param {any} approval  an entry of wallet_listApprovals
 */
function approvalItem(app, approval) {
  const cancel = h('button', { type: 'button', class: 'small', text: 'Cancel request' });
  cancel.addEventListener('click', () => {
    cancel.disabled = true;
    void app
      .request('wallet_cancelApproval', { approvalDigest: approval.approvalDigest })
      .then(async () => {
        await app.refresh();
        app.say('The held request was cancelled.', 'success');
      })
      .catch((e) => {
        cancel.disabled = false;
        app.say(describeError(e), 'error');
      });
  });
  const request = approval.request ?? {};
  return h(
    'li',
    { class: 'pending-approval', 'data-testid': 'pending-approval' },
    facts([
      ['Request', h('code', { text: request.method ?? '' })],
      ['Account', request.account ? h('code', { text: request.account }) : null],
      ['From', request.origin ?? 'this wallet'],
      ['Why', approval.reason],
      ['Needs', `${approval.quorum} of: ${(approval.approvers ?? []).join(', ')}`],
      ['Expires', formatTime(approval.expiresAt)],
      ['Approval digest', h('code', { class: 'digest', 'data-testid': 'approval-digest', text: approval.approvalDigest })],
    ]),
    h(
      'details',
      { class: 'raw' },
      h('summary', { text: 'What approvers sign (JSON)' }),
      h('pre', { text: JSON.stringify(approval, null, 2) }),
    ),
    h('div', { class: 'buttons' }, cancel),
  );
}

/**
 * @param {App} app
 * @returns {Promise<HTMLElement>}
 */
export async function renderCustody(app) {
  const [{ policy, policyHash }, approvals] = await Promise.all([
    app.request('wallet_getPolicy', {}),
    app.request('wallet_listApprovals', {}),
  ]);

  const auditButton = h('button', { type: 'button', 'data-testid': 'download-audit', text: 'Download audit log (JSON Lines)' });
  auditButton.addEventListener('click', () => {
    void app
      .request('wallet_auditExport', {})
      .then((exported) => {
        download(`custodian-audit-${today()}.jsonl`, exported.jsonl, 'application/jsonl');
        app.say(`Audit log downloaded: ${exported.entries} entries, signed by ${exported.publicKey}.`, 'success');
      })
      .catch((e) => app.say(describeError(e), 'error'));
  });

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'settings-custody' },
    h('h2', { id: 'settings-custody', text: 'Custody' }),
    h('h3', { text: 'Policy' }),
    policy === null
      ? h('p', {
          class: 'muted',
          'data-testid': 'no-policy',
          text: 'No policy is set: you alone decide every request. A policy (limits, allowlists, approval quorums) is set with the CLI, `custodian policy apply`.',
        })
      : renderPolicy(policy, policyHash),
    h('h3', { text: 'Waiting for approvers' }),
    approvals.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'no-approvals', text: 'No request is waiting for approvals.' })
      : h('ul', { class: 'plain approvals', 'data-testid': 'approvals' }, approvals.map((a) => approvalItem(app, a))),
    h('h3', { text: 'Audit log' }),
    h('p', {
      class: 'muted',
      text: 'Every sensitive event, hash-chained and signed by this vault. Check a downloaded copy with `custodian audit verify FILE`.',
    }),
    h('div', { class: 'buttons' }, auditButton),
  );
}
