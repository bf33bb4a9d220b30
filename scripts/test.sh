#!/usr/bin/env bash
# Builds what is missing, then runs every test: unit, integration over real loopback
# sockets and processes, and the official Ollama JavaScript client against the mock.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "$@"
