#!/usr/bin/env bash
# Builds what is missing, then runs every test: unit, integration over real loopback
# sockets and processes, and the official JavaScript clients against our programs; then the
# sanitizer stage (scripts/sanitize.sh): the same tests built with ASan+UBSan, and each fuzz
# target for 30 s.
#
#   scripts/test.sh              everything (what CI runs)
#   scripts/test.sh --quick      the first stage only
#   scripts/test.sh -R mock      other arguments go to ctest (first stage)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
args=()
for a in "$@"; do
  if [[ "$a" == --quick ]]; then quick=1; else args+=("$a"); fi
done
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "${args[@]}"
((quick)) && exit 0
echo "test: sanitizer stage (build-asan/: ASan+UBSan, fuzz targets)"
scripts/sanitize.sh
