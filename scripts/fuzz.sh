#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (docs/fuzzing.md).
#
#   scripts/fuzz.sh                 every target, 20 s each
#   scripts/fuzz.sh all 600         every target, 10 min each
#   scripts/fuzz.sh keystore_v3 60  one target for a minute
#   scripts/fuzz.sh --list          the target names
#
# The committed seeds in fuzz/corpus/<target>/ are read, never written: new inputs go to
# fuzz/target/corpus/<target>/ (kept between runs, ignored by git), crashes to
# fuzz/target/artifacts/<target>/. A crash fails the script and prints how to reproduce it.
# SANITIZER=address switches on AddressSanitizer (about 2x slower; the core forbids unsafe code,
# so it only watches the dependencies' unsafe blocks); the default is none.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/fuzz"

CARGO_FUZZ_VERSION=0.13.2
sanitizer="${SANITIZER:-none}"
targets=(vault_envelope keyring_plaintext keystore_v3 protocol_request eth_transaction_json
    eth_rlp_transaction eip712_typed_data solana_transaction)

if [ "${1:-}" = "--list" ]; then
    printf '%s\n' "${targets[@]}"
    exit 0
fi
which="${1:-all}"
seconds="${2:-20}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "seconds must be a positive integer"
if [ "$which" != "all" ]; then
    printf '%s\n' "${targets[@]}" | grep -qx "$which" \
        || die "unknown target '$which' (scripts/fuzz.sh --list)"
    targets=("$which")
fi

rustup toolchain list | grep -q '^nightly' \
    || die "cargo-fuzz needs a nightly toolchain: rustup toolchain install nightly"
if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
    section "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION (one time, ~2-5 min)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi

section "fuzz: build (nightly, sanitizer $sanitizer)"
cargo +nightly fuzz build -s "$sanitizer"

declare -a summary=()
for target in "${targets[@]}"; do
    section "fuzz: $target for ${seconds}s"
    work="target/corpus/$target"
    artifacts="target/artifacts/$target"
    log="target/logs/$target.log"
    mkdir -p "$work" "$artifacts" "target/logs"
    note "log: fuzz/$log"
    # First directory = where new inputs go; the committed seeds are only read.
    status=0
    cargo +nightly fuzz run -s "$sanitizer" "$target" "$work" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | sed 's/^/    /' || true
    execs=$(awk '/^stat::number_of_executed_units:/ {print $NF}' "$log")
    rate=$(awk '/^stat::average_exec_per_sec:/ {print $NF}' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
    summary+=("$(printf '%-22s %12s %8s %7s' "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}")")
    if [ "$status" -ne 0 ]; then
        crash=$(grep -oE 'Test unit written to \S+' "$log" | tail -1 | awk '{print $NF}')
        printf '\n' >&2
        grep -E 'panicked at|^thread|SUMMARY' "$log" | head -5 >&2 || true
        die "$target failed (log fuzz/$log). Reproduce: cd fuzz && cargo +nightly fuzz run -s $sanitizer $target ${crash:-<artifact>}"
    fi
done

section "fuzz: summary (${seconds}s per target, sanitizer $sanitizer)"
printf '    %-22s %12s %8s %7s\n' target execs exec/s cov
for line in "${summary[@]}"; do
    printf '    %s\n' "$line"
done
