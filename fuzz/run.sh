#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, seeding the corpus first if it is empty.
# A crash leaves its input in fuzz/artifacts/<target>/ and makes this script exit 1 after the other
# targets have run.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]
#
# Each run's libFuzzer log goes to fuzz/logs/<target>.log (git-ignored, as fuzz/ keeps them beside
# artifacts/), and a summary line per target is printed at the end: executions, exec/s, and the
# coverage (cov = edges, ft = features) when the corpus was loaded and when the run ended.
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
    targets=(xml_reader c14n dsig_verify pem_certificates validate post_body)
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

mkdir -p "$here/logs"
failed=()
summary=()
for t in "${targets[@]}"; do
    echo "=== $t: ${seconds}s"
    log="$here/logs/$t.log"
    # -timeout: a single input taking 10 s is a finding (SPEC: a message must cost milliseconds).
    if ! cargo fuzz run "$t" -s none -- -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        2>&1 | tee "$log"; then
        failed+=("$t")
    fi
    start="$(grep -m1 -oE 'INITED cov: [0-9]+ ft: [0-9]+' "$log" | cut -d' ' -f2-)"
    end="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)"
    execs="$(grep -oE 'stat::number_of_executed_units:[[:space:]]+[0-9]+' "$log" | grep -oE '[0-9]+$')"
    rate="$(grep -oE 'stat::average_exec_per_sec:[[:space:]]+[0-9]+' "$log" | grep -oE '[0-9]+$')"
    summary+=("$(printf '%-17s %5ss %12s execs %7s exec/s   %-22s -> %s' "$t" "$seconds" "${execs:-?}" \
        "${rate:-?}" "${start:-?}" "${end:-?}")")
done
echo
echo "=== summary (coverage when the corpus was loaded -> at the end)"
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "run.sh: crashed or failed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
