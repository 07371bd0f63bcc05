// Test-only: the wallet side of wallet-standard.html. The page runs Custodian (the shipped
// @custodian/web with the real module in its Worker) and registers it with the Wallet Standard
// through web/src/wallet-standard.ts. `?db=NAME` picks the IndexedDB database.
//
// The page is the wallet's own UI, so its requests carry no origin: the client handed to the
// Wallet Standard wallet drops the `origin` the wallet would otherwise add (its default is the
// page's own origin).

import { createCustodian, registerSolanaWallet } from '/vendor/custodian-web/dist/index.js';

const params = new URLSearchParams(location.search);
const custodian = createCustodian({ dbName: params.get('db') ?? 'custodian-wallet-standard' });
const ownUi = {
  request: (args, options = {}) => custodian.client.request(args, { ...options, origin: undefined }),
  subscribe: (listener) => custodian.client.subscribe(listener),
};
const { wallet } = registerSolanaWallet(ownUi);

window.walletSide = {
  custodian,
  wallet,
  /** The wallet's own UI asking its module, with no origin. */
  request: (method, params) => custodian.client.request({ method, params }),
};
custodian.ready().then(
  () => {
    document.body.dataset.state = 'ready';
  },
  (error) => {
    document.body.dataset.state = 'error';
    document.body.dataset.error = String(error?.message ?? error);
  },
);
