// Test-only: what the wallet app does in popup mode, reduced to the calls that matter. It opens
// the user's vault (database "custodian", the standalone wallet's), starts the site host, and
// lists what the core holds with Approve / Reject buttons. tests/e2e/lib/wallet-window.mjs
// drives it until the app's own popup mode is merged.

import { createCustodian } from '/vendor/custodian-web/dist/index.js';
import { createSiteHost } from '/site-host.js';

const custodian = createCustodian();
const request = (method, params = {}) => custodian.request({ method, params });
const $ = (id) => document.getElementById(id);
const say = (text) => {
  $('message').textContent = text;
};

async function render() {
  let held = [];
  let sites = [];
  try {
    held = await request('wallet_listRequests');
    sites = await request('wallet_listSites');
  } catch (error) {
    say(`${error.code} ${error.data?.kind}: ${error.message}`);
  }
  $('requests').replaceChildren(
    ...held.map((item) => {
      const li = document.createElement('li');
      li.dataset.requestId = item.requestId;
      li.textContent = `${item.origin} asks ${item.request.method} (${item.consentKind}) `;
      for (const decision of ['approve', 'reject']) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = decision === 'approve' ? 'Approve' : 'Reject';
        button.addEventListener('click', () => {
          li.remove(); // decided: never offered twice
          host.decide(item.requestId, decision).then(
            () => say(`${decision}d`),
            (error) => say(`${error.code} ${error.data?.kind}: ${error.message}`),
          ).finally(render);
        });
        li.append(button);
      }
      return li;
    }),
  );
  $('sites').replaceChildren(
    ...sites.map((site) => {
      const li = document.createElement('li');
      li.textContent = `${site.origin} `;
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = 'Revoke';
      button.addEventListener('click', () => {
        request('wallet_revokeSite', { origin: site.origin }).then(render, (error) => say(error.message));
      });
      li.append(button);
      return li;
    }),
  );
  document.body.dataset.held = String(held.length);
}

const host = createSiteHost({ client: custodian.client, onHeld: () => void render() });
window.walletWindow = { custodian, host };

$('unlock-form').addEventListener('submit', (event) => {
  event.preventDefault();
  request('wallet_unlock', { password: $('unlock-password').value }).then(
    () => {
      say('Unlocked.');
      document.body.dataset.state = 'unlocked';
      return render();
    },
    (error) => say(`${error.code} ${error.data?.kind}: ${error.message}`),
  );
});

custodian.ready().then(
  async () => {
    document.body.dataset.state = 'ready';
    await render();
  },
  () => {
    document.body.dataset.state = 'error';
  },
);
