# Shared helpers for the scripts in this folder. Sourced, not run.

# Repository root, whatever directory the caller started in.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# What `cargo install` puts there (wasm-bindgen, its test runner) must win over other copies.
# wasm-opt is always called by its full path in node_modules: Debian's old one breaks the module.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

section() {
    printf '\n\033[1m==> %s\033[0m\n' "$*"
}

note() {
    printf '    %s\n' "$*"
}

die() {
    printf '\033[31merror:\033[0m %s\n' "$*" >&2
    exit 1
}

# Seconds since the epoch, for the stage timings.
now() {
    date +%s
}

# The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly, because the
# generated JS glue and the runtime crate share a private ABI.
locked_wasm_bindgen_version() {
    awk '
        $0 == "name = \"wasm-bindgen\"" { found = 1; next }
        found && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' "$ROOT/Cargo.lock"
}
