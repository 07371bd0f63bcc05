#!/usr/bin/env bash
# Checks that the release WebAssembly build is reproducible: builds it twice from clean and
# compares SHA-256 digests of every output (docs/threat-model.md §Supply chain).
#
# The source tree (tracked and new files, no build output) is copied once, before either
# build starts, to two places at different paths; each build has a fresh target directory
# inside its copy, so neither can reuse the other's work, and any absolute path that leaked
# into the module would show up as a difference. Paths are mapped to fixed prefixes
# (--remap-path-prefix: the source tree to /custodian, CARGO_HOME to /cargo), as anyone
# rebuilding elsewhere would do. Each build is what scripts/build-wasm.sh does: cargo
# (release, --locked), wasm-bindgen --target web, wasm-opt -O3.
#
#   scripts/reproducible-build.sh          build twice, compare, print the digests
#   KEEP=1 scripts/reproducible-build.sh   keep the two build trees for inspection
#
# Cost: two complete release builds of the dependency tree for wasm32: 3 min in total on the
# 2-core build machine when lightly loaded, 6 min under load; scripts/test.sh skips it with
# REPRODUCIBLE=0.
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

# Both copies are taken now, so an edit made while the builds run cannot differ between them.
# Different lengths too, so nothing that depends on path length can hide.
src_a="$work/a/custodian"
src_b="$work/b/other-checkout/custodian"
copy_tree "$src_a"
copy_tree "$src_b"
build A "$src_a"
build B "$src_b"

section "reproducible-build: compare"
status=0
for f in "$crate.wasm" "bindgen/${crate}_bg.wasm" "bindgen/$crate.js" "${crate}_bg.wasm"; do
    a=$(sha256sum "$src_a/out/$f" | awk '{print $1}')
    b=$(sha256sum "$src_b/out/$f" | awk '{print $1}')
    if [ "$a" = "$b" ]; then
        note "same      $a  $f"
    else
        note "DIFFERENT $a / $b  $f"
        status=1
    fi
done
[ "$status" -eq 0 ] || die "the two builds differ (KEEP=1 keeps them in $work for a diff)"
note "the release .wasm is reproducible: $(sha256sum "$src_a/out/${crate}_bg.wasm" | awk '{print $1}')"
