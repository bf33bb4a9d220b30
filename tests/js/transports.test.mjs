// Real MCP clients against a server over the two standard transports, Streamable HTTP and
// stdio: the official TypeScript SDK's Client (StreamableHTTPClientTransport,
// StdioClientTransport) and the official inspector CLI (@modelcontextprotocol/inspector-cli).
//
// MCP_TARGET picks the server: `mcp-server` (default; MCP_SERVER_BIN) or `sdk-server`, the
// reference server on the official SDK (sdk_server.mjs; SDK_SERVER_ARGS adds flags, e.g.
// --buffer-tokens, its broken variant, which must fail the real-time check). Both talk to a
// mock-ollama this test starts (MOCK_OLLAMA_BIN), whose request log (what it emitted, when) is
// the reference for the token checks.
//
//   cd tests/js && npm ci && node --test transports.test.mjs
//   MCP_TARGET=sdk-server node --test transports.test.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { parseCsv } from './csv.mjs';
import { mockAdmin } from './mock_admin.mjs';
import { MOCK_READY_RE, SDK_SERVER_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
const SERVER_BIN = process.env.MCP_SERVER_BIN || path.resolve(HERE, '../../build/core/mcp-server');
const TARGET = process.env.MCP_TARGET || 'mcp-server';
const SDK_SERVER_ARGS = (process.env.SDK_SERVER_ARGS || '').split(' ').filter(Boolean);
const INSPECTOR_DIR = path.join(HERE, 'node_modules/@modelcontextprotocol/inspector-cli/build');
const TOOL_NAMES = ['generate_summary', 'get_patient_summary', 'search_patients_by_disease', 'update_patient_summary'];
// mcp-server's ready line names its WebSocket URL; Streamable HTTP is the same port and path.
const MCP_SERVER_READY_RE = /^mcp-server listening on \w+:\/\/127\.0\.0\.1:(\d+)\/mcp/;

let mock = null;
let dataDir = null;
const { admin, settledRequests } = mockAdmin(() => mock.url);
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

before(async () => {
  mock = await startProcess('mock-ollama', MOCK_BIN, ['--port', '0', '--time-scale', '0.05', '--tokens', '30', '--seed', '7'],
    MOCK_READY_RE, 'MOCK_OLLAMA_BIN', 'mock-ollama');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-transports-'));
  await run(SERVER_BIN, ['generate-patients', '--count', '20', '--out', path.join(dataDir, 'patients_data.csv')]);
});
after(async () => {
  await stopProcess(mock);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

// Runs a program to its end; resolves with its stdout, rejects with its stderr.
function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${err}`)));
  });
}

// The server's command line for one transport (the part after the program for stdio).
function serverCommand(transport) {
  const common = ['--data-dir', dataDir, '--ollama-url', mock.url];
  if (TARGET === 'sdk-server') {
    return [process.execPath, [path.join(HERE, 'sdk_server.mjs'), '--transport', transport, ...common, ...SDK_SERVER_ARGS]];
  }
  const t = transport === 'stdio' ? ['--stdio'] : ['--port', '0'];
  return [SERVER_BIN, [...t, ...common, '--time-scale', '0.05']];
}

const patients = () => parseCsv(fs.readFileSync(path.join(dataDir, 'patients_data.csv'), 'utf8'));
const resultText = (res) => {
  assert.equal(res.content?.length, 1, `one content item: ${JSON.stringify(res)}`);
  assert.equal(res.content[0].type, 'text');
  return res.content[0].text;
};

for (const transport of ['http', 'stdio']) {
  describe(`${TARGET} over ${transport}`, () => {
    let server = null; // the HTTP server process (stdio: the client transport owns the process)
    let client = null;
    let frames = []; // every message the client transport delivered: { msg, t_us }
    let clientErrors = [];

    before(async () => {
      const [cmd, args] = serverCommand(transport);
      let clientTransport;
      let stdioErr = '';
      if (transport === 'http') {
        if (TARGET === 'sdk-server') {
          server = await startProcess('sdk-server', cmd, args, SDK_SERVER_READY_RE, 'MCP_SERVER_BIN', 'mcp-server');
        } else {
          server = await startProcess('mcp-server', cmd, args, MCP_SERVER_READY_RE, 'MCP_SERVER_BIN', 'mcp-server');
          server.url = `http://127.0.0.1:${server.url}/mcp`;
        }
        clientTransport = new StreamableHTTPClientTransport(new URL(server.url));
      } else {
        clientTransport = new StdioClientTransport({ command: cmd, args, stderr: 'pipe' });
        clientTransport.stderr.on('data', (d) => (stdioErr = (stdioErr + d).slice(-8192)));
      }
      client = new Client({ name: 'transports-test', version: '1.0.0' });
      client.onerror = (e) => clientErrors.push(e);
      try {
        await client.connect(clientTransport);
      } catch (e) {
        await new Promise((r) => setTimeout(r, 100)); // let the server's last words arrive
        throw new Error(`could not connect to ${cmd} ${args.join(' ')}: ${e.message}\n  stderr:\n${stdioErr || server?.stderr() || '(empty)'}`);
      }
      // Record what reaches the SDK, before the SDK's own dispatch (see README: SDK race).
      const deliver = clientTransport.onmessage;
      clientTransport.onmessage = (msg, extra) => {
        frames.push({ msg, t_us: nowUs() });
        deliver(msg, extra);
      };
    });
    after(async () => {
      await client?.close();
      await stopProcess(server);
    });

    // Calls generate_summary; resolves with what the client got: the result, the onprogress
    // calls, the progress notifications as delivered by the transport, and the mock's record.
    async function generate(patient, { save = false, signal, onProgress } = {}) {
      frames = [];
      clientErrors = [];
      const progress = [];
      const started = nowUs();
      const call = client.callTool({ name: 'generate_summary', arguments: { patient_id: patient.patient_id, save } }, undefined, {
        signal,
        onprogress: (p) => {
          progress.push(p);
          onProgress?.(p);
        },
      });
      let result;
      let error;
      try {
        result = await call;
      } catch (e) {
        error = e;
      }
      const requests = (await settledRequests()).filter((r) => r.received_us >= started && r.prompt.includes(`Name: ${patient.name}`));
      assert.equal(requests.length, 1, `one upstream request for ${patient.patient_id}: ${JSON.stringify(requests.map((r) => r.id))}`);
      const notes = frames.filter((f) => f.msg.method === 'notifications/progress');
      return { result, error, progress, notes, upstream: requests[0] };
    }

    test('tools/list names the four tools, each with its required arguments', async () => {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_NAMES);
      const required = Object.fromEntries(tools.map((t) => [t.name, t.inputSchema.required]));
      assert.deepEqual(required.generate_summary, ['patient_id']);
      assert.deepEqual(required.update_patient_summary, ['patient_id', 'summary']);
    });

    test('generate_summary: every token in order, in real time; the text is their concatenation; save stores it', async () => {
      const p = patients()[transport === 'http' ? 3 : 4];
      // 20 tokens 25 ms apart (tps 2 at time scale 0.05): slow enough to tell streaming from buffering.
      await admin('POST', '/_mock/config', { rules: [{ match: `Name: ${p.name}`, tps: 2, tokens: 20, count: 1 }] });
      const { result, error, progress, notes, upstream } = await generate(p, { save: true });
      assert.equal(error, undefined, `the call failed: ${error}`);
      assert.equal(upstream.outcome, 'completed');
      const tokens = upstream.tokens.map((t) => t.text);
      assert.equal(tokens.length, 20);

      // What the transport delivered: one notification per token, in order, numbered 1..n.
      assert.deepEqual(notes.map((n) => n.msg.params.message), tokens, 'progress messages != the tokens the mock emitted');
      assert.deepEqual(notes.map((n) => n.msg.params.progress), tokens.map((_, i) => i + 1));
      // What onprogress got: the same, in order; a missing tail only as the SDK reports it late.
      const late = clientErrors.filter((e) => /progress notification for an unknown token/.test(String(e?.message)));
      assert.deepEqual(clientErrors.filter((e) => !late.includes(e)).map(String), [], 'client.onerror');
      assert.deepEqual(progress.map((x) => x.message), tokens.slice(0, tokens.length - late.length));

      // Real time: most tokens reach the client before the mock has even written the last one.
      const lastWritten = upstream.tokens.at(-1).t_us;
      const early = notes.filter((n) => n.t_us < lastWritten).length;
      assert.ok(early >= tokens.length / 2,
        `only ${early} of ${tokens.length} tokens arrived before the mock wrote the last token (buffered, not streamed)`);

      const expected = `Generated Summary for ${p.name} (ID: ${p.patient_id}):\n\n${tokens.join('').trim()}`;
      assert.equal(result.isError, false, resultText(result));
      assert.equal(resultText(result), expected);
      const saved = await client.callTool({ name: 'get_patient_summary', arguments: { patient_id: p.patient_id } });
      assert.equal(resultText(saved), `Patient ID: ${p.patient_id}\nName: ${p.name}\n\nSummary:\n${tokens.join('').trim()}`);
    });

    test('a call aborted through its AbortSignal stops the upstream generation and saves nothing', async () => {
      const p = patients()[transport === 'http' ? 5 : 6];
      await admin('POST', '/_mock/config', { rules: [{ match: `Name: ${p.name}`, tps: 1, tokens: 400, count: 1 }] });
      const abort = new AbortController();
      const { error, progress, upstream } = await generate(p, {
        save: true,
        signal: abort.signal,
        onProgress: (x) => x.progress === 3 && abort.abort(new Error('cancelled by the test')),
      });
      assert.match(String(error?.message ?? error), /cancelled by the test/);
      assert.ok(progress.length >= 3);
      assert.equal(upstream.outcome, 'client_closed', `the mock's record: ${upstream.outcome}`);
      assert.ok(upstream.token_count < 400, `${upstream.token_count} tokens were generated`);
      const res = await client.callTool({ name: 'get_patient_summary', arguments: { patient_id: p.patient_id } });
      assert.match(resultText(res), /Status: No summary yet/);
    });

    test('the inspector CLI lists the tools and calls one', async () => {
      const [cmd, args] = serverCommand(transport);
      // The inspector reads its package.json relative to the working folder.
      const inspect = (method) => {
        const target = transport === 'http' ? [server.url, '--transport', 'http'] : [cmd];
        const after = transport === 'http' ? [] : ['--', ...args];
        return run(process.execPath, ['index.js', ...target, ...method, ...after], { cwd: INSPECTOR_DIR });
      };
      const p = patients()[7];
      // As JSON: the CLI reads `patient_id=8` as the number 8, which the tool refuses.
      const [list, call] = (
        await Promise.all([
          inspect(['--method', 'tools/list']),
          inspect(['--method', 'tools/call', '--tool-name', 'get_patient_summary', '--tool-arg', `patient_id=${JSON.stringify(p.patient_id)}`]),
        ])
      ).map((out) => JSON.parse(out));
      assert.deepEqual(list.tools.map((t) => t.name).sort(), TOOL_NAMES);
      assert.equal(call.isError, false);
      assert.match(call.content[0].text, new RegExp(`^Patient ID: ${p.patient_id}\nName: `));
    });
  });
}
