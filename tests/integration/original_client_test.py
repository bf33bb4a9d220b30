#!/usr/bin/env python3
"""The original tutorial's own client works out of the box: the shape of its test_streaming.py
(websockets, its MCPWebSocketClient's send_request loop) against the real mcp-server started
in an EMPTY folder (so it generates its patients) with the real mock-ollama as its Ollama.

  - connect over WebSocket, `initialize` (protocol 2024-11-05, as the original client sends);
  - `generate_summary` for patient "25" (the original's ids are 1...N, its test asks for 25)
    without a progress token: legacy {"type":"stream_token","token","position","id"} frames
    arrive before the response, in order (position grows by each token's code points, id is
    the call's), and their concatenation is the summary in the response;
  - `update_patient_summary` for "25" with the response text, as test_streaming.py does;
  - patient_summaries.csv in that folder has the row for 25 with that summary.

Needs Debian's python3-websockets (scripts/setup.sh installs it); run by /usr/bin/python3."""
import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile

import websockets

PATIENT = "25"
HEADER = "Generated Summary for "


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def start(cmd, cwd, logs):
    """Starts a program on port 0 and returns (process, URL of its ready line on stdout)."""
    err = open(os.path.join(logs, os.path.basename(cmd[0]) + ".stderr"), "w")
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True)
    line = proc.stdout.readline()  # each prints exactly one ready line
    expect(" listening on " in line, f"{cmd[0]}: no ready line, got {line!r}")
    return proc, line.split(" listening on ", 1)[1].strip()


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Client:
    """The original MCPWebSocketClient's request loop, recording what it saw."""

    def __init__(self, ws):
        self.ws = ws
        self.request_id = 0

    async def send_request(self, method, params):
        self.request_id += 1
        await self.ws.send(json.dumps({"jsonrpc": "2.0", "id": self.request_id,
                                       "method": method, "params": params}))
        tokens = []
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=30))
            if message.get("type") == "stream_token":
                tokens.append(message)
                continue
            expect(message.get("id") == self.request_id, f"{method}: answer {message}")
            expect("error" not in message, f"{method}: error {message}")
            return message["result"], tokens

    async def call_tool(self, name, arguments):
        result, tokens = await self.send_request("tools/call",
                                                 {"name": name, "arguments": arguments})
        expect(result.get("isError") is False, f"{name}({arguments}) failed: {result}")
        return result["content"][0]["text"], tokens


def check_tokens(tokens, request_id, summary):
    expect(len(tokens) > 0, "no stream_token frame before the response")
    position = 0
    for i, t in enumerate(tokens):
        expect(set(t) == {"type", "token", "position", "id"}, f"token {i}: fields {sorted(t)}")
        expect(t["id"] == request_id, f"token {i}: id {t['id']}, call {request_id}")
        position += len(t["token"])  # code points, as str counts them
        expect(t["position"] == position, f"token {i}: position {t['position']} != {position}")
    joined = "".join(t["token"] for t in tokens).strip()
    expect(joined == summary, f"tokens joined {joined!r} != summary {summary!r}")


async def session(url, data_dir):
    async with websockets.connect(url, ping_timeout=120, close_timeout=10) as ws:
        client = Client(ws)
        init, _ = await client.send_request("initialize", {
            "protocolVersion": "2024-11-05", "capabilities": {},
            "clientInfo": {"name": "patient-client", "version": "1.0.0"}})
        expect(init["serverInfo"]["name"], f"initialize: {init}")

        text, tokens = await client.call_tool("generate_summary", {"patient_id": PATIENT})
        first_line, _, summary = text.partition("\n\n")
        expect(first_line.startswith(HEADER) and first_line.endswith(f"(ID: {PATIENT}):"),
               f"generate_summary header: {first_line!r}")
        check_tokens(tokens, client.request_id, summary)

        saved, stray = await client.call_tool("update_patient_summary",
                                              {"patient_id": PATIENT, "summary": text})
        expect(not stray, f"stream_token frames for update_patient_summary: {stray}")
        expect(f"Patient ID {PATIENT} " in saved, f"update_patient_summary: {saved!r}")

    with open(os.path.join(data_dir, "patient_summaries.csv"), newline="",
              encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["patient_id"] == PATIENT]
    expect(len(rows) == 1, f"rows for patient {PATIENT} in patient_summaries.csv: {rows}")
    expect(rows[0]["summary"] == text, f"saved summary {rows[0]['summary']!r} != {text!r}")
    print(f"ok: patient {PATIENT}: {len(tokens)} stream_token frames, "
          f"a summary of {len(summary)} characters, saved to patient_summaries.csv")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--mock", required=True)
    args = parser.parse_args()
    # MSH_MCP_SERVER_BIN runs it against another build, as the server tests do (an older one,
    # to see it fail before the fix).
    server = os.path.abspath(os.environ.get("MSH_MCP_SERVER_BIN") or args.server)
    mock = os.path.abspath(args.mock)
    with tempfile.TemporaryDirectory(prefix="original-client-") as root:
        data_dir = os.path.join(root, "data")
        os.mkdir(data_dir)  # empty: the server generates its patients here
        mock_proc, mock_url = start([mock, "--host", "127.0.0.1", "--port", "0",
                                     "--tokens", "12"], root, root)
        try:
            # No --data-dir: like the original, it serves the folder it is started in.
            server_proc, ws_url = start([server, "--host", "127.0.0.1", "--port", "0",
                                         "--ollama-url", mock_url], data_dir, root)
            try:
                asyncio.run(session(ws_url, data_dir))
            finally:
                stop(server_proc)
        except Exception:
            for name in sorted(os.listdir(root)):
                if name.endswith(".stderr"):
                    with open(os.path.join(root, name)) as f:
                        sys.stderr.write(f"--- {name}\n{f.read()[-4000:]}")
            raise
        finally:
            stop(mock_proc)


if __name__ == "__main__":
    main()
