#!/usr/bin/env bash
# mcp-server over WebSocket, over Streamable HTTP, and the official-SDK reference server
# (tests/js/sdk_server.mjs) over Streamable HTTP, side by side in one run, each with a fresh
# mock-ollama and server per measurement, interleaved so that drifting machine load falls on
# all three alike. Figures for BENCHMARKS.md ("Transports").
#
#   bench/compare_transports.sh [BUILD_DIR] [OUT_DIR]
#
# 1. Saturation: 200 clients calling back to back, 1,000 tokens per call from an unpaced
#    mock: tokens/s, and tokens per CPU-second of the server.
# 2. At 50 tok/s per stream (100 tokens, TTFT 20 ms): relay lag p99 for growing numbers of
#    clients; the largest number whose median p99 stays <= 5 ms.
# Env: REPEATS (3), SAT_CLIENTS (200), CLIENTS ("100 200 400 800"), SDK_CLIENTS ("25 50 100").
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
OUT=${2:-$(mktemp -d /tmp/compare_transports.XXXXXX)}
REPEATS=${REPEATS:-3}
SAT_CLIENTS=${SAT_CLIENTS:-200}
CLIENTS=${CLIENTS:-100 200 400 800}
SDK_CLIENTS=${SDK_CLIENTS:-25 50 100}
LOAD=$BUILD/bench/mcp_server_load
SDK=$ROOT/tests/js/sdk_server.mjs
mkdir -p "$OUT"

declare -A ARGS=(
  [ws]="--transport ws"
  [http]="--transport http"
  [sdk]="--transport http --sdk-server $SDK"
)

run() {  # name scenario-args...
  local name=$1; shift
  "$LOAD" --wait-load 0 --form progress "$@" --json "$OUT/$name.json" >"$OUT/$name.log" 2>&1 ||
    true  # a failed goal is a figure too; the table reads the JSON
}

for r in $(seq 1 "$REPEATS"); do
  for s in ws http sdk; do
    echo "saturation $s run $r"
    # shellcheck disable=SC2086
    run "sat-$s-$r" ${ARGS[$s]} --scenario b --sat-clients "$SAT_CLIENTS" --repeats 1
  done
done
for r in $(seq 1 "$REPEATS"); do
  for n in $CLIENTS; do
    for s in ws http; do
      echo "50 tok/s: $s $n clients run $r"
      # shellcheck disable=SC2086
      run "lag-$s-$n-$r" ${ARGS[$s]} --scenario a --clients "$n" --repeats 1
    done
  done
  for n in $SDK_CLIENTS; do
    echo "50 tok/s: sdk $n clients run $r"
    # shellcheck disable=SC2086
    run "lag-sdk-$n-$r" ${ARGS[sdk]} --scenario a --clients "$n" --repeats 1
  done
done

python3 - "$OUT" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]

def figures(pattern):
    runs = []
    for f in sorted(glob.glob(os.path.join(out, pattern))):
        d = json.load(open(f))
        for s in d["series"]:
            for r in s["runs"]:
                if not r.get("failed"):
                    runs.append(r["figures"])
    return runs

def med(runs, key):
    vals = [r[key] for r in runs if key in r]
    return (statistics.median(vals), min(vals), max(vals), len(vals)) if vals else None

print("| saturation | tokens/s | server CPU µs/token | tokens per server CPU-second | runs |")
print("|---|---|---|---|---|")
sat = {}
for s in ("ws", "http", "sdk"):
    runs = figures(f"sat-{s}-*.json")
    t, c = med(runs, "tokens_per_s"), med(runs, "server_cpu_us_per_token")
    if not t or not c:
        print(f"| {s} | (no run) | | | |"); continue
    sat[s] = (t[0], 1e6 / c[0])
    print(f"| {s} | {t[0]:,.0f} ({t[1]:,.0f}–{t[2]:,.0f}) | {c[0]:.2f} ({c[1]:.2f}–{c[2]:.2f}) | {1e6 / c[0]:,.0f} | {t[3]} |")
if "ws" in sat and "http" in sat:
    print(f"\nhttp / ws tokens/s: {sat['http'][0] / sat['ws'][0]:.2f}; "
          f"per CPU-second: {sat['http'][1] / sat['ws'][1]:.2f}")
if "http" in sat and "sdk" in sat:
    print(f"http / sdk tokens per CPU-second: {sat['http'][1] / sat['sdk'][1]:.1f}")

print("\n| 50 tok/s | clients | relay lag p99 ms (median, range) | server CPU µs/token | streams correct | runs |")
print("|---|---|---|---|---|---|")
for s in ("ws", "http", "sdk"):
    best = None
    ns = sorted({int(os.path.basename(f).split("-")[2]) for f in glob.glob(os.path.join(out, f"lag-{s}-*.json"))})
    for n in ns:
        runs = figures(f"lag-{s}-{n}-*.json")
        lag, cpu = med(runs, "lag_ms_p99"), med(runs, "server_cpu_us_per_token")
        ok = med(runs, "streams_correct") or med(runs, "correct_streams")
        if not lag:
            print(f"| {s} | {n} | (no run) | | | |"); continue
        print(f"| {s} | {n} | {lag[0]:.2f} ({lag[1]:.2f}–{lag[2]:.2f}) | {cpu[0]:.1f} | {ok[0] if ok else '?'} | {lag[3]} |")
        if lag[0] <= 5.0:
            best = n
    print(f"| {s} | **largest with p99 ≤ 5 ms: {best}** | | | | |")
PY
echo "results in $OUT"
