#!/usr/bin/env bash
# mcp-harness validates a server built on another stack: the checklist against the official-
# SDK reference server (sdk_server.mjs) over Streamable HTTP and over stdio must pass, and against its
# --buffer-tokens variant (every token held back until the end) stream.realtime must fail.
#
#   tests/js/harness_vs_sdk.sh MCP_HARNESS MCP_SERVER MOCK_OLLAMA
set -euo pipefail
HARNESS=$1 SERVER=$2 MOCK=$3
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# 0.2, not the 0.02 of other runs: the first call of a fresh Node process needs more than the
# 20 ms floor of the TTFT tolerance on a loaded machine; at 0.2 the tolerance is 50 ms.
SCALE=0.2
WORK=$(mktemp -d -t harness_vs_sdk.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Nothing this script starts may outlive it: the EXIT trap ends the servers on a normal end or an
# error, and where no trap runs (SIGKILL, as from ctest's timeout) each program, harness runs
# included, gets PR_SET_PDEATHSIG, as common::ChildProcess gives the harness's own children.
# The death signal comes from the parent, so each must be a direct child of this shell.
OWNED=(setpriv --pdeathsig KILL --)

# Starts a server in the background and sets the variable named $1 to the URL of its
# "listening on URL" line. Not called in a command substitution: that subshell would keep the
# pid (the EXIT trap would end nothing) and be the parent whose death kills the server.
mock='' sdk='' broken=''  # the URLs start sets
start() {  # url-variable log-file command...
  local var=$1 log=$2; shift 2
  "${OWNED[@]}" "$@" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    if grep -q "listening on " "$log"; then
      printf -v "$var" '%s' "$(grep -o "listening on [^ ]*" "$log" | head -1 | cut -d' ' -f3)"
      return
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "harness_vs_sdk: $* did not start:" >&2
  cat "$log" >&2
  exit 1
}

mkdir -p "$WORK/data"
"$SERVER" generate-patients --count 100 --out "$WORK/data/patients_data.csv" >/dev/null
start mock "$WORK/mock.log" "$MOCK" --port 0 --time-scale "$SCALE"
# The SDK server's upstream timeout scaled like the mock: the checklist's 120 s stall.
timeout=$(awk -v s="$SCALE" 'BEGIN { print 120 * s }')
sdk_args=(--data-dir "$WORK/data" --ollama-url "$mock" --ollama-timeout "$timeout")
harness_args=(--time-scale "$SCALE" --ollama-url "$mock"
              --patients-csv "$WORK/data/patients_data.csv"
              --summaries-csv "$WORK/data/patient_summaries.csv")

start sdk "$WORK/sdk.log" node "$HERE/sdk_server.mjs" --transport http --port 0 "${sdk_args[@]}"
echo "== checklist against the SDK reference server at $sdk"
if ! "${OWNED[@]}" "$HARNESS" run "$ROOT/scenarios/checklist" --server-url "$sdk" \
     "${harness_args[@]}" --out "$WORK/report" >"$WORK/run.log" 2>&1; then
  cat "$WORK/run.log"; echo "harness_vs_sdk: the checklist failed against the SDK server" >&2; exit 1
fi
grep -E "^(PASSED|FAILED)" "$WORK/run.log"

echo "== checklist against the SDK reference server over stdio (one process per client)"
if ! "${OWNED[@]}" "$HARNESS" run "$ROOT/scenarios/checklist" "${harness_args[@]}" \
     --out "$WORK/report-stdio" \
     --server-cmd "node '$HERE/sdk_server.mjs' --transport stdio ${sdk_args[*]}" \
     >"$WORK/stdio.log" 2>&1; then
  cat "$WORK/stdio.log"
  echo "harness_vs_sdk: the checklist failed against the SDK server over stdio" >&2
  exit 1
fi
grep -E "^(PASSED|FAILED)" "$WORK/stdio.log"

start broken "$WORK/sdk-broken.log" node "$HERE/sdk_server.mjs" --transport http --port 0 \
  "${sdk_args[@]}" --buffer-tokens
echo "== streaming scenario against the --buffer-tokens variant at $broken"
set +e
"${OWNED[@]}" "$HARNESS" run "$ROOT/scenarios/checklist/01_streaming.json" \
  --server-url "$broken" "${harness_args[@]}" --out "$WORK/report-broken" >"$WORK/broken.log" 2>&1
rc=$?
set -e
grep -E "FAIL|^(PASSED|FAILED)" "$WORK/broken.log" || true
if [[ $rc -ne 1 ]] || ! grep -qE "FAIL +stream.realtime" "$WORK/broken.log"; then
  cat "$WORK/broken.log"
  echo "harness_vs_sdk: expected exit 1 with stream.realtime failed, got exit $rc" >&2
  exit 1
fi
echo "harness_vs_sdk: ok (the checklist passes over http and stdio; buffering is caught by stream.realtime)"
