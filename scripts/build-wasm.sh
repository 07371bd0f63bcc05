#!/usr/bin/env bash
# Builds the release .wasm, generates its JavaScript glue and optimises it, compiles the
# @custodian/web package, and lays both out under www/ for the wallet page.
#
# One output serves every consumer: wasm-bindgen's `--target web` ES module in web/pkg/.
#   - Browser (web/dist/worker.js, one file with the glue inside: scripts/bundle-worker.mjs, run
#     by the package's build): the Worker fetches custodian_wasm_bg.wasm from ../pkg/.
#   - Node (tests/node/wasm.mjs): `initSync({ module: bytes })` with the bytes read from disk.
# www/vendor/custodian-web/ holds copies of web/dist/ and web/pkg/ in the package's own layout
# (dist/worker.js fetches ../pkg/custodian_wasm_bg.wasm), so any static server rooted at www/
# serves the page.
# All three folders are build output, ignored by git.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

crate=custodian_wasm
release_wasm="target/wasm32-unknown-unknown/release/$crate.wasm"
unoptimised="target/wasm-bindgen/web"   # wasm-bindgen's output before wasm-opt, kept out of pkg/

section "build-wasm: cargo build (release, wasm32-unknown-unknown)"
# The release profile keeps symbols (strip = false): stripping also drops the
# `target_features` section, and wasm-opt then rejects rustc's bulk-memory instructions.
# wasm-opt strips names later anyway.
# Reproducible: the absolute paths of this checkout and of CARGO_HOME (panic locations, debug
# info) are mapped to fixed prefixes, so the same commit builds to the same bytes in any
# directory; scripts/reproducible-build.sh checks it. RUSTFLAGS reach only wasm32 crates
# (--target), not build scripts; CARGO_ENCODED_RUSTFLAGS keeps paths with spaces whole.
# +simd128: WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+), 6-20 % faster
# signing and a smaller module (docs/benchmarks.md, SIMD). CARGO_ENCODED_RUSTFLAGS replaces the
# `rustflags` of .cargo/config.toml instead of adding to them, so the flag that config gives
# the wasm-bindgen tests is repeated here: tests and shipped module are compiled alike.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
CARGO_ENCODED_RUSTFLAGS="--remap-path-prefix=$ROOT=/custodian"$'\x1f'"--remap-path-prefix=$cargo_home=/cargo"$'\x1f'"-Ctarget-feature=+simd128" \
    cargo build --locked -p custodian-wasm --release --target wasm32-unknown-unknown

section "build-wasm: wasm-bindgen --target web"
rm -rf "$unoptimised"
wasm-bindgen --target web --out-dir "$unoptimised" "$release_wasm"

section "build-wasm: wasm-opt -O3 (binaryen from node_modules)"
# Debian's binaryen (wasm-opt 108) produces modules that fail to load; only npm's is used.
wasm_opt="$ROOT/node_modules/.bin/wasm-opt"
[ -x "$wasm_opt" ] || die "$wasm_opt missing: run scripts/setup.sh"
rm -rf web/pkg
mkdir -p web/pkg
cp "$unoptimised"/*.js "$unoptimised"/*.d.ts web/pkg/
"$wasm_opt" -O3 "$unoptimised/${crate}_bg.wasm" -o "web/pkg/${crate}_bg.wasm"

section "build-wasm: @custodian/web (tsc -> web/dist, then the one-file Worker)"
# tsc leaves the output of a source file that no longer exists; the vendor copy below takes
# every dist/*.js, and a stale one could carry an integrity marker that no longer resolves.
rm -rf web/dist
npm --prefix web run --silent build

# Only what the browser loads: the JavaScript and the .wasm, not the type declarations.
vendor=www/vendor/custodian-web
rm -rf www/pkg www/vendor
mkdir -p "$vendor/dist" "$vendor/pkg"
cp web/dist/*.js "$vendor/dist/"
cp web/pkg/*.js web/pkg/*.wasm "$vendor/pkg/"
note "$vendor: $(find "$vendor" -type f | wc -l) files"

raw_size=$(stat -c %s "$unoptimised/${crate}_bg.wasm")
opt_size=$(stat -c %s "web/pkg/${crate}_bg.wasm")
gz_size=$(gzip -9 -c "web/pkg/${crate}_bg.wasm" | wc -c)
note "web/pkg/${crate}_bg.wasm: $opt_size bytes ($gz_size gzip), $raw_size before wasm-opt"

# The page's own third-party libraries (password strength, QR codes) next to the package.
scripts/build-www.sh
