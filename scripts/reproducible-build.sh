#!/usr/bin/env bash
# Checks that the release WebAssembly build is reproducible: builds it twice from clean and
# compares SHA-256 digests of every output (docs/threat-model.md §Supply chain).
#
# Each build starts from a fresh copy of the source tree (tracked and new files, no build
# output) with a fresh target directory inside it, so the second build cannot reuse anything
# of the first. Both run at the same path: the path is part of RUSTFLAGS (through
# --remap-path-prefix), and cargo folds RUSTFLAGS into every crate's -C metadata hash, so two
# paths would give two different symbol hashes whatever the code. Paths are mapped to fixed
# prefixes (the source tree to /custodian, CARGO_HOME to /cargo), so a rebuild elsewhere that
# uses the same mapping gets the same bytes. Each build is what scripts/build-wasm.sh does:
# cargo (release, --locked), wasm-bindgen --target web, wasm-opt -O3.
#
#   scripts/reproducible-build.sh          build twice, compare, print the digests
#   KEEP=1 scripts/reproducible-build.sh   keep the two build trees for inspection
#
# Cost: two complete release builds of the dependency tree for wasm32 (about 3-5 min each on
# an idle 2-core machine), which is why scripts/test.sh runs it only with REPRODUCIBLE=1.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

crate=custodian_wasm
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
wasm_opt="$ROOT/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || die "$wasm_opt missing: run scripts/setup.sh"
command -v wasm-bindgen >/dev/null || die "wasm-bindgen missing: run scripts/setup.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/custodian-repro.XXXXXX")"
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$work"' EXIT
fi

# The source as git sees it: tracked files plus new ones not ignored (so uncommitted work is
# checked too), without target/, node_modules/ or other build output.
copy_tree() {
    mkdir -p "$1"
    git ls-files -z --cached --others --exclude-standard \
        | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
        | tar --null -T - -cf - | tar -xf - -C "$1"
}

build() {
    local side="$1" src="$2"
    section "reproducible-build: build $side in $src"
    copy_tree "$src"
    local start
    start=$(now)
    (
        cd "$src"
        RUSTFLAGS="--remap-path-prefix=$src=/custodian --remap-path-prefix=$cargo_home=/cargo" \
            CARGO_TARGET_DIR="$src/target" \
            cargo build --locked -p custodian-wasm --release --target wasm32-unknown-unknown
        mkdir -p out
        cp "target/wasm32-unknown-unknown/release/$crate.wasm" "out/$crate.wasm"
        wasm-bindgen --target web --out-dir out/bindgen "out/$crate.wasm"
        "$wasm_opt" -O3 "out/bindgen/${crate}_bg.wasm" -o "out/${crate}_bg.wasm"
    )
    note "build $side took $(( $(now) - start ))s"
}

src="$work/custodian"
build A "$src"
mv "$src/out" "$work/out-a"
rm -rf "$src"
build B "$src"
mv "$src/out" "$work/out-b"

section "reproducible-build: compare"
status=0
for f in "$crate.wasm" "bindgen/${crate}_bg.wasm" "bindgen/$crate.js" "${crate}_bg.wasm"; do
    a=$(sha256sum "$work/out-a/$f" | awk '{print $1}')
    b=$(sha256sum "$work/out-b/$f" | awk '{print $1}')
    if [ "$a" = "$b" ]; then
        note "same      $a  $f"
    else
        note "DIFFERENT $a / $b  $f"
        status=1
    fi
done
[ "$status" -eq 0 ] || die "the two builds differ (KEEP=1 keeps them in $work for a diff)"
note "the release .wasm is reproducible: $(sha256sum "$work/out-a/${crate}_bg.wasm" | awk '{print $1}')"
