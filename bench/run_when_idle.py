#!/usr/bin/env python3
"""Runs mock_ollama_load one repetition at a time, each only when the machine is idle.

On a shared 2-core machine a compiler started mid-run delays the mock's timers as much as its
own load does. Each run reports foreign_cpu_pct (CPU used by other processes during it); this
script starts a run only after 5 s under --idle-busy % CPU and keeps going, round-robin over the
configurations, until each has --clean runs with foreign_cpu_pct < --max-foreign (or the time
budget is spent). Every run, clean or not, is appended to --log as one JSON line.

  bench/run_when_idle.py --clean 3 BM_ConcurrentStreams:1500 BM_ConcurrentStreams:1750 \
      BM_ConcurrentStreams:2000:--stagger-ms=50 BM_SingleStreamRate
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

KEYS = ["lateness_p50_ms", "lateness_p99_ms", "lateness_max_ms", "client_lag_p99_ms",
        "streams_completed", "peak_rss_mib", "mock_cpu_pct", "client_cpu_pct",
        "foreign_cpu_pct", "achieved_tps", "error_pct", "holds"]


def cpu_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]  # idle and iowait excluded
    return busy, busy + v[3] + v[4]


def busy_pct(seconds):
    b1, t1 = cpu_ticks()
    time.sleep(seconds)
    b2, t2 = cpu_ticks()
    return 100.0 * (b2 - b1) / max(1, t2 - t1)


def wait_idle(deadline, threshold):
    while time.time() < deadline:
        busy = busy_pct(5)
        if busy < threshold:
            return busy
    return None


def run_once(binary, bench_filter, streams, extra):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [binary, f"--benchmark_filter={bench_filter}", f"--benchmark_out={out.name}",
               "--benchmark_out_format=json", *extra]
        if streams:
            cmd.append(f"--streams={streams}")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        try:
            with open(out.name) as f:
                return json.load(f)["benchmarks"][0]
        except (ValueError, IndexError, KeyError):
            sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("configs", nargs="+", help="filter[:streams[:extra,flags]]")
    p.add_argument("--binary", default=os.path.join(here, "..", "build", "bench",
                                                    "mock_ollama_load"))
    p.add_argument("--clean", type=int, default=3, help="clean runs wanted per configuration")
    p.add_argument("--budget", type=float, default=1800, help="seconds, in all")
    p.add_argument("--idle-busy", type=float, default=20, help="start only below this CPU %%")
    p.add_argument("--max-foreign", type=float, default=10, help="clean: foreign_cpu_pct below")
    p.add_argument("--log", default="mock_ollama_load_runs.jsonl")
    args = p.parse_args()

    configs = []
    for c in args.configs:
        name, streams, extra = (c.split(":", 2) + ["", ""])[:3]
        configs.append((name, streams, [e for e in extra.split(",") if e]))
    deadline = time.time() + args.budget
    clean = [0] * len(configs)
    while time.time() < deadline and min(clean) < args.clean:
        for i, (name, streams, extra) in enumerate(configs):
            if clean[i] >= args.clean:
                continue
            if wait_idle(deadline, args.idle_busy) is None:
                print("time budget spent before an idle window")
                break
            with open("/proc/loadavg") as f:
                load1 = f.read().split()[0]
            b = run_once(args.binary, name, streams, extra)
            b.update({"extra": ",".join(extra), "load1": load1, "t": time.strftime("%T")})
            with open(args.log, "a") as f:
                f.write(json.dumps(b) + "\n")
            ok = 0 <= b.get("foreign_cpu_pct", -1) < args.max_foreign
            clean[i] += ok
            print(b["t"], b["name"].split("/iter")[0], *extra, f"load={load1}",
                  " ".join(f"{k}={b[k]:.3g}" for k in KEYS if k in b),
                  "clean" if ok else "noisy", b.get("error_message", ""), flush=True)
    return 0 if min(clean) >= args.clean else 1


if __name__ == "__main__":
    sys.exit(main())
