#!/usr/bin/env bash
# package.install: `cmake --install BUILD --prefix TMP` installs the three programs, the shipped
# scenarios and the docs (and nothing else), and the installed mcp-harness runs the checklist
# by name from an unrelated folder (/), with the build tree out of PATH: its sibling programs
# and its scenarios come from the install prefix alone.
#
#   install_test.sh BUILD_DIR WORK_DIR
set -euo pipefail
build=$1 work=$2
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix out=$work/report
fail() { echo "package.install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >"$work/install.log"

# Exactly the three programs: no test, benchmark or fuzz binary is installed.
programs=$(cd "$prefix/bin" && ls | tr '\n' ' ')
[[ "$programs" == "mcp-harness mcp-server mock-ollama " ]] || fail "bin/ holds: $programs"
share=$prefix/share/mcp-stream-harness/scenarios
for suite in checklist faults load; do
  ls "$share/$suite"/*.json >/dev/null 2>&1 || fail "no scenarios in $share/$suite"
done
doc=$prefix/share/doc/mcp-stream-harness
for f in README.md docs/mcp-harness.md docs/mcp-server.md docs/mock-ollama.md; do
  [[ -f "$doc/$f" ]] || fail "missing doc $doc/$f"
done

# From /, with only the system's folders on PATH: nothing of the build tree can be found.
(cd / && env PATH=/usr/bin:/bin "$prefix/bin/mcp-harness" run checklist --time-scale 0.01 \
  --out "$out" --quiet) >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "the run failed"; }
# The scenarios run were the installed ones (not the source tree's), all of them passed.
python3 - "$out/report.json" "$share/checklist" <<'PY'
import json, os, sys
report = json.load(open(sys.argv[1]))
shipped = sorted(f for f in os.listdir(sys.argv[2]) if f.endswith(".json"))
scenarios = report["scenarios"]
files = sorted(os.path.basename(s["file"]) for s in scenarios)
assert files == shipped, f"ran {files}, shipped {shipped}"
for s in scenarios:
    assert os.path.realpath(s["file"]).startswith(os.path.realpath(sys.argv[2])), s["file"]
    assert not s["harness_error"], s["harness_error"]
    bad = [c["id"] for c in s["checks"] if c["status"] != "passed"]
    assert not bad, f"{s['name']}: {bad}"
print(f"package.install: {len(scenarios)} installed scenarios passed from /")
PY
