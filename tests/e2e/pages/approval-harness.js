// Renders www/approval.js with held requests the test passes in, and records the decisions it
// makes, so the test can check what the screen shows and what it sends.

import { renderApproval } from '/approval.js';

const decisions = [];
let failNext = null;

window.approvalHarness = {
  decisions,
  /** Shows `held`; `accounts` are the wallet's accounts for a connect request. */
  show(held, accounts = []) {
    const slot = document.getElementById('slot');
    slot.replaceChildren(
      renderApproval({
        held,
        accounts,
        decide: async (requestId, decision, options) => {
          decisions.push({ requestId, decision, options: options ?? {} });
          if (failNext !== null) {
            const error = failNext;
            failNext = null;
            throw error;
          }
        },
      }),
    );
  },
  /** The next decide() rejects with this error object. */
  failWith(error) {
    failNext = error;
  },
};
document.body.dataset.state = 'ready';
