#!/usr/bin/env bash
# The harness's client against the benchmark's, side by side in one invocation: each round runs
# bench/mcp_server_load --scenario a with load_1000's settings (1,000 clients, 100 tokens at
# 50 tok/s, mock TTFT 200 ms, progress notifications), then `mcp-harness run` on
# scenarios/load/load_1000.json, one after the other on the same binaries, and prints the CPU
# each client process spent per token received, per round and as medians, and their ratio.
#
#   bench/harness_vs_bench.sh [ROUNDS]     (default 3; BUILD_DIR=build, CLIENTS=1000)
#
# The bench's figure is its own CPU from the first request sent to the last response (its
# clients connected and initialized before); the harness's is its whole process, start to
# decided report (services started, clients connected, streamed, closed, the mock's log read,
# every check decided). The scenario's "needs" are dropped from a copy so that it runs here
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
rows = []
for r in range(1, rounds + 1):
    fig = json.load(open(f"{work}/bench-{r}.json"))["series"][0]["runs"][0]["figures"]
    opts = json.load(open(f"{work}/harness-{r}/report.json"))["options"]
    bench = fig["client_cpu_us_per_token"]
    harness = opts["harness_cpu_s"] * 1e6 / opts["tokens_received"]
    rows.append((bench, harness, int(fig["tokens"]), opts["tokens_received"],
                 fig["server_cpu_us_per_token"], fig["mock_cpu_us_per_token"]))
    print(f"round {r}: bench client {bench:5.2f} us/token ({int(fig['tokens'])} tokens), "
          f"harness {harness:5.2f} us/token ({opts['tokens_received']} tokens), "
          f"ratio {harness / bench:.2f}")
b = statistics.median(x[0] for x in rows)
h = statistics.median(x[1] for x in rows)
print(f"median of {rounds}: bench client {b:.2f} us/token, harness {h:.2f} us/token, "
      f"harness / bench {h / b:.2f} (server {statistics.median(x[4] for x in rows):.1f}, "
      f"mock {statistics.median(x[5] for x in rows):.1f} us/token in the bench's runs)")
PY
