#!/usr/bin/env bash
# The harness's client against the benchmark's, side by side in one invocation: each round runs
# bench/mcp_server_load --scenario a with load_1000's settings (1,000 clients, 100 tokens at
# 50 tok/s, mock TTFT 200 ms, progress notifications), then `mcp-harness run` on
# scenarios/load/load_1000.json, one after the other on the same binaries, and prints the CPU
# each client process spent per token received, per round and as medians, and their ratios.
#
#   bench/harness_vs_bench.sh [ROUNDS]     (default 3; BUILD_DIR=build, CLIENTS=1000)
#
# The bench's figure is its own CPU from the first request sent to the last response (its
# clients connected and initialized before); the harness's is its whole process, start to
# decided report (services started, clients connected, streamed, closed, the mock's log read,
# every check decided), and also its own CPU over the clients' span alone (first connect to last
# close, from the report's extra.cpu_during_clients), next to the CPU mcp-server spent in that
# span: a load generator must be cheaper than the server it tests. The scenario's "needs" are dropped from a copy so that it runs here
# whatever this machine has: the point is the client's cost, not the latency verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ROUNDS=${1:-3}
CLIENTS=${CLIENTS:-1000}
work=$(mktemp -d /tmp/harness-vs-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

python3 - "$CLIENTS" "$work/load.json" <<'PY'
import json, sys
s = json.load(open("scenarios/load/load_1000.json"))
s.pop("needs", None)
s["clients"] = int(sys.argv[1])
s["server"]["patients"] = max(int(sys.argv[1]), 100)
json.dump(s, open(sys.argv[2], "w"))
PY
read -r tokens tps ttft < <(python3 -c '
import json; m = json.load(open("scenarios/load/load_1000.json"))["mock"]
print(m["tokens"], m["tps"], m["ttft_ms"])')

for r in $(seq 1 "$ROUNDS"); do
  "$BUILD_DIR/bench/mcp_server_load" --scenario a --form progress --clients "$CLIENTS" \
    --tokens "$tokens" --tps "$tps" --ttft "$ttft" --repeats 1 --wait-load 0 \
    --json "$work/bench-$r.json" > "$work/bench-$r.txt" 2>&1 || true
  "$BUILD_DIR/harness/mcp-harness" run "$work/load.json" --out "$work/harness-$r" \
    --format json --quiet > "$work/harness-$r.txt" 2>&1 || true
done

python3 - "$work" "$ROUNDS" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
cols = ("bench", "harness", "span", "server", "bench_server")
rows = []
for r in range(1, rounds + 1):
    fig = json.load(open(f"{work}/bench-{r}.json"))["series"][0]["runs"][0]["figures"]
    rep = json.load(open(f"{work}/harness-{r}/report.json"))
    opts = rep["options"]
    span = rep["scenarios"][0].get("extra", {}).get("cpu_during_clients", {})
    row = dict(bench=fig["client_cpu_us_per_token"],
               harness=opts["harness_cpu_s"] * 1e6 / opts["tokens_received"],
               span=span.get("harness_us_per_token", float("nan")),
               server=span.get("server_us_per_token", float("nan")),
               bench_server=fig["server_cpu_us_per_token"])
    rows.append(row)
    print(f"round {r}: bench client {row['bench']:5.2f} us/token ({int(fig['tokens'])} tokens); "
          f"harness whole process {row['harness']:5.2f}, clients' span {row['span']:5.2f} "
          f"us/token ({opts['tokens_received']} tokens); mcp-server {row['server']:5.2f} "
          f"us/token in the harness's run, {row['bench_server']:5.2f} in the bench's")
med = {c: statistics.median(x[c] for x in rows) for c in cols}
print(f"median of {rounds} (us of CPU per token received):")
print(f"  bench client (first request -> last response)   {med['bench']:6.2f}")
print(f"  mcp-harness, whole process (start -> report)     {med['harness']:6.2f}"
      f"  ({med['harness'] / med['bench']:.2f} x bench)")
print(f"  mcp-harness, clients' span (connect -> close)    {med['span']:6.2f}"
      f"  ({med['span'] / med['bench']:.2f} x bench)")
print(f"  mcp-server during the harness's clients' span    {med['server']:6.2f}")
print(f"  mcp-server in the bench's window                 {med['bench_server']:6.2f}")
PY
