#!/usr/bin/env bash
# Builds and runs the libFuzzer targets in fuzz/ (docs/fuzzing.md).
#
#   scripts/fuzz.sh                      every target, 20 s each
#   scripts/fuzz.sh all 600              every target, 10 min each
#   scripts/fuzz.sh keystore_v3 60       one target for a minute
#   scripts/fuzz.sh --list               the target names
#   FUZZ_PROFILE=smoke scripts/fuzz.sh all 10
#                                        what scripts/test.sh runs: a cheaper build, and each
#                                        target starts from its committed seeds only
#
# No cargo-fuzz: the targets are built with `cargo +nightly build` and the instrumentation
# flags cargo-fuzz 0.13 passes to rustc (listed below), all in one cargo invocation, and each
# binary is libFuzzer itself. The committed seeds in fuzz/corpus/<target>/ are read, never
# written: new inputs go to fuzz/target/corpus/<target>/ (kept between runs, ignored by git;
# the smoke profile uses fuzz/target/smoke-corpus/<target>/, emptied first), crashes to
# fuzz/target/artifacts/<target>/. A crash fails the script and prints how to replay it.
# SANITIZER=address switches on AddressSanitizer (about 2x slower; the core forbids unsafe
# code, so it only watches the dependencies' unsafe blocks); the default is none.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/fuzz"

profile="${FUZZ_PROFILE:-release}"
sanitizer="${SANITIZER:-none}"
targets=(vault_envelope keyring_plaintext keystore_v3 protocol_request eth_transaction_json
    eth_rlp_transaction eip712_typed_data solana_transaction policy_json audit_log)

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
case "$profile" in release | smoke) ;; *) die "FUZZ_PROFILE must be release or smoke" ;; esac

rustup toolchain list | grep -q '^nightly' \
    || die "the fuzz targets need a nightly toolchain: rustup toolchain install nightly"
triple="$(rustc +nightly -vV | awk '/^host:/ {print $2}')"

# cargo-fuzz 0.13's flags (`cargo fuzz build -v` prints them): SanitizerCoverage with 8-bit
# counters, the PC table and comparison tracing (what libFuzzer's feedback reads), stack
# depth, `cfg(fuzzing)`, debug assertions. --target keeps them off build scripts and proc
# macros. One codegen unit only for the long runs: faster code, slower to build.
rustflags="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
rustflags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters"
rustflags+=" -Cllvm-args=-sanitizer-coverage-pc-table"
rustflags+=" -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing"
rustflags+=" -Cllvm-args=-simplifycfg-branch-fold-threshold=0"
rustflags+=" -Cllvm-args=-sanitizer-coverage-stack-depth -Cdebug-assertions"
[ "$profile" = release ] && rustflags+=" -Ccodegen-units=1"
case "$sanitizer" in
    none) ;;
    address) rustflags+=" -Zsanitizer=address" ;;
    *) die "SANITIZER must be none or address" ;;
esac

section "fuzz: build ${#targets[@]} target(s) (nightly, profile $profile, sanitizer $sanitizer)"
bins=()
for target in "${targets[@]}"; do
    bins+=(--bin "$target")
done
start=$(now)
RUSTFLAGS="$rustflags" CARGO_TARGET_DIR="$ROOT/fuzz/target" \
    cargo +nightly build --locked --target "$triple" --profile "$profile" "${bins[@]}"
note "built in $(( $(now) - start ))s"
bin_dir="target/$triple/$profile"

declare -a summary=()
for target in "${targets[@]}"; do
    section "fuzz: $target for ${seconds}s"
    if [ "$profile" = smoke ]; then
        work="target/smoke-corpus/$target"
        rm -rf "$work"
    else
        work="target/corpus/$target"
    fi
    artifacts="target/artifacts/$target"
    log="target/logs/$target.log"
    mkdir -p "$work" "$artifacts" "target/logs"
    note "log: fuzz/$log"
    # First directory = where new inputs go; the committed seeds are only read.
    status=0
    "$bin_dir/$target" "$work" "corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | sed 's/^/    /' || true
    execs=$(awk '/^stat::number_of_executed_units:/ {print $NF}' "$log")
    rate=$(awk '/^stat::average_exec_per_sec:/ {print $NF}' "$log")
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
    corpus=$(find "$work" -type f | wc -l)
    summary+=("$(printf '%-22s %12s %8s %7s %7s' "$target" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corpus")")
    if [ "$status" -ne 0 ]; then
        crash=$(grep -oE 'Test unit written to \S+' "$log" | tail -1 | awk '{print $NF}')
        printf '\n' >&2
        grep -E 'panicked at|^thread|SUMMARY' "$log" | head -5 >&2 || true
        die "$target failed (log fuzz/$log). Replay: fuzz/$bin_dir/$target fuzz/${crash:-<artifact>}"
    fi
done

section "fuzz: summary (${seconds}s per target, profile $profile, sanitizer $sanitizer)"
printf '    %-22s %12s %8s %7s %7s\n' target execs exec/s cov corpus
for line in "${summary[@]}"; do
    printf '    %s\n' "$line"
done
