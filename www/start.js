// Starts the wallet's Worker as early as the page can. This module's graph is @custodian/web
// alone, so the browser runs it (an `async` module script, index.html) as soon as that much has
// loaded, while app.js's larger graph (views, their libraries) is still arriving: the Worker's
// start-up overlaps the page's own (docs/app.md, "Start-up"). app.js imports the same instance.

import { createCustodian } from './vendor/custodian-web/dist/index.js';

// The .wasm is also fetched and compiled here, in parallel with the Worker's own start, and the
// compiled module handed over (the page's CSP allows 'wasm-unsafe-eval'; on any failure the
// Worker loads the file itself): the page left "Loading" in 407 ms against 448 ms (median of
// 21 fresh visits, bench/app-start.mjs; docs/app.md "Start-up").
export const custodian = createCustodian({ compileInPage: true });
