#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs: XML from ../testdata and from the interop vectors (*.xml,
# any file that starts with '<', and base64 SAMLResponse values decoded), and PEM/DER files for
# pem_certificates. Files are named by their SHA-1, as libFuzzer names its own, so running it again adds
# nothing twice. corpus/ is git-ignored.
#
# Usage: fuzz/seed.sh [INTEROP_DIR]   (default: shared/interop beside the repository)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
interop="${1:-$repo/../shared/interop}"
sources=("$repo/testdata")
if [[ -d "$interop" ]]; then
    sources+=("$interop")
else
    echo "seed.sh: no interop vectors at $interop; seeding from testdata/ only" >&2
fi

xml_targets=(xml_reader c14n dsig_verify)
for t in "${xml_targets[@]}" pem_certificates; do
    mkdir -p "$here/corpus/$t"
done

add() { # add FILE TARGET...
    local file="$1" name
    shift
    name="$(sha1sum "$file" | cut -d' ' -f1)"
    for t in "$@"; do
        cp "$file" "$here/corpus/$t/$name"
    done
}

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
while IFS= read -r -d '' f; do
    case "$f" in
    *.pem | *.crt | *.cer | *.cert | *.der | *.key) add "$f" pem_certificates ;;
    *.b64)
        if base64 -d -i "$f" >"$tmp" 2>/dev/null && [[ "$(head -c 1 "$tmp")" == "<" ]]; then
            add "$tmp" "${xml_targets[@]}"
        fi
        ;;
    *)
        if [[ "$f" == *.xml || "$(head -c 1 "$f")" == "<" || "$(head -c 4 "$f")" == $'\xef\xbb\xbf<' ]]; then
            add "$f" "${xml_targets[@]}"
        fi
        ;;
    esac
done < <(find "${sources[@]}" -type f -size -1024k -print0)

for t in "${xml_targets[@]}" pem_certificates; do
    echo "corpus/$t: $(find "$here/corpus/$t" -type f | wc -l) files"
done
