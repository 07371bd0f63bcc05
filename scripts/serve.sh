#!/usr/bin/env bash
# Installs what is missing, builds the WASM and serves the wallet page on
# http://127.0.0.1:8080 (override with PORT=... or HOST=...). Ctrl-C stops it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

scripts/setup.sh
scripts/build-wasm.sh

section "serve: http://${HOST:-127.0.0.1}:${PORT:-8080}/"
exec node scripts/static-server.mjs --host "${HOST:-127.0.0.1}" --port "${PORT:-8080}"
