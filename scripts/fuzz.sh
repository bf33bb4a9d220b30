#!/usr/bin/env bash
# Runs every libFuzzer target of build-asan/ (scripts/sanitize.sh builds them) for a bounded
# time, two at a time, each from its checked-in seed corpus (fuzz/corpus/<target>/, read
# only) into a working corpus in build-asan/fuzz-work/<target>/. A crash, leak, timeout or
# sanitizer report fails the run; the input that caused it is kept in
# build-asan/fuzz-work/<target>/artifacts/ and named in the output.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    default: 60 s, every target
set -euo pipefail
cd "$(dirname "$0")/.."
ASAN_DIR=${ASAN_DIR:-build-asan}
seconds=${1:-60}
shift || true
# "<target> [dictionary]" per line, written by fuzz/CMakeLists.txt.
list="$ASAN_DIR/fuzz/targets.txt"
[[ -f "$list" ]] || { echo "fuzz: $list missing; run scripts/sanitize.sh first" >&2; exit 2; }
declare -A dicts
all=()
while read -r t d; do
  [[ -n "$t" ]] || continue
  all+=("$t")
  dicts[$t]=${d:-}
done <"$list"
if (($# == 0)); then targets=("${all[@]}"); else targets=("$@"); fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
jobs=${FUZZ_JOBS:-$(nproc)}

run_one() {
  local t=$1 work="$ASAN_DIR/fuzz-work/$1"
  mkdir -p "$work/corpus" "$work/artifacts"
  local dict=()
  [[ -n "${dicts[$t]:-}" ]] && dict=(-dict="${dicts[$t]}")
  if "$ASAN_DIR/fuzz/$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
       -print_final_stats=1 "${dict[@]}" -artifact_prefix="$work/artifacts/" \
       "$work/corpus" "fuzz/corpus/$t" >"$work/log" 2>&1; then
    local execs cov corp
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1 | cut -d' ' -f2)
    corp=$(ls "$work/corpus" | wc -l)
    printf 'fuzz %-28s ok   %6ss  %10s execs  %6s/s  cov %5s  corpus %5s\n' "$t" "$seconds" \
      "$execs" "$((execs / seconds))" "$cov" "$corp"
  else
    printf 'fuzz %-28s FAILED; log: %s; artifacts: %s\n' "$t" "$work/log" "$work/artifacts/"
    grep -m5 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$work/log" | sed 's/^/    /'
    return 1
  fi
}

status=0
pids=()
for t in "${targets[@]}"; do
  run_one "$t" &
  pids+=($!)
  if ((${#pids[@]} >= jobs)); then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
