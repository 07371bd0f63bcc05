// The wallet window's side of the embedded wallet (docs/embedded.md), for the wallet app's page
// when a dapp's connector opened it (index.html?mode=popup&embed=<session>):
//
//   import { createSiteHost } from './site-host.js';
//   const host = createSiteHost({ client: custodian.client, onHeld: () => showWaitingRequests() });
//   // the approval screen lists wallet_listRequests, then:
//   await host.decide(requestId, 'approve', { accounts });   // or 'reject'
//
// createSiteHost({client, onHeld}) -> {decide(requestId, 'approve'|'reject', {accounts?}) ->
// Promise<void>, origins, close()}. The logic lives in @custodian/web (web/src/site-host.ts),
// where it is unit-tested.

export { createSiteHost } from './vendor/custodian-web/dist/site-host.js';
