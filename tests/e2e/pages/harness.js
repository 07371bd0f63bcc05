// Test-only: exposes a Custodian over the shipped package (www/vendor/custodian-web) to the
// Playwright tests, which drive it with page.evaluate.
import { createCustodian } from '/vendor/custodian-web/dist/index.js';

const params = new URLSearchParams(location.search);
const custodian = createCustodian({ dbName: params.get('db') ?? 'custodian-e2e' });
window.harness = { custodian, provider: custodian.provider };
custodian.ready().then(
  () => { document.body.dataset.state = 'ready'; },
  (error) => { document.body.dataset.state = 'error'; document.body.dataset.error = String(error?.message ?? error); },
);
