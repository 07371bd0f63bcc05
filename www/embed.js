// The wallet frame inside a dapp's page (docs/embedded.md). All the logic is in @custodian/web
// (web/src/embed-frame.ts), where it is unit-tested; this file only starts it.

import { serveEmbedFrame } from './vendor/custodian-web/dist/embed-frame.js';

serveEmbedFrame();
