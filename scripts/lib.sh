# Shared helpers for the scripts in this folder. Sourced, not run.

# Repository root, whatever directory the caller started in.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Tools installed by `cargo install` and npm must win over anything else on PATH
# (in particular Debian's old wasm-opt, whose output does not load).
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

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
