#!/usr/bin/env python3
"""Checks docs/bad-input.md against the test suite: every row names at least one test, every
named test exists in this build's CTest list (so a renamed or deleted test cannot leave a
row behind that proves nothing), and the table keeps at least MIN_ROWS rows.

    check_bad_input_table.py DOC BUILD_DIR
"""
import re
import subprocess
import sys

MIN_ROWS = 60


def main() -> int:
    doc, build = sys.argv[1], sys.argv[2]
    listing = subprocess.run(["ctest", "--test-dir", build, "-N"], capture_output=True,
                             text=True, check=True).stdout
    known = set(re.findall(r"Test\s+#\d+: (\S+)", listing))
    rows, problems = 0, []
    in_table = False
    for number, line in enumerate(open(doc, encoding="utf-8"), 1):
        if not line.startswith("|"):
            in_table = False
            continue
        if re.match(r"^\|\s*-", line):
            in_table = True
            continue
        if not in_table:
            continue  # a header row
        rows += 1
        last = line.rstrip().rstrip("|").rsplit("|", 1)[-1]
        names = re.findall(r"`([A-Za-z0-9_./]+)`", last)
        if not names:
            problems.append(f"{doc}:{number}: no test named in the last column")
        for name in names:
            if name not in known:
                problems.append(f"{doc}:{number}: no such test in {build}: {name}")
    if rows < MIN_ROWS:
        problems.append(f"{doc}: {rows} rows, fewer than {MIN_ROWS}")
    for p in problems:
        print(p)
    print(f"{doc}: {rows} rows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
