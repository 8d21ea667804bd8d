#!/usr/bin/env bash
# Runs one fuzz target for a bounded time on a copy of its checked-in corpus; CTest calls it
# (tests/fuzz/CMakeLists.txt). Exits non-zero when libFuzzer finds a crash, undefined
# behaviour, a leak, a slow input or a broken invariant; the input is kept in FINDINGS.
#   run_fuzzer.sh BINARY CORPUS FINDINGS     (CAMPUS_FUZZ_SECONDS: how long; default 20)
set -euo pipefail
binary=$1 corpus=$2 findings=$3
seconds=${CAMPUS_FUZZ_SECONDS:-20}

# The corpus is copied: libFuzzer adds the inputs it finds to its first corpus folder, and the
# checked-in one changes only by hand.
work=$(mktemp -d "${TMPDIR:-/tmp}/campus-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$findings"
cp -R "$corpus/." "$work/corpus/"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$work"  # whatever a target writes relative to the working directory stays in $work
status=0
"$binary" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$findings/" "$work/corpus" || status=$?
if [ "$status" -ne 0 ]; then
  echo "FUZZ FINDING in $(basename "$binary"); the input is in $findings/." >&2
  echo "Reproduce with: $binary $findings/<file>" >&2
fi
exit "$status"
