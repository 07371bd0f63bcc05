// What an unlock found about the audit log (`wallet_unlock`'s `auditLog`, docs/audit-log.md
// §Damage), told to the person: nothing when it is intact; when its stored records are missing
// or altered, a notice above the view (in `#notices`, a status region) that says what that
// means, that the wallet works as before, that an exported log fails verification at the gap,
// and what to do. It stays across views until dismissed or the wallet locks (the next unlock
// finds the gap again and says so again, as the core logs it again).

import { byId, h, uid } from './dom.js';

/** @typedef {{status: string, reason?: string, message?: string, firstBadSeq?: number, migrated?: boolean}} AuditLogState */

/** What each `reason` of the core means, completing "The wallet found that …". */
const REASONS = {
  missing: 'entries of its audit log are missing from this browser\u2019s storage',
  unreadable: 'entries of its audit log could not be read: they were changed or damaged',
  misplaced: 'entries of its audit log are stored out of place',
  conflicting: 'two different entries of its audit log were stored for the same place',
  brokenChain: 'the stored entries of its audit log do not link up one to the next',
  headMismatch: 'the newest stored entries of its audit log are not those the wallet saved last',
};

/**
 * The notice for a damaged log, or null when there is nothing to say (intact, or no report).
 * `restored`: the unlock that followed restoring a backup file (which holds no log entries).
 * `onDismiss` runs after the notice removed itself.
 * @param {AuditLogState | undefined} auditLog
 * @param {{restored?: boolean, onDismiss?: () => void}} [options]
 * @returns {HTMLElement | null}
 */
export function auditLogNotice(auditLog, { restored = false, onDismiss } = {}) {
  if (auditLog?.status !== 'damaged') return null;
  const reason = typeof auditLog.reason === 'string' ? auditLog.reason : 'unknown';
  const found = Object.hasOwn(REASONS, reason)
    ? REASONS[/** @type {keyof typeof REASONS} */ (reason)]
    : 'the stored entries of its audit log are not as the wallet left them';
  const seq = Number.isSafeInteger(auditLog.firstBadSeq) ? auditLog.firstBadSeq : undefined;
  // Everything gone from the first entry on is what a restored backup looks like.
  const likeABackup = restored || (reason === 'missing' && seq === 0);
  const headingId = uid('audit-notice');
  const dismiss = h('button', { type: 'button', 'data-testid': 'audit-notice-dismiss', text: 'Dismiss' });
  const notice = h(
    'section',
    { class: 'callout warning notice', 'aria-labelledby': headingId, 'data-testid': 'audit-notice', 'data-reason': reason },
    h('h2', { id: headingId, text: 'The audit log has a gap' }),
    h('p', {
      text: `While unlocking, the wallet found that ${found}${seq === undefined ? '' : ` (the first affected: entry ${seq})`}.${
        restored
          ? ' This is expected after restoring a backup file: the file holds the wallet, not the entries of its log.'
          : likeABackup
            ? ' This is expected if this wallet was restored from a backup file, which holds the wallet but not the entries of its log.'
            : ''
      }`,
    }),
    h('p', {
      text: 'Your keys and accounts are not affected, and signing works as before. The wallet has written the gap into the log itself, so it stays visible: a downloaded audit log fails verification at the gap, now and later.',
    }),
    h('p', {
      text: likeABackup
        ? 'Nothing to do if you restored the wallet yourself. To keep the earlier entries, keep the audit log downloaded before the move (Settings → Custody).'
        : 'If you did not restore a backup or clear this browser\u2019s data yourself, something else changed the wallet\u2019s storage: check this computer for software you do not trust, and download the audit log now (Settings → Custody) to keep what is left.',
    }),
    h(
      'p',
      { class: 'hint', 'data-testid': 'audit-notice-detail' },
      `Reported: ${reason}${typeof auditLog.message === 'string' && auditLog.message !== '' ? ` (${auditLog.message})` : ''}${
        seq === undefined ? '' : `, first affected entry: seq ${seq}`
      }.`,
    ),
    h('div', { class: 'buttons' }, dismiss),
  );
  dismiss.addEventListener('click', () => {
    notice.remove();
    onDismiss?.();
  });
  return notice;
}

/**
 * Shows the notice for `auditLog` in `#notices` (replacing an earlier one), or clears it when
 * the log is intact. Dismissing it puts the focus on the view's heading, not the page's start.
 * @param {AuditLogState | undefined} auditLog
 * @param {{restored?: boolean}} [options]
 */
export function showAuditLogState(auditLog, { restored = false } = {}) {
  const notice = auditLogNotice(auditLog, {
    restored,
    onDismiss: () => {
      const heading = document.querySelector('#view h1');
      if (heading instanceof HTMLElement) {
        heading.tabIndex = -1;
        heading.focus();
      }
    },
  });
  byId('notices').replaceChildren(...(notice ? [notice] : []));
}

/** Removes any notice (the wallet locked: what it said belongs to that unlock). */
export function clearNotices() {
  byId('notices').replaceChildren();
}
