#!/usr/bin/env bash
# Builds and runs every test, failing at the first stage that fails:
#   set-up, rustfmt, cargo deny, clippy (native and wasm32), cargo test (native),
#   wasm-bindgen-test in Node and in headless Chromium, the release WASM build, the
#   reproducible-build check, Node cross-checks, @custodian/web's unit tests, browser
#   end-to-end tests, and a fuzz smoke run of every fuzz target.
# HARDENING=0 skips cargo deny, the reproducibility check and the fuzz smoke (about 6 minutes
# on a fresh 2-core machine, docs/fuzzing.md §Cost) for a quicker local run; CI runs them all.
# REPRODUCIBLE=0 skips only the reproducibility check; FUZZ_SECONDS sets the smoke time per
# target (default 10).
# Prints the number of tests each stage ran, a timing per stage, and a total line.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

logs="$ROOT/target/test-logs"
mkdir -p "$logs"

declare -a summary=()
total_passed=0
total_failed=0
current_stage=""

on_error() {
    printf '\n\033[31mFAILED in stage: %s\033[0m (log: %s)\n' "$current_stage" "$logs" >&2
}
trap on_error ERR

# Sums cargo's "test result: ok. N passed; M failed" lines in a log.
cargo_counts() {
    awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?/) p += $i; if ($(i+1) ~ /^failed;?/) f += $i } }
         END { printf "%d %d\n", p, f }' "$1"
}

# node --test's closing "# pass N" / "# fail N" lines (TAP) or "ℹ pass N" (spec reporter).
node_counts() {
    awk '/^(# |ℹ )pass [0-9]+$/ { p = $NF } /^(# |ℹ )fail [0-9]+$/ { f = $NF }
         END { printf "%d %d\n", p, f }' "$1"
}

# stage NAME COUNTER COMMAND...: runs COMMAND with its output shown and logged, then records
# its test count (COUNTER is cargo, node or -) and duration.
stage() {
    local name="$1" counter="$2"
    shift 2
    current_stage="$name"
    local log="$logs/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-').log"
    section "$name"
    local start
    start=$(now)
    "$@" 2>&1 | tee "$log"
    local seconds=$(( $(now) - start ))
    local passed="-" failed=0
    case "$counter" in
        cargo) read -r passed failed < <(cargo_counts "$log") ;;
        node) read -r passed failed < <(node_counts "$log") ;;
    esac
    if [ "$counter" != "-" ]; then
        [ "$failed" -eq 0 ] || die "$name: $failed tests failed"
        [ "$passed" -gt 0 ] || die "$name: ran no tests"
        total_passed=$(( total_passed + passed ))
        note "$name: $passed passed, $failed failed (${seconds}s)"
    fi
    summary+=("$(printf '%-34s %8s %6ss' "$name" "$passed" "$seconds")")
    LAST_LOG="$log"
    LAST_PASSED="$passed"
}

run_start=$(now)

stage "setup" - scripts/setup.sh
stage "cargo fmt --check" - cargo fmt --all -- --check

hardening="${HARDENING:-1}"
# Licenses, duplicate crypto crates and sources against deny.toml, with the pinned cargo-deny
# that scripts/setup.sh installed (a prebuilt binary: seconds, not a 10-minute compile).
# Advisories need the RustSec database from GitHub, which this machine cannot reach.
if [ "$hardening" = "1" ]; then
    stage "cargo deny" - "$ROOT/target/tools/cargo-deny/bin/cargo-deny" deny check licenses bans sources
fi
stage "cargo clippy -D warnings" - cargo clippy --workspace --all-targets -- -D warnings
# The shipped product is the wasm32 build: code behind cfg(target_arch = "wasm32") and the
# wasm-only tests are linted only here.
stage "cargo clippy (wasm32) -D warnings" - \
    cargo clippy -p custodian-core -p custodian-kernels -p custodian-wasm --target wasm32-unknown-unknown \
    --lib --tests -- -D warnings
stage "cargo test (native)" cargo cargo test --workspace

stage "wasm-bindgen-test (Node)" cargo \
    cargo test -p custodian-core -p custodian-kernels -p custodian-wasm --target wasm32-unknown-unknown
node_wasm_passed="$LAST_PASSED"

# The runner falls back silently to other modes in some setups; make sure every wasm test
# binary really ran in Chrome and that the browser ran as many tests as Node did.
stage "wasm-bindgen-test (Chromium)" cargo \
    env WASM_BINDGEN_USE_BROWSER=1 \
    cargo test -p custodian-core -p custodian-kernels -p custodian-wasm --target wasm32-unknown-unknown
# (A binary whose tests are all native-only, e.g. proptest suites, prints "no tests to run!"
# and never starts a browser; it is not counted.)
binaries=$(grep -cE '^ +Running .*\.wasm\)$' "$LAST_LOG" || true)
empty=$(grep -c '^no tests to run!$' "$LAST_LOG" || true)
binaries=$(( binaries - empty ))
in_chrome=$(grep -c 'Running headless tests in Chrome' "$LAST_LOG" || true)
[ "$binaries" -gt 0 ] && [ "$in_chrome" -eq "$binaries" ] \
    || die "only $in_chrome of $binaries wasm test binaries ran in headless Chrome"
[ "$LAST_PASSED" -eq "$node_wasm_passed" ] \
    || die "Chromium ran $LAST_PASSED wasm tests, Node ran $node_wasm_passed"

stage "build-wasm (release)" - scripts/build-wasm.sh
# The .wasm just built, rebuilt in another directory from a copy of the source: same SHA-256.
if [ "$hardening" = "1" ] && [ "${REPRODUCIBLE:-1}" = "1" ]; then
    stage "reproducible .wasm" - scripts/reproducible-build.sh
fi
stage "Node cross-checks" node node --test tests/node/
# The package's own unit tests (fake core, fake IndexedDB) before the real module in a browser.
stage "web (tsc + unit tests)" node bash -c 'npm --prefix web run build && npm --prefix web test'
stage "browser e2e (Playwright)" node node --test tests/e2e/

# --- Hardening (docs/fuzzing.md, docs/threat-model.md). The memory-scrub and fresh-key tests
# run inside the Node and browser stages above (tests/node/, tests/e2e/); cargo deny and the
# reproducibility check ran above.

# Every fuzz target for a few seconds from its committed seeds, so a crash on or near them
# fails the run: one nightly build of all targets (the cheaper smoke profile), then each
# binary with -max_total_time.
if [ "$hardening" = "1" ]; then
    stage "fuzz smoke" - env FUZZ_PROFILE=smoke scripts/fuzz.sh all "${FUZZ_SECONDS:-10}"
else
    note "hardening stages (cargo deny, reproducible .wasm, fuzz smoke): skipped (HARDENING=0)"
fi

trap - ERR
section "summary"
printf '    %-34s %8s %7s\n' "stage" "tests" "time"
for line in "${summary[@]}"; do
    printf '    %s\n' "$line"
done
printf '    %-34s %8s %6ss\n' "total" "$total_passed" "$(( $(now) - run_start ))"
echo
echo "total: $total_passed passed, $total_failed failed"
