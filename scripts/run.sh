#!/usr/bin/env bash
# The project's main job, end to end: builds what is missing, then runs the validation
# checklist (scenarios/checklist) against our own mcp-server and mock-ollama, prints the
# checklist with its metrics, and says where the reports are (checklist.md, junit.xml,
# report.json in harness-report/).
#
#   scripts/run.sh                         real time (about 4 minutes: one call really
#                                          stalls for 120 s, one streams for 66 s)
#   scripts/run.sh --time-scale 0.01       every duration a hundred times shorter
#   scripts/run.sh scenarios/faults ...    other scenarios; any mcp-harness run option
#   scripts/run.sh --out DIR               reports in DIR instead of harness-report/
#   scripts/run.sh --transport http        the same checklist with the clients on Streamable
#                                          HTTP (or stdio: one mcp-server --stdio per client);
#                                          --protocol-version 2026-07-28 for the stateless one
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
paths=()
if [[ $# -eq 0 || "${1:-}" == --* ]]; then paths=(scenarios/checklist); fi
# Reports go to harness-report/ unless the caller chose a folder with --out.
out=(--out harness-report)
for arg in "$@"; do
  if [[ "$arg" == --out || "$arg" == --out=* ]]; then out=(); fi
done
exec "$BUILD_DIR/harness/mcp-harness" run "${paths[@]}" "${out[@]}" "$@"
