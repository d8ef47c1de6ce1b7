#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, seeding the corpus first if it is empty.
# A crash leaves its input in fuzz/artifacts/<target>/ and makes this script exit 1 after the other
# targets have run.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]
#
# `-s none` turns AddressSanitizer off, which a stable toolchain cannot build with (samlguard has no
# unsafe code, so it finds little here). For ASan: RUSTC_BOOTSTRAP=1 cargo fuzz run TARGET
set -uo pipefail

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS [TARGET...]" >&2
    exit 2
fi
seconds="$1"
shift
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$(dirname "$here")" || exit 2

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(xml_reader c14n dsig_verify pem_certificates)
fi
if ! command -v cargo-fuzz >/dev/null; then
    echo "run.sh: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
    exit 2
fi

for t in "${targets[@]}"; do
    if [[ -z "$(ls -A "$here/corpus/$t" 2>/dev/null)" ]]; then
        "$here/seed.sh" || exit 2
        break
    fi
done

failed=()
for t in "${targets[@]}"; do
    echo "=== $t: ${seconds}s"
    if ! cargo fuzz run "$t" -s none -- -max_total_time="$seconds"; then
        failed+=("$t")
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "run.sh: crashed or failed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
