#!/usr/bin/env python3
"""`mcp-harness chat` end to end, real processes on loopback: mock-ollama and mcp-server in a
fresh folder, the real mcp-harness binary driven two ways.

--mode tmux: a person at a terminal. The chat runs in a detached tmux session of a fixed size;
keys go in with send-keys, the screen comes back with capture-pane, again and again:
  1. search, pick a patient: while the response has not arrived (no timing line, no save
     prompt), the bottom status line shows a growing token count across captures and the
     streamed text grows on screen (tokens are shown BEFORE the call ends);
  2. the final summary and timing come, `y` at the save prompt: the CSV row of that patient
     holds exactly the text the mock emitted;
  3. a second patient, Ctrl-C mid-stream: "cancelled" shows, the search prompt returns, the
     CSV row of that patient stays empty and the mock's request log says the upstream request
     was closed early (client_closed, fewer tokens than a full answer);
  4. Ctrl-D at the prompt: the chat exits 0 and the terminal's echo is back.
--mode pipe: a script. `printf 'KW\\n1\\nn\\n' | mcp-harness chat ...` over WebSocket,
Streamable HTTP, stdio (--server-cmd) and with the chat's own server: plain lines, no ANSI,
the tokens and the summary printed, exit 0; SIGINT mid-stream over ws, http (both revisions)
and stdio cancels (upstream closed early, nothing saved, the prompt again); a patient that does
not exist gets the server's error text as is; an unreachable server is one line on stderr and
exit 2.
Exit 77 (CTest: skipped) only when tmux is not installed (tmux mode)."""
import argparse
import csv
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
import urllib.request

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)
    return cond


def start(cmd, cwd, log):
    """A service on port 0; returns (process, URL of its ready line)."""
    err = open(os.path.join(cwd, log), "wb")
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True)
    deadline = time.time() + 15
    while time.time() < deadline:
        line = p.stdout.readline()
        if "listening on" in line:
            return p, line.strip().split("listening on ")[1]
        if not line and p.poll() is not None:
            break
    sys.exit(f"{cmd[0]} did not start (see {log})")


def mock_requests(mock_url):
    with urllib.request.urlopen(mock_url + "/_mock/requests?tokens=1", timeout=5) as r:
        body = json.load(r)
    return body["requests"] if isinstance(body, dict) else body


def summaries(data):
    with open(os.path.join(data, "patient_summaries.csv"), newline="") as f:
        return {row["patient_id"]: row["summary"] for row in csv.DictReader(f)}


def keyword(data):
    """A keyword the search finds several patients for: the first patient's first symptom."""
    with open(os.path.join(data, "patients_data.csv"), newline="") as f:
        first = next(csv.DictReader(f))
    return first["current_symptoms"].split(",")[0].strip()


def hit_ids(text):
    """The patient ids of the numbered hits shown, in the server's order."""
    return re.findall(r"^\d+\. ID: (\S+) \|", text, re.M)


class Services:
    def __init__(self, args, work, tps, tokens):
        os.makedirs(work, exist_ok=True)
        self.data = os.path.join(work, "data")
        self.mock, self.mock_url = start(
            [args.mock, "--port", "0", "--tps", str(tps), "--tokens", str(tokens), "--ttft", "300"],
            work, "mock-ollama.log")
        self.server, ws = start(
            [args.server, "--port", "0", "--data-dir", self.data, "--ollama-url", self.mock_url],
            work, "mcp-server.log")
        self.ws_url = ws
        self.http_url = "http://" + ws[len("ws://"):]

    def stop(self):
        for p in (self.server, self.mock):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


# --- tmux -----------------------------------------------------------------------------------

class Tmux:
    def __init__(self, work):
        self.sock = f"chat-e2e-{os.getpid()}"  # our own tmux server: nobody else's sessions
        self.work = work

    def run(self, *a, check_rc=True):
        return subprocess.run(["tmux", "-L", self.sock, *a], check=check_rc,
                              capture_output=True, text=True)

    def screen(self):
        return self.run("capture-pane", "-p", "-t", "chat").stdout

    def keys(self, *k):
        self.run("send-keys", "-t", "chat", *k)

    def wait_for(self, pattern, timeout=20, after=None):
        """The screen once `pattern` matches it (after the text `after`, when given)."""
        deadline = time.time() + timeout
        s = ""
        while time.time() < deadline:
            s = self.screen()
            tail = s if after is None or after not in s else s[s.rindex(after):]
            if re.search(pattern, tail, re.M):
                return s
            time.sleep(0.1)
        check(False, f"screen never showed /{pattern}/; last screen:\n{s}")
        raise SystemExit(finish())

    def kill(self):
        self.run("kill-server", check_rc=False)


def status_count(screen):
    """The token count of the status line (the bottom row), or None."""
    rows = screen.rstrip("\n").split("\n")
    m = re.search(r"streaming: (\d+) tokens?", rows[-1] if rows else "")
    return int(m.group(1)) if m else None


def watch_stream(tmux, round_start):
    """Captures the screen while the call runs; returns (counts, body lengths) seen before the
    response (no timing line '--- N tokens in', no save prompt)."""
    counts, bodies = [], []
    deadline = time.time() + 30
    while time.time() < deadline:
        s = tmux.screen()
        tail = s[s.rindex(round_start):] if round_start in s else ""
        if re.search(r"--- \d+ tokens? in", tail) or "save this summary" in tail:
            break
        n = status_count(s)
        if n is not None:
            counts.append(n)
            # The streamed text: the rows under the round's first line, the status row left out.
            rows = [r for r in tail.split("\n")[1:] if "(Ctrl-C cancels)" not in r]
            bodies.append(len("".join(rows).strip()))
        time.sleep(0.25)
    return counts, bodies


def tmux_mode(args, work):
    if shutil.which("tmux") is None:
        print("tmux is not installed: skipped")
        return 77
    sv = Services(args, work, tps=8, tokens=40)  # about 5 s per summary: streaming is visible
    tmux = Tmux(work)
    try:
        kw = keyword(sv.data)
        done = os.path.join(work, "exit-code")
        # The pane runs bash on this script directly (no `sh -c` around it): a terminal's ^C
        # goes to the whole foreground group, and the trap keeps the shell alive to write
        # the chat's exit code and the terminal's modes once the chat is gone.
        wrapper = os.path.join(work, "pane.sh")
        with open(wrapper, "w") as f:
            f.write(f"trap : INT\n'{args.harness}' chat --server-url {sv.ws_url}\n"
                    f"echo $? > '{done}'\nstty -a > '{done}.stty'\nsleep 60\n")
        tmux.run("new-session", "-d", "-s", "chat", "-x", "100", "-y", "30", "bash", wrapper)
        tmux.wait_for(r"search> ?$")

        # 1. streaming shows on screen before the call ends
        tmux.keys(kw, "Enter")
        hits = hit_ids(tmux.wait_for(r"pick 1-\d+ or a patient id"))
        if not check(len(hits) >= 2, f"keyword {kw!r} finds at least two patients: {hits}"):
            return finish()
        tmux.keys("1", "Enter")
        first = hits[0]
        counts, bodies = watch_stream(tmux, "generating a summary for " + first)
        print("token counts seen before the response:", counts)
        check(len(set(counts)) >= 3, f"the indicator showed at least 3 different counts: {counts}")
        check(counts == sorted(counts) and counts and counts[-1] > counts[0],
              f"the indicator's token count grew: {counts}")
        check(bodies and bodies[-1] > bodies[0],
              f"the streamed text grew on screen before the response: {bodies}")
        s = tmux.wait_for(r"save this summary for \S+\? \[y/N\]> ?$")
        check(re.search(r"--- 40 tokens in [\d.]+ s \([\d.]+ tok/s\), first token after", s),
              "the final timing line counts every token")
        check("Generated Summary for" in s, "the final result is shown")
        check(status_count(s) is None, "the status line is gone once the call ended")

        # 2. save y → the CSV row is the text the mock emitted
        tmux.keys("y", "Enter")
        tmux.wait_for(r"has been saved", after="save this summary")
        tmux.wait_for(r"search> ?$", after="has been saved")
        text = mock_requests(sv.mock_url)[-1]["text"]
        check(summaries(sv.data).get(first) == text,
              f"{first}'s CSV row is the summary streamed: {summaries(sv.data).get(first)!r} "
              f"vs {text!r}")

        # 3. Ctrl-C mid-stream
        second = hits[1]
        tmux.keys(kw, "Enter")
        tmux.wait_for(r"pick 1-\d+ or a patient id", after="search> " + kw)
        tmux.keys("2", "Enter")
        mark = "generating a summary for " + second
        deadline = time.time() + 20
        while time.time() < deadline and (status_count(tmux.screen()) or 0) < 3:
            time.sleep(0.1)
        check((status_count(tmux.screen()) or 0) >= 3, "three tokens streamed before Ctrl-C")
        tmux.keys("C-c")
        s = tmux.wait_for(r"cancelled: nothing saved\n+search> ?$", after=mark)
        check("save this summary for " + second not in s, "no save prompt after a cancel")
        time.sleep(1.0)  # a save would be durable by now
        check(summaries(sv.data).get(second) == "",
              f"{second}'s CSV row stays empty: {summaries(sv.data).get(second)!r}")
        last = mock_requests(sv.mock_url)[-1]
        check(last.get("outcome") == "client_closed",
              f"the mock saw the upstream request closed early: {last.get('outcome')}")
        check(last.get("token_count", 40) < 40,
              f"the mock emitted fewer than 40 tokens: {last.get('token_count')}")

        # 4. Ctrl-D at the prompt quits cleanly
        tmux.keys("C-d")
        deadline = time.time() + 10
        while time.time() < deadline and not os.path.exists(done):
            time.sleep(0.1)
        time.sleep(0.2)
        code = open(done).read().strip() if os.path.exists(done) else None
        check(code == "0", f"Ctrl-D at the prompt exits 0: {code}")
        stty = open(done + ".stty").read() if os.path.exists(done + ".stty") else ""
        check(re.search(r"(^|\s)echo(\s|$)", stty) is not None, "echo is on again after the chat")
    finally:
        with open(os.path.join(work, "last-screen.txt"), "w") as f:
            f.write(tmux.screen() if tmux.run("has-session", "-t", "chat",
                                              check_rc=False).returncode == 0 else "")
        tmux.kill()
        sv.stop()
    return finish()


# --- pipe -----------------------------------------------------------------------------------

def chat(args, options, stdin, timeout=60):
    return subprocess.run([args.harness, "chat", *options], input=stdin, capture_output=True,
                          text=True, timeout=timeout)


def cancel_over(args, name, options, sv, kw):
    """SIGINT (as a terminal's ^C would send) while tokens stream through a pipe: "cancelled",
    the prompt again, nothing saved, the upstream request closed early; then EOF quits, 0."""
    p = subprocess.Popen([args.harness, "chat", *options], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(f"{kw}\n2\n".encode())
    p.stdin.flush()
    raw, deadline, sent = b"", time.time() + 20, False

    def read_more(wait):
        nonlocal raw
        if select.select([p.stdout], [], [], wait)[0]:
            raw += os.read(p.stdout.fileno(), 65536)
        return raw.decode("utf-8", "replace")

    out = ""
    while time.time() < deadline and "cancelled: nothing saved" not in out:
        out = read_more(0.05)
        generating = out.split("generating a summary for ", 1)
        streamed = generating[1].split("\n", 1)[-1] if len(generating) == 2 else ""
        if not sent and len(streamed) > 20:
            p.send_signal(2)  # SIGINT
            sent = True
    end = time.time() + 0.3
    while time.time() < end:
        out = read_more(0.05)
    # Still connected (the prompt waits): closing the connection would cancel the call too,
    # so the mock is asked now, while only notifications/cancelled can have stopped it.
    time.sleep(0.5)
    last = mock_requests(sv.mock_url)[-1]
    p.stdin.close()
    code = p.wait(10)
    check(sent and "cancelled: nothing saved\n\nsearch> " in out,
          f"{name}: SIGINT mid-stream cancels and the prompt returns:\n{out}")
    check(code == 0, f"{name}: then the end of input quits with 0, got {code}")
    ids = hit_ids(out)
    check(len(ids) >= 2 and summaries(sv.data).get(ids[1]) == "", f"{name}: nothing saved")
    check(last.get("outcome") == "client_closed" and last.get("token_count", 40) < 40,
          f"{name}: the upstream request was closed early: {last.get('outcome')} "
          f"{last.get('token_count')}")


def pipe_mode(args, work):
    sv = Services(args, work, tps=400, tokens=30)
    try:
        kw = keyword(sv.data)
        stdio = f"{args.server} --stdio --data-dir {sv.data} --ollama-url {sv.mock_url}"
        for name, options in [("ws", ["--server-url", sv.ws_url]),
                              ("http", ["--server-url", sv.http_url]),
                              ("stdio", ["--server-cmd", stdio])]:
            r = chat(args, options, f"{kw}\n1\nn\n")
            out = r.stdout
            hits = hit_ids(out)
            if not check(hits, f"{name}: the hits are listed:\n{out}\n{r.stderr}"):
                continue
            check(r.returncode == 0, f"{name}: exit 0, got {r.returncode}: {r.stderr}")
            check("\x1b" not in out, f"{name}: no ANSI escape when stdout is a pipe")
            check(f"search> {kw}\n" in out, f"{name}: the piped input is echoed after its prompt")
            text = mock_requests(sv.mock_url)[-1]["text"]
            streamed = out.split("generating a summary for " + hits[0] + " ...\n", 1)[-1]
            check(text and streamed.startswith(text),
                  f"{name}: the tokens are printed as they stream:\n{out}")
            check(out.count(text) == 2, f"{name}: the streamed text, then the final summary")
            check(re.search(r"--- 30 tokens in", out), f"{name}: the timing line")
            check("not saved" in out and summaries(sv.data).get(hits[0]) == "",
                  f"{name}: `n` saves nothing")

        # Ctrl-C over each transport, against a slow mock of its own.
        slow = Services(args, os.path.join(work, "slow"), tps=8, tokens=40)
        try:
            slow_stdio = f"{args.server} --stdio --data-dir {slow.data} --ollama-url {slow.mock_url}"
            for name, options in [("ws", ["--server-url", slow.ws_url]),
                                  ("http", ["--server-url", slow.http_url]),
                                  ("http 2026-07-28", ["--server-url", slow.http_url,
                                                       "--protocol-version", "2026-07-28"]),
                                  ("stdio", ["--server-cmd", slow_stdio])]:
                cancel_over(args, "cancel " + name, options, slow, kw)
        finally:
            slow.stop()

        # The chat's own mcp-server and mock: the same synthetic patients.
        r = chat(args, ["--tps", "1000"], f"{kw}\n1\ny\n")
        check(r.returncode == 0 and "has been saved" in r.stdout,
              f"own services: saved, exit 0: {r.returncode} {r.stdout[-400:]} {r.stderr}")

        # Not found: the server's text as is, then the prompt again.
        r = chat(args, ["--server-url", sv.ws_url], f"{kw}\nNOPE999\n")
        check(re.search(r"error: .*NOPE999", r.stdout) and r.stdout.rstrip().endswith("search>"),
              f"an unknown patient: the server's error, then the prompt:\n{r.stdout}")
        # A pick that is neither a number nor an id: asked again.
        r = chat(args, ["--server-url", sv.ws_url], f"{kw}\n0\n\n")
        check("no hit number 0" in r.stdout, f"a bad pick is explained:\n{r.stdout}")

        # Unreachable: one line on stderr, exit 2.
        r = chat(args, ["--server-url", "ws://127.0.0.1:1/mcp"], "x\n")
        check(r.returncode == 2 and "cannot reach the server at ws://127.0.0.1:1/mcp" in r.stderr,
              f"unreachable server: exit 2 and a clear line: {r.returncode} {r.stderr!r}")
        r = chat(args, ["--server-url", "ftp://x"], "")
        check(r.returncode == 2 and "--server-url" in r.stderr, f"a bad URL: {r.stderr!r}")
    finally:
        sv.stop()
    return finish()


def finish():
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["tmux", "pipe"], required=True)
    ap.add_argument("--harness", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--mock", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    return tmux_mode(args, args.work) if args.mode == "tmux" else pipe_mode(args, args.work)


if __name__ == "__main__":
    sys.exit(main())
