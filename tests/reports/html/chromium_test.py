#!/usr/bin/env python3
"""report.html in a real browser: runs the real mcp-harness on a passing run (the checklist
scenarios) and a failing one (failing_scenario.json: errors.clear fails with evidence), has
headless Chromium load each report.html (--dump-dom: the DOM after parsing and the script ran)
and asserts on that DOM against the run's own report.json and samples.jsonl:
  - every check of report.json is a <tr class="check"> with its scenario and status, and
    suite.all_pass says the verdict;
  - each failing check's evidence text is on the page;
  - one histogram per metric (ttft, itl, relay_lag) per scenario whose report.json metric has
    a histogram, with at least one bar of non-zero count, bars adding up to the count;
  - the timeline's arrival points: per stream drawn, as many as the call received tokens in
    samples.jsonl (the first calls that streamed), and in all, the svg's data-tokens;
the calls tables sort by TTFT in the browser (the page's script, by #sort=ttft);
`mcp-harness report --from` renders the same report.html again from report.json and
samples.jsonl; a schema-1 report.json of the same run (no histograms, no samples.jsonl) renders every check,
no chart, and a note per scenario; then takes screenshots at 1400 px and 390 px (phone) width and checks they are real PNGs.
Exit 77 (CTest: skipped) only when chromium is not installed."""
import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
from html.parser import HTMLParser

TIMELINE_CALLS = 5  # reports::html::kTimelineCalls
METRICS = ("ttft", "itl", "relay_lag")


class Dom(HTMLParser):
    """Elements with their attributes, parent chain and text (enough to query by class)."""

    VOID = {"meta", "link", "br", "img", "input", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.stack = []

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": [], "parents": list(self.stack)}
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": [],
                              "parents": list(self.stack)})

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i]["tag"] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        for el in self.stack:
            el["text"].append(data)

    def find(self, tag, cls, within=None):
        out = []
        for el in self.elements:
            if el["tag"] != tag or cls not in el["attrs"].get("class", "").split():
                continue
            if within is not None and not any(p is within for p in el["parents"]):
                continue
            out.append(el)
        return out


def text(el):
    return "".join(el["text"])


failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run_harness(args, out, paths, want_exit):
    cmd = [args.harness, "run", *paths, "--time-scale", "0.02", "--out", out]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    if res.returncode != want_exit:
        sys.exit(f"{' '.join(cmd)}: exit {res.returncode}, wanted {want_exit}\n{res.stdout}\n"
                 f"{res.stderr}")


def dump_dom(chromium, page, fragment=""):
    res = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", "file://" + os.path.abspath(page) + fragment],
                         capture_output=True, text=True, timeout=240)
    if res.returncode != 0 or "<html" not in res.stdout:
        sys.exit(f"chromium --dump-dom {page}: exit {res.returncode}\n{res.stderr[-2000:]}")
    dom = Dom()
    dom.feed(res.stdout)
    return dom


def read_samples(folder):
    calls = {}
    with open(os.path.join(folder, "samples.jsonl"), encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if "scenario" in row:
                calls.setdefault(row["scenario"], []).append(row)
    return calls


def check_checklist(dom, report, label):
    rows = dom.find("tr", "check")
    shown = {(r["attrs"].get("data-scenario"), r["attrs"]["data-id"]): r["attrs"]["data-status"]
             for r in rows}
    wanted = 0
    for sc in report["scenarios"]:
        for c in sc["checks"]:
            wanted += 1
            got = shown.get((sc["name"], c["id"]))
            expect(got == c["status"], f"{label}: {sc['name']} {c['id']}: page says {got}, "
                                       f"report.json {c['status']}")
            if c["status"] == "failed":
                page_text = " ".join(text(e) for e in dom.find("li", "evidence"))
                for ev in c.get("evidence", []):
                    for field in ("call", "detail"):
                        if ev.get(field):
                            expect(ev[field] in page_text,
                                   f"{label}: evidence {field} {ev[field]!r} of {c['id']} "
                                   "not on the page")
    expect(len(rows) == wanted + 1, f"{label}: {len(rows)} check rows, wanted {wanted} + rollup")
    verdict = "passed" if report["summary"]["all_passed"] else "failed"
    expect(shown.get(("", "suite.all_pass")) == verdict, f"{label}: suite.all_pass not {verdict}")


def check_histograms(dom, report, label):
    charts = dom.find("svg", "histogram")
    drawn = {(c["attrs"]["data-scenario"], c["attrs"]["data-metric"]): c for c in charts}
    wanted = 0
    for sc in report["scenarios"]:
        for m in sc.get("metrics", []):
            if m["name"] not in METRICS or not m.get("histogram", {}).get("count"):
                continue
            wanted += 1
            chart = drawn.get((sc["name"], m["name"]))
            expect(chart is not None, f"{label}: no {m['name']} histogram for {sc['name']}")
            if chart is None:
                continue
            counts = [int(b["attrs"]["data-count"]) for b in dom.find("rect", "bar", chart)]
            expect(any(n > 0 for n in counts), f"{label}: {sc['name']} {m['name']}: no bar")
            expect(sum(counts) == m["histogram"]["count"],
                   f"{label}: {sc['name']} {m['name']}: bars add up to {sum(counts)}, "
                   f"histogram count {m['histogram']['count']}")
    expect(len(charts) == wanted, f"{label}: {len(charts)} histograms, wanted {wanted}")
    return wanted


def check_timelines(dom, samples, label):
    timelines = {t["attrs"]["data-scenario"]: t for t in dom.find("svg", "timeline")}
    drawn_tokens = 0
    for scenario, calls in samples.items():
        streamed = [c for c in calls if c.get("arrived_delta_us") or c.get("emitted_delta_us")]
        chart = timelines.get(scenario)
        expect((chart is not None) == bool(streamed), f"{label}: {scenario}: timeline drawn "
               f"{chart is not None}, calls that streamed {len(streamed)}")
        if chart is None:
            continue
        streams = dom.find("g", "stream", chart)
        want = streamed[:TIMELINE_CALLS]
        expect(len(streams) == len(want), f"{label}: {scenario}: {len(streams)} streams drawn")
        for g, call in zip(streams, want):
            points = len(dom.find("circle", "arrival", g))
            tokens = len(call.get("arrived_delta_us", []))
            expect(g["attrs"]["data-call"] == call["call"], f"{label}: stream order")
            expect(points == tokens, f"{label}: {call['call']}: {points} arrival points, "
                                     f"samples.jsonl has {tokens} tokens")
        total = sum(len(c.get("arrived_delta_us", [])) for c in want)
        expect(len(dom.find("circle", "arrival", chart)) == total,
               f"{label}: {scenario}: timeline arrival points != {total}")
        expect(chart["attrs"]["data-tokens"] == str(total), f"{label}: data-tokens")
        drawn_tokens += total
    return drawn_tokens


def check_sorted_by_ttft(chromium, page, label):
    """The page's script sorts each calls table by TTFT (#sort=ttft clicks that header)."""
    dom = dump_dom(chromium, page, "#sort=ttft")
    tables = dom.find("table", "calls")
    expect(tables, f"{label}: no calls table")
    for table in tables:
        heads = [th for th in dom.elements if th["tag"] == "th"
                 and any(p is table for p in th["parents"])]
        col = [th["attrs"].get("data-key") for th in heads].index("ttft")
        expect(heads[col]["attrs"].get("aria-sort") == "ascending",
               f"{label}: the TTFT header was not sorted by the script")
        values = []
        for row in dom.find("tr", "call", table):
            cells = [td for td in dom.elements if td["tag"] == "td"
                     and any(p is row for p in td["parents"])]
            values.append(float(cells[col]["attrs"]["data-v"]))
        expect(values == sorted(values), f"{label}: TTFT column not ascending: {values}")


def check_png(path, width):
    with open(path, "rb") as f:
        head = f.read(24)
    size = os.path.getsize(path)
    ok = head[:8] == b"\x89PNG\r\n\x1a\n"
    expect(ok and struct.unpack(">I", head[16:20])[0] == width,
           f"{path}: not a PNG {width} px wide")
    expect(size > 20_000, f"{path}: {size} bytes: blank?")


def screenshots(chromium, page, folder):
    for width, height in ((1400, 1800), (390, 2400)):
        png = os.path.join(folder, f"report-{width}.png")
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--window-size={width},{height}",
                        f"--screenshot={png}", "file://" + os.path.abspath(page)],
                       capture_output=True, timeout=240, check=True)
        check_png(png, width)


def check_rerender(args, out):
    again = out + "-again"
    shutil.rmtree(again, ignore_errors=True)
    subprocess.run([args.harness, "report", "--from", os.path.join(out, "report.json"),
                    "--out", again], capture_output=True, timeout=120)
    with open(os.path.join(out, "report.html"), "rb") as a:
        first = a.read()
    rendered = os.path.join(again, "report.html")
    expect(os.path.exists(rendered), f"report --from wrote no {rendered}")
    if os.path.exists(rendered):
        with open(rendered, "rb") as b:
            expect(b.read() == first, f"report --from: {rendered} differs from the run's")


def check_schema_1(args, chromium, out, report):
    """The same run as a schema-1 report.json (no histograms) without samples.jsonl: the page
    has every check, no chart, and says per scenario why."""
    old = out + "-schema1"
    shutil.rmtree(old, ignore_errors=True)
    os.makedirs(old)
    report = json.loads(json.dumps(report))
    report["schema_version"] = 1
    for sc in report["scenarios"]:
        for m in sc.get("metrics", []):
            m.pop("histogram", None)
    with open(os.path.join(old, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f)
    res = subprocess.run([args.harness, "report", "--from", os.path.join(old, "report.json"),
                          "--out", os.path.join(old, "again")], capture_output=True, timeout=120)
    expect(res.returncode == 0, f"report --from a schema-1 report.json: exit {res.returncode}")
    dom = dump_dom(chromium, os.path.join(old, "again", "report.html"))
    check_checklist(dom, report, "schema 1")
    expect(not dom.find("svg", "histogram") and not dom.find("svg", "timeline"),
           "schema 1: charts drawn without data")
    for section in dom.find("section", "scenario"):
        for note in ("no-histograms", "no-samples"):
            expect(len(dom.find("p", note, section)) == 1,
                   f"schema 1: {section['attrs']['data-scenario']}: no {note} note")


def check_run(args, chromium, name, paths, want_exit):
    out = os.path.join(args.work, name)
    shutil.rmtree(out, ignore_errors=True)
    run_harness(args, out, paths, want_exit)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    dom = dump_dom(chromium, os.path.join(out, "report.html"))
    check_checklist(dom, report, name)
    histograms = check_histograms(dom, report, name)
    tokens = check_timelines(dom, read_samples(out), name)
    expect(histograms > 0 and tokens > 0, f"{name}: nothing drawn ({histograms}, {tokens})")
    check_sorted_by_ttft(chromium, os.path.join(out, "report.html"), name)
    screenshots(chromium, os.path.join(out, "report.html"), out)
    check_rerender(args, out)
    if name == "passing":
        check_schema_1(args, chromium, out, report)
    print(f"{name}: {len(dom.find('tr', 'check'))} check rows, {histograms} histograms, "
          f"{tokens} arrival points")
    return report


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--harness", required=True)
    p.add_argument("--scenarios", required=True)
    p.add_argument("--failing", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("SKIPPED: chromium is not installed (scripts/setup.sh installs it)")
        return 77
    os.makedirs(args.work, exist_ok=True)
    check_run(args, chromium, "passing", [args.scenarios], 0)
    failing = check_run(args, chromium, "failing", [args.failing], 1)
    failed = [c for s in failing["scenarios"] for c in s["checks"] if c["status"] == "failed"]
    expect(any(c.get("evidence") for c in failed), "failing run: no failed check with evidence")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
