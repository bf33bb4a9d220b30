#!/usr/bin/env bash
# A look at mock-ollama alone: builds what is missing,
# starts mock-ollama on a free port, streams one sample generation to this terminal token by
# token, then shows what the mock recorded about it (/_mock/stats). The main job is
# scripts/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${BUILD_DIR:-build}
MOCK="$BUILD_DIR/mock_ollama/mock-ollama"

log=$(mktemp)
out=$(mktemp)
"$MOCK" --port 0 --tps 25 --ttft 300 --tokens 90 --seed 7 --hostile-rate 0.3 >"$out" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log" "$out"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out" && break; sleep 0.05; done
ready=$(grep "listening on" "$out") || { echo "mock-ollama did not start:"; cat "$log"; exit 1; }
url=${ready##* }
echo "$ready"
echo
echo "POST $url/api/generate  (streaming NDJSON, rendered token by token)"
echo "------------------------------------------------------------------"
curl -sN "$url/api/generate" -d @- <<'JSON' | python3 -u -c '
import json, sys
for line in sys.stdin:
    chunk = json.loads(line)
    if "error" in chunk:
        print("\n[error] " + chunk["error"]); break
    if chunk["done"]:
        ms = lambda ns: ns / 1e6
        print("\n------------------------------------------------------------------")
        print("done_reason=%s eval_count=%d total=%.0f ms eval=%.0f ms (%.1f tok/s)" % (
            chunk["done_reason"], chunk["eval_count"], ms(chunk["total_duration"]),
            ms(chunk["eval_duration"]), chunk["eval_count"] / (chunk["eval_duration"] / 1e9)))
    else:
        sys.stdout.write(chunk["response"]); sys.stdout.flush()
'
{"model": "phi", "prompt": "Summarise this patient.\nName: Maria Núñez\nAge: 54\nGender: F\nCurrent symptoms: chest pain, shortness of breath\nMedical history: hypertension; type 2 diabetes\nCurrent medications: metformin, lisinopril"}
JSON
echo
echo "GET $url/_mock/stats"
curl -s "$url/_mock/stats" | python3 -m json.tool
