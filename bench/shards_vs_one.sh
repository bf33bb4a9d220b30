#!/usr/bin/env bash
# One harness process against two shards of it, side by side in one invocation: the same
# load (CLIENTS clients, load_1000's 100 tokens at 50 tok/s, TTFT 200 ms, progress
# notifications) on one mock-ollama and one mcp-server started here, driven each round first
# by one `mcp-harness run`, then by `run --shard 1/2` and `--shard 2/2` with a shared
# --start-at, merged with `mcp-harness merge`. Prints per round and as medians: the harness's
# CPU per token received (the shards' summed), the merged run's calls and checks, TTFT and
# relay lag percentiles, and whether every client's call is in the merged samples once.
#
#   bench/shards_vs_one.sh [ROUNDS]     (default 3; BUILD_DIR=build, CLIENTS=2000)
#
# On one 2-core machine the shards share the cores that one process had: the point is that
# the merge is exact and what a shard costs, not more throughput (docs/scale-out.md). The
# scenario's "needs" are dropped from the copy so that it runs here whatever this machine has.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
ROUNDS=${1:-3}
CLIENTS=${CLIENTS:-2000}
H="$BUILD_DIR/harness/mcp-harness"
work=$(mktemp -d /tmp/shards-vs-one.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 - "$CLIENTS" "$work/load.json" <<'PY'
import json, sys
s = json.load(open("scenarios/load/load_1000.json"))
s.pop("needs", None)
s["name"] = "load_%s" % sys.argv[1]
s["clients"] = int(sys.argv[1])
s["server"]["patients"] = int(sys.argv[1])
json.dump(s, open(sys.argv[2], "w"))
PY

# The URL a program prints on its ready line ("... listening on URL").
ready_url() {
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$1" 2>/dev/null; then
      sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$1" | head -1
      return
    fi
    sleep 0.1
  done
  echo "no ready line in $1" >&2
  exit 2
}

"$BUILD_DIR/mock_ollama/mock-ollama" --port 0 --request-log-limit 1000000 \
  --log-level warn > "$work/mock.log" 2>&1 &
pids+=($!)
mock=$(ready_url "$work/mock.log")
"$BUILD_DIR/core/mcp-server" --port 0 --data-dir "$work/data" --patients "$CLIENTS" \
  --ollama-url "$mock" > "$work/server.log" 2>&1 &
pids+=($!)
server=$(ready_url "$work/server.log")
common=(--server-url "$server" --ollama-url "$mock" --patients-csv "$work/data/patients_data.csv"
        --format json --quiet)

for r in $(seq 1 "$ROUNDS"); do
  "$H" run "$work/load.json" "${common[@]}" --out "$work/one-$r" > "$work/one-$r.txt" 2>&1 || true
  mkdir -p "$work/start-$r"
  shard_pids=()
  for i in 1 2; do
    "$H" run "$work/load.json" "${common[@]}" --shard "$i/2" --start-at +3 \
      --start-dir "$work/start-$r" --out "$work/shard-$r-$i" > "$work/shard-$r-$i.txt" 2>&1 &
    shard_pids+=($!)
  done
  for p in "${shard_pids[@]}"; do wait "$p" || true; done
  "$H" merge "$work/shard-$r-1" "$work/shard-$r-2" --out "$work/merged-$r" --format json \
    > "$work/merged-$r.txt" 2>&1 || true
done

python3 - "$work" "$ROUNDS" "$CLIENTS" <<'PY'
import json, statistics, sys
work, rounds, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def report(path):
    return json.load(open(f"{path}/report.json"))

def figures(rep, cpu_s, tokens):
    sc = rep["scenarios"][0]
    m = {d["name"]: d for d in sc["metrics"]}
    checks = sc["checks"]
    return dict(cpu=cpu_s * 1e6 / tokens if tokens else float("nan"),
                calls=m["ttft"]["count"] if "ttft" in m else 0,
                passed=sum(c["status"] == "passed" for c in checks), checks=len(checks),
                ttft50=m["ttft"]["p50"], ttft99=m["ttft"]["p99"],
                lag50=m["relay_lag"]["p50"], lag99=m["relay_lag"]["p99"])

def once(path):
    lines = [json.loads(l) for l in open(f"{path}/samples.jsonl") if l.strip()]
    seen = [x["client"] for x in lines if "client" in x]  # the first line is the version
    return len(seen) == clients and sorted(seen) == list(range(clients))

rows = {"one": [], "two": []}
for r in range(1, rounds + 1):
    one = report(f"{work}/one-{r}")
    rows["one"].append(dict(figures(one, one["options"]["harness_cpu_s"],
                                    one["options"]["tokens_received"]),
                            once=once(f"{work}/one-{r}")))
    shards = [report(f"{work}/shard-{r}-{i}") for i in (1, 2)]
    merged = report(f"{work}/merged-{r}")
    cpu = sum(s["options"]["harness_cpu_s"] for s in shards)
    tokens = sum(s["options"]["tokens_received"] for s in shards)
    rows["two"].append(dict(figures(merged, cpu, tokens), once=once(f"{work}/merged-{r}")))
    for name in ("one", "two"):
        x = rows[name][-1]
        print(f"round {r} {'1 process' if name == 'one' else '2 shards '}: "
              f"{x['cpu']:5.2f} us CPU/token, {x['calls']} calls (each client once: {x['once']}), "
              f"checks {x['passed']}/{x['checks']}, TTFT p50/p99 {x['ttft50']:.1f}/{x['ttft99']:.1f} ms, "
              f"relay lag p50/p99 {x['lag50']:.1f}/{x['lag99']:.1f} ms")
print(f"median of {rounds}:")
for name in ("one", "two"):
    med = {k: statistics.median(x[k] for x in rows[name])
           for k in ("cpu", "ttft50", "ttft99", "lag50", "lag99")}
    print(f"  {'1 harness process' if name == 'one' else '2 shards, merged '}  "
          f"{med['cpu']:5.2f} us CPU/token  TTFT p50 {med['ttft50']:.1f} p99 {med['ttft99']:.1f} ms"
          f"  relay lag p50 {med['lag50']:.1f} p99 {med['lag99']:.1f} ms")
PY
