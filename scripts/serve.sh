#!/usr/bin/env bash
# Installs what is missing, builds the WASM and both sites, and serves
#   the wallet   on http://127.0.0.1:8080 (WALLET_PORT), and
#   the demo dapp on http://localhost:8081 (DEMO_PORT), a different origin on purpose,
# from one process: Ctrl-C stops both. EMBED_ANCESTORS (space-separated origins) lists the dapps
# allowed to embed the wallet frame; default: the demo's origin. Start `npx hardhat node` too
# (127.0.0.1:8545) and the demo sends the transaction it had signed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

scripts/setup.sh
scripts/build-wasm.sh

section "build-site: target/site/{wallet,demo} with Subresource Integrity"
node scripts/build-site.mjs

wallet_port="${WALLET_PORT:-${PORT:-8080}}"
demo_port="${DEMO_PORT:-8081}"
section "serve: wallet http://127.0.0.1:${wallet_port}/  demo http://localhost:${demo_port}/"
exec node scripts/static-server.mjs \
    --host 127.0.0.1 --port "$wallet_port" --root target/site/wallet \
    --demo-host localhost --demo-port "$demo_port" --demo-root target/site/demo \
    --embed-ancestors "${EMBED_ANCESTORS:-http://localhost:${demo_port}}"
