#!/usr/bin/env bash
# Checks that the shipped WebAssembly build is reproducible: rebuilds it in another directory
# and compares the SHA-256 digest of every file in web/pkg/ with the one scripts/build-wasm.sh
# left there (docs/threat-model.md §Supply chain).
#
# build-wasm.sh maps the checkout's and CARGO_HOME's absolute paths to fixed prefixes
# (--remap-path-prefix), so its output should not depend on where it ran. To check it, the
# source tree (tracked and new files, no build output) is copied to a temporary directory at
# a different path, of a different length, and the copy's own scripts/build-wasm.sh runs there
# with a fresh target directory: nothing is reused from the first build, and any absolute
# path that leaked into the module, or anything else that varies between builds, shows up as
# a difference. node_modules is linked, not copied (it is an input, pinned by
# package-lock.json, like the crates in CARGO_HOME).
#
#   scripts/build-wasm.sh && scripts/reproducible-build.sh
#   KEEP=1 scripts/reproducible-build.sh   keep the second build tree for inspection
#
# Cost: one release build of the dependency tree for wasm32, plus wasm-bindgen, wasm-opt and
# the TypeScript build (docs/fuzzing.md has the figures next to the other hardening stages).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

crate=custodian_wasm
[ -f "web/pkg/${crate}_bg.wasm" ] || die "web/pkg/${crate}_bg.wasm missing: run scripts/build-wasm.sh first"
[ -d node_modules ] || die "node_modules missing: run scripts/setup.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/custodian-repro.XXXXXX")"
if [ -z "${KEEP:-}" ]; then
    trap 'rm -rf "$work"' EXIT
fi
copy="$work/elsewhere/another-checkout/custodian"

# The source as git sees it: tracked files plus new ones not ignored (so uncommitted work is
# checked too), without target/, node_modules/ or other build output.
section "reproducible-build: copy the source to $copy"
mkdir -p "$copy"
git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf - | tar -xf - -C "$copy"
ln -s "$ROOT/node_modules" "$copy/node_modules"
[ -d web/node_modules ] && ln -s "$ROOT/web/node_modules" "$copy/web/node_modules"

section "reproducible-build: scripts/build-wasm.sh in the copy"
start=$(now)
(
    cd "$copy"
    unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR
    scripts/build-wasm.sh
)
note "the second build took $(( $(now) - start ))s"

section "reproducible-build: compare web/pkg/"
status=0
count=0
while IFS= read -r -d '' f; do
    count=$(( count + 1 ))
    a=$(sha256sum "web/pkg/$f" | awk '{print $1}')
    if [ ! -f "$copy/web/pkg/$f" ]; then
        note "MISSING   $a  $f"
        status=1
        continue
    fi
    b=$(sha256sum "$copy/web/pkg/$f" | awk '{print $1}')
    if [ "$a" = "$b" ]; then
        note "same      $a  $f"
    else
        note "DIFFERENT $a / $b  $f"
        status=1
    fi
done < <(cd web/pkg && find . -type f -printf '%P\0' | sort -z)
[ "$count" -gt 0 ] || die "web/pkg/ is empty"
[ "$(cd "$copy/web/pkg" && find . -type f | wc -l)" -eq "$count" ] \
    || { note "the second build has a different set of files in web/pkg/"; status=1; }
[ "$status" -eq 0 ] || die "the builds differ (KEEP=1 keeps the second one in $work for a diff)"
note "the shipped .wasm is reproducible: $(sha256sum "web/pkg/${crate}_bg.wasm" | awk '{print $1}')"
