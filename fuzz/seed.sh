#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs. Files are named by their SHA-1, as libFuzzer names its
# own, so running it again adds nothing twice. corpus/ is git-ignored.
#
# - xml_reader, c14n, dsig_verify: XML from ../testdata and from the interop vectors (*.xml, any file that
#   starts with '<', and base64 values decoded);
# - pem_certificates: PEM/DER files;
# - validate, post_body: the first byte of an input is the target's mode (see fuzz_targets/*.rs):
#   * signed responses the testkit makes for the targets' fixed configuration (examples/make_seeds.rs,
#     most of them accepted), for validate as raw XML (mode 0), form body (1) and base64 (2), for
#     post_body as XML under each of the 16 wrappers;
#   * every SAML Response among the files above (raw XML or base64 decoded, e.g. the interop vectors and
#     testdata/demo/response-accepted.b64): validate mode 0 (raw XML) and mode 2 (the base64 text as it
#     is, through SsoRequest::detect), post_body modes 1 (base64) and 3 (form body);
# - every target: the committed corpus testdata/fuzz-corpus/<target>/ and the regression inputs
#   testdata/fuzz-regressions/<target>-*.
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
all_targets=("${xml_targets[@]}" pem_certificates validate post_body)
for t in "${all_targets[@]}"; do
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

add_with_mode() { # add_with_mode MODE FILE TARGET: the file prefixed with the mode byte (0-255)
    local mode="$1" file="$2" target="$3"
    { printf "\\$(printf '%03o' "$mode")"; cat "$file"; } >"$tmp_mode"
    add "$tmp_mode" "$target"
}

is_response() { # a SAML 2.0 Response (not a fragment of one)
    grep -q 'urn:oasis:names:tc:SAML:2.0:protocol' "$1" && grep -q 'Response' "$1"
}

tmp="$(mktemp)"
tmp_mode="$(mktemp)"
seeds="$(mktemp -d)"
trap 'rm -rf "$tmp" "$tmp_mode" "$seeds"' EXIT

while IFS= read -r -d '' f; do
    case "$f" in
    */fuzz-corpus/* | */fuzz-regressions/*) ;; # added below, to their own target only
    *.pem | *.crt | *.cer | *.cert | *.der | *.key) add "$f" pem_certificates ;;
    *.b64)
        if base64 -d -i "$f" >"$tmp" 2>/dev/null && [[ "$(head -c 1 "$tmp")" == "<" ]]; then
            add "$tmp" "${xml_targets[@]}"
            if is_response "$tmp"; then
                add_with_mode 0 "$tmp" validate
                add_with_mode 2 "$f" validate
                add_with_mode 1 "$tmp" post_body
                add_with_mode 3 "$tmp" post_body
            fi
        fi
        ;;
    *)
        if [[ "$f" == *.xml || "$(head -c 1 "$f")" == "<" || "$(head -c 4 "$f")" == $'\xef\xbb\xbf<' ]]; then
            add "$f" "${xml_targets[@]}"
            if is_response "$f"; then
                add_with_mode 0 "$f" validate
                add_with_mode 2 "$f" validate
                add_with_mode 1 "$f" post_body
                add_with_mode 3 "$f" post_body
            fi
        fi
        ;;
    esac
done < <(find "${sources[@]}" -type f -size -1024k -print0)

# Signed responses for the validate/post_body configuration (needs the testkit: the `seeds` feature).
if cargo run --quiet --manifest-path "$here/Cargo.toml" --features seeds --example make_seeds -- "$seeds" \
    >/dev/null; then
    for t in validate post_body; do
        for f in "$seeds/$t"/*; do
            add "$f" "$t"
        done
    done
else
    echo "seed.sh: make_seeds failed; validate/post_body get no testkit responses" >&2
fi

# The committed corpus and regression inputs, each to its own target.
for t in "${all_targets[@]}"; do
    for f in "$repo/testdata/fuzz-corpus/$t"/* "$repo/testdata/fuzz-regressions/$t"-*; do
        [[ -f "$f" ]] && add "$f" "$t"
    done
done

for t in "${all_targets[@]}"; do
    echo "corpus/$t: $(find "$here/corpus/$t" -type f | wc -l) files"
done
