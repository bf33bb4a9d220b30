// mcp-server's 2026-07-28 stateless Streamable HTTP, by plain `fetch` (SDK 1.x has no client
// for this revision): a streamed generate_summary and cancellation by closing the response
// stream, checked against what mock-ollama logged. SSE is parsed with `eventsource-parser`
// (the parser the SDK itself uses). MCP_SERVER_ARGS adds flags (to show a check failing).
//
//   cd tests/js && npm ci && node --test stateless.test.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { createParser } from 'eventsource-parser';

import { parseCsv } from './csv.mjs';
import { mockAdmin } from './mock_admin.mjs';
import { MOCK_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
const SERVER_BIN = process.env.MCP_SERVER_BIN || path.resolve(HERE, '../../build/core/mcp-server');
const SERVER_ARGS = (process.env.MCP_SERVER_ARGS || '').split(' ').filter(Boolean);
const VERSION = '2026-07-28';
const PORT_RE = /^mcp-server listening on \w+:\/\/127\.0\.0\.1:(\d+)\/mcp/;

let mock = null;
let server = null;
let url = null;
let dataDir = null;
let nextId = 1;
const { admin, settledRequests } = mockAdmin(() => mock.url);
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

before(async () => {
  mock = await startProcess('mock-ollama', MOCK_BIN, ['--port', '0', '--time-scale', '0.05', '--seed', '7'],
    MOCK_READY_RE, 'MOCK_OLLAMA_BIN', 'mock-ollama');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-stateless-'));
  const args = ['--port', '0', '--data-dir', dataDir, '--patients', '20', '--ollama-url', mock.url, '--time-scale', '0.05'];
  server = await startProcess('mcp-server', SERVER_BIN, [...args, ...SERVER_ARGS], PORT_RE, 'MCP_SERVER_BIN', 'mcp-server');
  url = `http://127.0.0.1:${server.url}/mcp`;
});
after(async () => {
  await stopProcess(server);
  await stopProcess(mock);
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const patients = () => parseCsv(fs.readFileSync(path.join(dataDir, 'patients_data.csv'), 'utf8'));

// One stateless tools/call: the revision's headers and per-request _meta, no session.
function callTool(name, args, { progressToken, signal } = {}) {
  const meta = { 'io.modelcontextprotocol/protocolVersion': VERSION, 'io.modelcontextprotocol/clientCapabilities': {} };
  if (progressToken !== undefined) meta.progressToken = progressToken;
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': VERSION,
      'Mcp-Method': 'tools/call',
      'Mcp-Name': name,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name, arguments: args, _meta: meta } }),
    signal,
  });
}

// The JSON-RPC messages of a response, each with its arrival time; `onMessage` may return
// true to stop reading (and close the stream).
async function readMessages(res, onMessage = () => false) {
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) return [{ msg: await res.json(), t_us: nowUs() }];
  assert.match(type, /^text\/event-stream/, `HTTP ${res.status} ${type}`);
  const out = [];
  let stop = false;
  const parser = createParser({
    onEvent: (ev) => {
      const m = { msg: JSON.parse(ev.data), t_us: nowUs() };
      out.push(m);
      stop ||= onMessage(m) === true;
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (stop) break; // leaving the loop cancels the body: the server sees the stream closed
  }
  return out;
}

const text = (res) => res.result.content[0].text;

test('generate_summary streams every token in order and in real time on the request\'s SSE stream', async () => {
  const p = patients()[2];
  await admin('POST', '/_mock/config', { rules: [{ match: `Name: ${p.name}`, tps: 2, tokens: 20, count: 1 }] });
  const started = nowUs();
  const res = await callTool('generate_summary', { patient_id: p.patient_id }, { progressToken: 'tok' });
  assert.equal(res.status, 200);
  const messages = await readMessages(res);
  const [upstream] = (await settledRequests()).filter((r) => r.received_us >= started);
  assert.equal(upstream?.outcome, 'completed');
  const tokens = upstream.tokens.map((t) => t.text);

  const notes = messages.filter((m) => m.msg.method === 'notifications/progress');
  assert.deepEqual(notes.map((n) => n.msg.params.message), tokens, 'progress messages != the tokens the mock emitted');
  assert.deepEqual(notes.map((n) => [n.msg.params.progressToken, n.msg.params.progress]), tokens.map((_, i) => ['tok', i + 1]));
  const early = notes.filter((n) => n.t_us < upstream.tokens.at(-1).t_us).length;
  assert.ok(early >= tokens.length / 2, `only ${early} of ${tokens.length} tokens arrived before the mock wrote the last token`);

  const last = messages.at(-1).msg;
  assert.equal(messages.indexOf(messages.find((m) => 'result' in m.msg)), messages.length - 1, 'the response ends the stream');
  assert.equal(last.result.isError, false, text(last));
  assert.equal(text(last), `Generated Summary for ${p.name} (ID: ${p.patient_id}):\n\n${tokens.join('').trim()}`);
});

test('closing the response stream cancels the call: the upstream request stops and nothing is saved', async () => {
  const p = patients()[3];
  await admin('POST', '/_mock/config', { rules: [{ match: `Name: ${p.name}`, tps: 1, tokens: 400, count: 1 }] });
  const started = nowUs();
  const res = await callTool('generate_summary', { patient_id: p.patient_id, save: true }, { progressToken: 1 });
  const seen = await readMessages(res, (m) => m.msg.params?.progress === 3);
  assert.equal(seen.length, 3, 'three progress notifications, then the test closed the stream');
  const [upstream] = (await settledRequests()).filter((r) => r.received_us >= started);
  assert.equal(upstream?.outcome, 'client_closed', `the mock's record: ${upstream?.outcome}`);
  assert.ok(upstream.token_count < 400, `${upstream.token_count} tokens were generated`);
  const summary = await readMessages(await callTool('get_patient_summary', { patient_id: p.patient_id }));
  assert.match(text(summary.at(-1).msg), /Status: No summary yet/);
});
