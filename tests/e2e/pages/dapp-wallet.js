// Test-only: the wallet side of dapp.html. A page that embeds Custodian and announces it to
// dapps with EIP-6963, as web/README.md shows.

import { announceProvider, createCustodian } from '/vendor/custodian-web/dist/index.js';

const custodian = createCustodian({ dbName: 'custodian-dapp' });
announceProvider(custodian.provider, { name: 'Custodian', rdns: 'dev.custodian.wallet' });
window.walletSide = { custodian };
custodian.ready().then(
  () => {
    document.body.dataset.state = 'ready';
  },
  () => {
    document.body.dataset.state = 'error';
  },
);
