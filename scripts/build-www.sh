#!/usr/bin/env bash
# Copies the wallet page's third-party libraries from node_modules into www/vendor/, so the
# page loads them from its own origin (no CDN, no request elsewhere) as plain ES modules:
#   - @zxcvbn-ts/core + language-common + language-en (password strength), with their
#     dependencies fastest-levenshtein and @zxcvbn-ts/dictionary-compression;
#   - qr (QR codes of addresses).
# The page has no bundler and its CSP allows no inline import map, so bare specifiers
# (`from 'fastest-levenshtein'`) are rewritten to relative paths. Only the ES module files and
# the licences are copied; source-map comments are dropped (the maps are not served).
# www/vendor/ is build output, ignored by git. Called by scripts/build-wasm.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

section "build-www: vendor libraries for the wallet page"

nm="$ROOT/node_modules"
vendor="$ROOT/www/vendor"
[ -d "$nm/@zxcvbn-ts/core" ] && [ -d "$nm/qr" ] || die "node_modules is missing the page libraries: run scripts/setup.sh"

# copy_modules FROM TO PATTERN: every file matching PATTERN under FROM, keeping the layout.
copy_modules() {
    local from="$1" to="$2" pattern="$3"
    rm -rf "$to"
    mkdir -p "$to"
    (cd "$from" && find . -type f -name "$pattern" -print0) | while IFS= read -r -d '' file; do
        mkdir -p "$to/$(dirname "$file")"
        sed '/^\/\/# sourceMappingURL=/d' "$from/$file" > "$to/$file"
    done
}

# rewrite DIR SPECIFIER TARGET: in every module under DIR, `from 'SPECIFIER'` becomes a
# relative import of TARGET (a file under www/vendor/).
rewrite() {
    local dir="$1" specifier="$2" target="$3"
    find "$dir" -type f \( -name '*.mjs' -o -name '*.js' \) -print0 | while IFS= read -r -d '' file; do
        grep -q "from '$specifier'" "$file" || continue
        local relative
        relative="$(realpath --relative-to="$(dirname "$file")" "$vendor/$target")"
        case "$relative" in ../*) ;; *) relative="./$relative" ;; esac
        sed -i "s#from '$specifier'#from '$relative'#g" "$file"
    done
}

copy_modules "$nm/@zxcvbn-ts/core/dist" "$vendor/zxcvbn-ts/core" '*.mjs'
copy_modules "$nm/@zxcvbn-ts/language-common/dist" "$vendor/zxcvbn-ts/language-common" '*.mjs'
copy_modules "$nm/@zxcvbn-ts/language-en/dist" "$vendor/zxcvbn-ts/language-en" '*.mjs'
copy_modules "$nm/@zxcvbn-ts/dictionary-compression/dist" "$vendor/zxcvbn-ts/dictionary-compression" 'decompress.mjs'
copy_modules "$nm/fastest-levenshtein/esm" "$vendor/fastest-levenshtein" 'mod.js'
copy_modules "$nm/qr" "$vendor/qr" 'index.js'

rewrite "$vendor/zxcvbn-ts" 'fastest-levenshtein' 'fastest-levenshtein/mod.js'
rewrite "$vendor/zxcvbn-ts" '@zxcvbn-ts/dictionary-compression/decompress' 'zxcvbn-ts/dictionary-compression/decompress.mjs'

# Licences and notices travel with the code (the word lists have sources of their own).
for package in core language-common language-en dictionary-compression; do
    for file in LICENSE LICENSE.txt LICENSE.md NOTICE.md THIRD_PARTY_LICENSES.md; do
        if [ -f "$nm/@zxcvbn-ts/$package/$file" ]; then
            cp "$nm/@zxcvbn-ts/$package/$file" "$vendor/zxcvbn-ts/$package/"
        fi
    done
done
cp "$nm/fastest-levenshtein/LICENSE.md" "$vendor/fastest-levenshtein/"
cp "$nm/qr/LICENSE" "$vendor/qr/"

# Nothing bare may be left: the browser would refuse to load the module.
if grep -rEn "(from|import) ?'[^./][^']*'" "$vendor/zxcvbn-ts" "$vendor/fastest-levenshtein" "$vendor/qr" --include='*.mjs' --include='*.js'; then
    die "bare import specifiers left in www/vendor (see above)"
fi
note "www/vendor: zxcvbn-ts $(find "$vendor/zxcvbn-ts" -type f | wc -l) files, qr, fastest-levenshtein"
