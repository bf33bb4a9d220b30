#!/bin/sh
# The real mcp-harness, stdout a pipe (not a terminal): during an 11 s wait step it prints
# plain progress lines every 5 s with the countdown; with --quiet only the final verdict.
# Usage: progress_e2e.sh MCP_HARNESS SCENARIO OUT_DIR
set -eu
harness=$1 scenario=$2 out=$3
rm -rf "$out"

log=$("$harness" run "$scenario" --out "$out/plain")
ticks=$(printf '%s\n' "$log" | grep -c '^  \.\.\. progress_wait: [0-9]* calls, [0-9]* tokens, [0-9.]* s elapsed, waiting: [0-9]* s left$' || true)
if [ "$ticks" -lt 2 ]; then
    echo "expected >= 2 periodic progress lines during the wait, got $ticks:"
    printf '%s\n' "$log"
    exit 1
fi

quiet=$("$harness" run "$scenario" --out "$out/quiet" --quiet --time-scale 0.1)
if [ "$(printf '%s\n' "$quiet" | wc -l)" -ne 1 ] ||
    ! printf '%s\n' "$quiet" | grep -q '^PASSED — 1 passed, 0 failed'; then
    echo "--quiet must print the verdict line only, printed:"
    printf '%s\n' "$quiet"
    exit 1
fi
test -s "$out/quiet/junit.xml" || { echo "--quiet wrote no junit.xml"; exit 1; }
echo "ok: $ticks progress lines; --quiet: $quiet"
