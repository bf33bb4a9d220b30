#!/usr/bin/env bash
# The sanitizer stage of the test suite: builds everything with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer at -O1 into build-asan/ (with the libFuzzer targets of fuzz/),
# runs the unit, integration and fuzz-corpus tests there, then each fuzz target for a
# bounded time. Any sanitizer report fails the stage.
#
#   scripts/sanitize.sh                 build, tests, fuzz 30 s per target
#   FUZZ_SECONDS=600 scripts/sanitize.sh   longer fuzzing
#   scripts/sanitize.sh -R mock         extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-build
ASAN_DIR=${ASAN_DIR:-build-asan}
# -gline-tables-only: what a sanitizer report's stack needs, at a fraction of -g's compile time.
if [[ ! -f "$ASAN_DIR/build.ninja" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$ASAN_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" -DMSH_SANITIZE=ON -DMSH_BUILD_FUZZ=ON \
    -DMSH_BUILD_BENCH=OFF >/dev/null
fi
start=$SECONDS
cmake --build "$ASAN_DIR" -j "$(nproc)"
built=$SECONDS
# Leaks are reported too; a report makes the process exit non-zero, and the test fails.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Two end-to-end tests whose subject is not our sanitized code run in the first stage only:
# js.harness_vs_sdk_server drives a Node server for 90 s, reports.html_chromium judges a page
# in Chromium (the renderer itself is fuzzed here). The CI budget (under 60 min) is why.
ctest --test-dir "$ASAN_DIR" --output-on-failure -j "$(nproc)" \
  -E '^(js\.harness_vs_sdk_server|reports\.html_chromium)$' "$@"
tested=$SECONDS
scripts/fuzz.sh "${FUZZ_SECONDS:-30}"
echo "sanitize: build $((built - start)) s, tests $((tested - built)) s, fuzzing $((SECONDS - tested)) s"
