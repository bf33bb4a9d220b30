#!/usr/bin/env bash
# The harness's client against the benchmark's, side by side in one invocation. Each round runs
# bench/mcp_server_load --scenario a with load_1000's settings (1,000 clients, 100 tokens at
# 50 tok/s, mock TTFT 200 ms, progress notifications), then `mcp-harness run` on a copy of
# scenarios/load/load_1000.json, one after the other on the same binaries; then both again
# with 2 tokens per call. It prints the CPU each client process spent per token received, per
# round and as medians, and their ratios.
#
#   bench/harness_vs_bench.sh [ROUNDS]     (default 3; BUILD_DIR=build, CLIENTS=1000)
#
# Three figures per client, because they answer different questions:
# - as measured: the bench's own CPU from the first request sent to the last response (its
#   clients connected and initialized before); the harness's whole process, start to decided
#   report (services started, clients connected, streamed, closed, the mock's log read, every
#   check decided), and its CPU over the clients' span alone (first connect to last close,
#   from the report's extra.cpu_during_clients), next to mcp-server's CPU in that span;
# - per token, marginal: (CPU at 100 tokens - CPU at 2 tokens) / (tokens received at 100 -
#   at 2), the same arithmetic for both clients: what one more streamed token costs, with
#   every per-client and per-run cost subtracted; for the harness also over the clients' span
#   alone, which leaves out what it does with a token after the clients are done (reading
#   the mock's log of it, deciding the checks over it, writing its samples);
# - per client, fixed: what the harness spends on a client apart from its tokens (connect,
#   WebSocket handshake, initialize, the call's request and response, close, and its share of
#   the run's setup, log reading and checks): (CPU at 2 tokens - 2 tokens x the marginal cost)
#   / clients.
# The scenario's "needs" are dropped from the copies so that it runs here whatever this
# machine has: the point is the client's cost, not the latency verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ROUNDS=${1:-3}
CLIENTS=${CLIENTS:-1000}
work=$(mktemp -d /tmp/harness-vs-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

FEW=2  # tokens per call of the runs that leave the per-client costs
python3 - "$CLIENTS" "$work" "$FEW" <<'PY'
import json, sys
clients, work, few = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
s = json.load(open("scenarios/load/load_1000.json"))
s.pop("needs", None)
s["clients"] = clients
s["server"]["patients"] = max(clients, 100)
json.dump(s, open(f"{work}/load.json", "w"))
s["mock"]["tokens"] = few
json.dump(s, open(f"{work}/load-few.json", "w"))
PY
read -r tokens tps ttft < <(python3 -c '
import json; m = json.load(open("scenarios/load/load_1000.json"))["mock"]
print(m["tokens"], m["tps"], m["ttft_ms"])')

for r in $(seq 1 "$ROUNDS"); do
  for run in "" "-few"; do
    n=$tokens
    [ -n "$run" ] && n=$FEW
    "$BUILD_DIR/bench/mcp_server_load" --scenario a --form progress --clients "$CLIENTS" \
      --tokens "$n" --tps "$tps" --ttft "$ttft" --repeats 1 --wait-load 0 \
      --json "$work/bench$run-$r.json" > "$work/bench$run-$r.txt" 2>&1 || true
    "$BUILD_DIR/harness/mcp-harness" run "$work/load$run.json" --out "$work/harness$run-$r" \
      --format json --quiet > "$work/harness$run-$r.txt" 2>&1 || true
  done
done

python3 - "$work" "$ROUNDS" "$CLIENTS" <<'PY'
import json, statistics, sys
work, rounds, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def bench(name):
    fig = json.load(open(f"{work}/{name}.json"))["series"][0]["runs"][0]["figures"]
    tokens = fig["tokens"]
    return dict(cpu=fig["client_cpu_us_per_token"] * tokens, tokens=tokens,
                per_token=fig["client_cpu_us_per_token"],
                server=fig["server_cpu_us_per_token"])

def harness(name):
    rep = json.load(open(f"{work}/{name}/report.json"))
    opts = rep["options"]
    span = rep["scenarios"][0].get("extra", {}).get("cpu_during_clients", {})
    tokens = opts["tokens_received"]
    return dict(cpu=opts["harness_cpu_s"] * 1e6, tokens=tokens,
                per_token=opts["harness_cpu_s"] * 1e6 / tokens,
                span_cpu=span.get("harness_s", float("nan")) * 1e6,
                span=span.get("harness_us_per_token", float("nan")),
                server=span.get("server_us_per_token", float("nan")))

def marginal(many, few):
    return (many["cpu"] - few["cpu"]) / (many["tokens"] - few["tokens"])

rows = []
for r in range(1, rounds + 1):
    b, bf = bench(f"bench-{r}"), bench(f"bench-few-{r}")
    h, hf = harness(f"harness-{r}"), harness(f"harness-few-{r}")
    row = dict(bench=b["per_token"], harness=h["per_token"], span=h["span"], server=h["server"],
               bench_server=b["server"], bench_marginal=marginal(b, bf),
               harness_marginal=marginal(h, hf),
               span_marginal=(h["span_cpu"] - hf["span_cpu"]) / (h["tokens"] - hf["tokens"]))
    row["harness_per_client"] = (hf["cpu"] - hf["tokens"] * row["harness_marginal"]) / clients
    rows.append(row)
    print(f"round {r}: bench client {row['bench']:5.2f} us/token ({int(b['tokens'])} tokens), "
          f"marginal {row['bench_marginal']:5.2f}; harness whole process {row['harness']:5.2f}, "
          f"clients' span {row['span']:5.2f}, marginal {row['harness_marginal']:5.2f} "
          f"(clients' span {row['span_marginal']:5.2f}) us/token "
          f"({h['tokens']} tokens), {row['harness_per_client']:4.0f} us per client; mcp-server "
          f"{row['server']:5.2f} us/token in the harness's run, {row['bench_server']:5.2f} in "
          f"the bench's")
med = {c: statistics.median(x[c] for x in rows) for c in rows[0]}
print(f"median of {rounds} (us of CPU per token received):")
print(f"  bench client (first request -> last response)   {med['bench']:6.2f}")
print(f"  mcp-harness, whole process (start -> report)     {med['harness']:6.2f}"
      f"  ({med['harness'] / med['bench']:.2f} x bench)")
print(f"  mcp-harness, clients' span (connect -> close)    {med['span']:6.2f}"
      f"  ({med['span'] / med['bench']:.2f} x bench)")
print(f"  per token, marginal: bench client               {med['bench_marginal']:6.2f}")
print(f"  per token, marginal: mcp-harness (whole process) {med['harness_marginal']:6.2f}"
      f"  ({med['harness_marginal'] / med['bench_marginal']:.2f} x bench)")
print(f"  per token, marginal: mcp-harness clients' span   {med['span_marginal']:6.2f}"
      f"  ({med['span_marginal'] / med['bench_marginal']:.2f} x bench)")
print(f"  mcp-harness per client, fixed                    {med['harness_per_client']:6.0f} us")
print(f"  mcp-server during the harness's clients' span    {med['server']:6.2f}")
print(f"  mcp-server in the bench's window                 {med['bench_server']:6.2f}")
PY
