// Starts the wallet's Worker as early as the page can. This module's graph is @custodian/web
// alone, so the browser runs it (an `async` module script, index.html) as soon as that much has
// loaded, while app.js's larger graph (views, their libraries) is still arriving: the Worker's
// start-up overlaps the page's own (docs/app.md, "Start-up"). app.js imports the same instance.

import { createCustodian } from './vendor/custodian-web/dist/index.js';

export const custodian = createCustodian();
