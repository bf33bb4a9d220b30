// Runs the official MCP TypeScript SDK (npm package `@modelcontextprotocol/sdk`, its
// `Client` over `WebSocketClientTransport`) against mcp-server, which talks to mock-ollama.
//
// The test starts its own mock-ollama (MOCK_OLLAMA_BIN, default
// ../../build/mock_ollama/mock-ollama) and mcp-server (MCP_SERVER_BIN, default
// ../../build/core/mcp-server) on ephemeral ports, the server with a fresh data folder, and
// checks what the SDK hands back against the server's data files and what the mock says it
// emitted (GET /_mock/requests).
//
// Node 20 has no global WebSocket (the SDK's transport needs one); the `ws` package fills in.
//
//   cd tests/js && npm ci && node --test mcp_sdk.test.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { mockAdmin, sleep } from './mock_admin.mjs';
import { MOCK_READY_RE, SERVER_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
const SERVER_BIN = process.env.MCP_SERVER_BIN || path.resolve(HERE, '../../build/core/mcp-server');
const MOCK_ARGS = ['--port', '0', '--time-scale', '0.05', '--tokens', '30', '--seed', '7'];
const TIME_SCALE = '0.05'; // the server's timeouts and keep-alive pings, scaled like the mock
const SERVER_NAME = 'patient-summaries-server';
const TOOL_NAMES = ['generate_summary', 'get_patient_summary', 'search_patients_by_disease', 'update_patient_summary'];

let mock = null; // { child, url, stderr() }
let server = null; // { child, url, stderr() }
let dataDir = null;
let client = null;
let sockets = []; // every WebSocket the SDK opened (recorded by a thin subclass)
let clientErrors = []; // what the SDK reported through client.onerror (bad frames, stray ids, ...)
let connectErrors = []; // what client.onerror got while connecting (checked by test 1)
let frames = []; // every text frame the server sent in the current test, parsed, for diagnostics
let setupError = null; // why the SDK, a binary or the connection could not be set up; fails every test

// ---- helpers ---------------------------------------------------------------------------------

async function importPackage(spec, pkg) {
  try {
    return await import(spec);
  } catch (err) {
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND')) {
      throw new Error(
        `the '${pkg}' npm package is not installed in ${path.join(HERE, 'node_modules')}: ` +
          `run npm ci in tests/js (${err.message})`,
      );
    }
    throw err;
  }
}

// The SDK's WebSocketClientTransport calls `new WebSocket(url, 'mcp')` on the global. Use
// Node's own when it has one (Node >= 22), else `ws`; either way through a subclass that
// records the sockets, so test 1 can read the subprotocol the server selected.
async function installWebSocket() {
  let Base = globalThis.WebSocket;
  let impl = 'global WebSocket';
  if (typeof Base !== 'function') {
    Base = (await importPackage('ws', 'ws')).WebSocket;
    impl = 'ws';
  }
  globalThis.WebSocket = class RecordingWebSocket extends Base {
    constructor(...args) {
      super(...args);
      sockets.push(this);
      this.addEventListener('message', (ev) => {
        try {
          frames.push(JSON.parse(ev.data));
        } catch {
          frames.push({ unparsable: String(ev.data) });
        }
      });
    }
  };
  return impl;
}

// Last resort if the runner dies without running the `after` hook.
process.on('exit', () => {
  for (const p of [server, mock]) {
    if (p && p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  }
});

const { admin, mockRequests, settledRequests } = mockAdmin(() => mock.url);

// RFC 4180: quoted fields may hold commas, "" and line breaks; records end with LF or CRLF.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i += 2;
    } else if (c === '\n') {
      endRow();
      i++;
    } else {
      field += c;
      i++;
    }
  }
  assert.equal(quoted, false, 'CSV ends inside a quoted field');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

// The CSV as objects keyed by its header row.
function readCsv(file) {
  const [header, ...rows] = parseCsv(fs.readFileSync(path.join(dataDir, file), 'utf8'));
  return rows.map((r, n) => {
    assert.equal(r.length, header.length, `${file} record ${n + 1} has ${r.length} fields, header ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, r[k]]));
  });
}

const patients = () => readCsv('patients_data.csv');
const patient = (id) => {
  const p = patients().find((x) => x.patient_id === id);
  assert.ok(p, `${id} is not in patients_data.csv`);
  return p;
};
const summaryRow = (id) => readCsv('patient_summaries.csv').find((x) => x.patient_id === id);

// The single text item of a tool result.
function resultText(res, what) {
  assert.ok(Array.isArray(res?.content), `${what}: result has no content array: ${JSON.stringify(res)}`);
  assert.equal(res.content.length, 1, `${what}: expected one content item: ${JSON.stringify(res.content)}`);
  assert.equal(res.content[0].type, 'text', `${what}: content item is not text`);
  assert.equal(typeof res.content[0].text, 'string');
  return res.content[0].text;
}

function callTool(name, args, options) {
  return client.callTool({ name, arguments: args }, undefined, options);
}

function assertNoClientErrors(allow = () => false) {
  const bad = clientErrors.filter((e) => !allow(e));
  assert.deepEqual(
    bad.map((e) => String(e?.message ?? e)),
    [],
    'the SDK reported protocol errors (client.onerror)',
  );
}

const codePoints = (s) => [...s];
const GENERATED_RE = /^Generated Summary for (.*) \(ID: ([^)]*)\):\n\n([\s\S]*)$/;

// What the server sent in this test, one word per frame: P<progress> for a progress
// notification, R<id>/E<id> for a result/error, else the frame.
function frameTrace() {
  return frames
    .map((f) => {
      if (f.method === 'notifications/progress') return `P${f.params?.progress}`;
      if ('result' in f) return `R${f.id}`;
      if ('error' in f) return `E${f.id}`;
      return JSON.stringify(f);
    })
    .join(' ');
}

// The SDK's "unknown token" report for a progress notification, parsed; null for other errors.
const UNKNOWN_TOKEN_RE = /^Received a progress notification for an unknown token: (.*)$/s;
function lateProgress(err) {
  const m = UNKNOWN_TOKEN_RE.exec(String(err?.message ?? ''));
  return m ? JSON.parse(m[1]).params : null;
}

// A tool call's progress as the server put it on the wire (read off the socket, before the
// SDK dispatches anything) and as the SDK delivered it.
//
// SDK 1.x dispatches a notification on a microtask but a response synchronously, so when the
// last progress notifications and the response arrive in one socket read, the response
// retires the request's progress handler first and the SDK reports those notifications
// through onerror as "Received a progress notification for an unknown token" instead of
// calling onprogress (modelcontextprotocol/typescript-sdk#2580; the server cannot prevent it).
// So: the wire must carry exactly one notification per token, all before the response; the
// SDK must deliver them in order to onprogress, except a tail it reports as late.
function checkProgress(expectedTokens, delivered) {
  const response = frames.find((f) => ('result' in f || 'error' in f) && f.id !== undefined);
  assert.ok(response, `no response on the wire: ${frameTrace()}`);
  const id = response.id;
  const at = frames.indexOf(response);
  const isMine = (f) => f.method === 'notifications/progress' && f.params?.progressToken === id;
  const wire = frames.filter(isMine).map((f) => f.params);
  const trace = `the server sent: ${frameTrace()}`;
  assert.equal(frames.slice(at + 1).filter(isMine).length, 0, `progress after the response; ${trace}`);
  assert.equal(wire.length, expectedTokens.length, `one progress notification per token on the wire; ${trace}`);
  for (const [i, p] of wire.entries()) {
    assert.equal(p.progress, i + 1, `progress counts the tokens so far (WIRE.md); ${trace}`);
    assert.equal(p.message, expectedTokens[i], `progress ${i + 1} carries token ${i + 1}`);
  }
  const late = clientErrors.map(lateProgress).filter((p) => p && p.progressToken === id);
  const strip = ({ progressToken, ...rest }) => rest;
  assert.deepEqual(
    [...delivered, ...late.map(strip)],
    wire.map(strip),
    'onprogress gets every notification in order, but for a tail the SDK reports as late',
  );
  for (let i = 1; i < delivered.length; i++) assert.ok(delivered[i].progress > delivered[i - 1].progress, 'progress increases');
  return { id, wire, late: late.length };
}

// ---- tests -----------------------------------------------------------------------------------

describe('MCP TypeScript SDK (WebSocketClientTransport) against mcp-server', () => {
  let wsImpl = null;

  before(async () => {
    try {
      const { Client } = await importPackage('@modelcontextprotocol/sdk/client/index.js', '@modelcontextprotocol/sdk');
      const { WebSocketClientTransport } = await importPackage(
        '@modelcontextprotocol/sdk/client/websocket.js',
        '@modelcontextprotocol/sdk',
      );
      wsImpl = await installWebSocket();
      mock = await startProcess('mock-ollama', MOCK_BIN, MOCK_ARGS, MOCK_READY_RE, 'MOCK_OLLAMA_BIN', 'mock-ollama');
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-sdk-test-'));
      const serverArgs = ['--port', '0', '--data-dir', dataDir, '--ollama-url', mock.url, '--time-scale', TIME_SCALE, '--log-level', 'warn'];
      server = await startProcess('mcp-server', SERVER_BIN, serverArgs, SERVER_READY_RE, 'MCP_SERVER_BIN', 'mcp-server');

      client = new Client({ name: 'mcp-sdk-test', version: '0.0.0' });
      client.onerror = (err) => clientErrors.push(err);
      const transport = new WebSocketClientTransport(new URL(server.url));
      try {
        await client.connect(transport, { timeout: 10_000 });
      } catch (err) {
        const detail = err?.message ?? String(err);
        throw new Error(
          `the SDK could not connect to ${server.url} with ${wsImpl} (subprotocol 'mcp' offered): ${detail}\n` +
            `  mcp-server stderr:\n${server.stderr() || '(empty)'}`,
        );
      }
      connectErrors = clientErrors;
    } catch (err) {
      setupError = err; // reported by each test (a failing `before` only cancels them)
    }
  });

  after(async () => {
    try {
      if (client) await client.close();
    } catch {
      // closing a half-open client is best effort
    }
    await stopProcess(server);
    await stopProcess(mock);
    server = null;
    mock = null;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    if (setupError) throw setupError;
    await admin('POST', '/_mock/reset', {});
    clientErrors = [];
    frames = [];
  });

  test('1. connect: handshake with subprotocol mcp, serverInfo, tools capability', async () => {
    assert.equal(sockets.length, 1, `the SDK opened ${sockets.length} sockets`);
    const [ws] = sockets;
    assert.equal(ws.protocol, 'mcp', `the server selected subprotocol ${JSON.stringify(ws.protocol)}, not 'mcp'`);
    assert.equal(ws.readyState, 1, 'the socket is open');

    const info = client.getServerVersion();
    assert.ok(info, 'no serverInfo after initialize');
    assert.equal(info.name, SERVER_NAME);
    assert.equal(typeof info.version, 'string');
    assert.ok(info.version.length > 0, 'serverInfo.version is empty');

    const caps = client.getServerCapabilities();
    assert.ok(caps && typeof caps.tools === 'object', `no tools capability: ${JSON.stringify(caps)}`);

    assert.deepEqual(await client.ping(), {}, 'ping answers {}');
    assert.deepEqual(connectErrors.map((e) => String(e?.message ?? e)), [], 'the SDK reported errors while connecting');
    assertNoClientErrors();
  });

  test('2. listTools: exactly the four tools, each with an object inputSchema', async () => {
    const { tools } = await client.listTools();
    assert.ok(Array.isArray(tools));
    assert.deepEqual(tools.map((t) => t.name).sort(), TOOL_NAMES);
    const args = {
      search_patients_by_disease: ['disease_keyword'],
      get_patient_summary: ['patient_id'],
      generate_summary: ['patient_id'],
      update_patient_summary: ['patient_id', 'summary'],
    };
    for (const t of tools) {
      assert.equal(t.inputSchema?.type, 'object', `${t.name} inputSchema: ${JSON.stringify(t.inputSchema)}`);
      assert.equal(typeof t.description, 'string', `${t.name} has no description`);
      assert.ok(t.description.length > 0);
      for (const a of args[t.name]) {
        assert.ok(t.inputSchema.properties && a in t.inputSchema.properties, `${t.name} lacks property '${a}'`);
        assert.ok(Array.isArray(t.inputSchema.required) && t.inputSchema.required.includes(a), `${t.name}: '${a}' is not required`);
      }
    }
    const gen = tools.find((t) => t.name === 'generate_summary');
    assert.ok('save' in gen.inputSchema.properties, 'generate_summary lacks the optional save property');
    assert.ok(!gen.inputSchema.required.includes('save'), "generate_summary: 'save' must be optional");
    assertNoClientErrors();
  });

  test('3. generate_summary streams one progress notification per token; text matches result and mock', async () => {
    const { name } = patient('1');
    const progress = [];
    const res = await callTool('generate_summary', { patient_id: '1' }, {
      onprogress: (p) => progress.push(p),
      resetTimeoutOnProgress: true,
      timeout: 30_000,
    });
    assert.notEqual(res.isError, true, `generate_summary failed: ${JSON.stringify(res)}`);
    const text = resultText(res, 'generate_summary');
    const m = GENERATED_RE.exec(text);
    assert.ok(m, `result text does not have the shape 'Generated Summary for <name> (ID: 1):\\n\\n<summary>': ${JSON.stringify(text)}`);
    assert.equal(m[1], name);
    assert.equal(m[2], '1');
    const summary = m[3];
    assert.ok(summary.length > 0, 'empty summary');

    const reqs = await settledRequests();
    assert.equal(reqs.length, 1, `mock logged ${reqs.length} requests`);
    const [r] = reqs;
    assert.ok(r.prompt.includes(`Name: ${name}`), `the prompt does not name the patient: ${r.prompt}`);
    assert.equal(r.outcome, 'completed');
    assert.equal(r.token_count, 30);

    const tokens = r.tokens.map((t) => t.text);
    const { id, wire } = checkProgress(tokens, progress);
    assert.ok(progress.length > 0, 'onprogress was never called');
    const streamed = wire.map((p) => p.message).join('');
    assert.equal(streamed.trim(), summary, 'the streamed tokens, trimmed, are the summary in the result');
    assert.equal(summary, r.text.trim(), 'the summary is what the mock emitted, trimmed');
    assert.ok(streamed.startsWith(progress.map((p) => p.message).join('')), 'onprogress messages are the start of the stream');

    // Not saved without save: true.
    assert.equal(summaryRow('1')?.summary, '', 'generate_summary without save must not save');
    assertNoClientErrors((e) => lateProgress(e)?.progressToken === id);
  });

  test('4. search_patients_by_disease finds real patients; unknown id is a tool error', async () => {
    const all = patients();
    const withHistory = all.find((p) => p.medical_history && !/^no significant history$/i.test(p.medical_history));
    assert.ok(withHistory, 'no patient with a medical history in patients_data.csv');
    const keyword = withHistory.medical_history.split(',')[0].trim();
    const lower = keyword.toLowerCase();
    const mentions = (p) => {
      const visits = JSON.parse(p.visit_history || '[]');
      return [p.current_symptoms, p.medical_history, p.current_medications, ...visits.flatMap((v) => [v.reason, v.notes])]
        .some((f) => typeof f === 'string' && f.toLowerCase().includes(lower));
    };
    const expected = Math.min(5, all.filter(mentions).length);

    const res = await callTool('search_patients_by_disease', { disease_keyword: keyword });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    const text = resultText(res, 'search_patients_by_disease');
    const [head, blank, ...lines] = text.split('\n');
    assert.equal(head, `Found ${expected} patients matching '${keyword}':`, `search text: ${JSON.stringify(text)}`);
    assert.equal(blank, '');
    assert.equal(lines.length, expected);
    const byId = new Map(all.map((p) => [p.patient_id, p]));
    for (const [i, line] of lines.entries()) {
      const lm = /^(\d+)\. ID: (\S+) \| Name: (.*) \| Age: (\d+) \| Symptoms: (.*)$/.exec(line);
      assert.ok(lm, `line ${i + 1} has the wrong shape: ${JSON.stringify(line)}`);
      assert.equal(Number(lm[1]), i + 1);
      const p = byId.get(lm[2]);
      assert.ok(p, `listed ${lm[2]} is not a patient`);
      assert.equal(lm[3], p.name);
      assert.equal(lm[4], p.age);
      assert.equal(lm[5], codePoints(p.current_symptoms).slice(0, 40).join(''), 'first 40 characters of the symptoms');
      assert.ok(mentions(p), `${p.patient_id} does not mention '${keyword}'`);
    }
    assert.ok(lines.some((l) => l.includes(`ID: ${withHistory.patient_id} `)) || expected === 5,
      `${withHistory.patient_id} (history '${withHistory.medical_history}') is missing`);

    const none = await callTool('search_patients_by_disease', { disease_keyword: 'zzqxnotadisease' });
    assert.notEqual(none.isError, true);
    assert.match(resultText(none, 'search (no hit)'), /^No patients found matching 'zzqxnotadisease'\./);

    const missing = await callTool('get_patient_summary', { patient_id: 'P99999' });
    assert.equal(missing.isError, true, `unknown id must be a tool error: ${JSON.stringify(missing)}`);
    const why = resultText(missing, 'get_patient_summary (unknown id)');
    assert.ok(why.includes('P99999') && !why.includes('\n'), `expected a one-line cause naming the id: ${JSON.stringify(why)}`);
    assertNoClientErrors();
  });

  test('5. update_patient_summary with quotes, commas, a newline and emoji; get_patient_summary returns it exactly', async () => {
    const { name } = patient('5');
    const summary = 'She said "no more, thanks", then left,\nfeeling better 🩺👍 — café, "ok"';
    const res = await callTool('update_patient_summary', { patient_id: '5', summary });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    assert.equal(
      resultText(res, 'update_patient_summary'),
      `✓ Summary for Patient ID 5 (${name}) has been saved.\n\nSummary (${codePoints(summary).length} characters):\n${summary}`,
    );

    const got = await callTool('get_patient_summary', { patient_id: '5' });
    assert.notEqual(got.isError, true, JSON.stringify(got));
    assert.equal(resultText(got, 'get_patient_summary'), `Patient ID: 5\nName: ${name}\n\nSummary:\n${summary}`);

    const row = summaryRow('5');
    assert.ok(row, '5 has no row in patient_summaries.csv');
    assert.equal(row.name, name);
    assert.equal(row.summary, summary, 'patient_summaries.csv holds the summary exactly');
    assertNoClientErrors();
  });

  test('6. generate_summary with save: true writes the summary to patient_summaries.csv', async () => {
    const { name } = patient('2');
    assert.equal(summaryRow('2')?.summary, '', '2 starts without a summary');
    const progress = [];
    const res = await callTool('generate_summary', { patient_id: '2', save: true }, {
      onprogress: (p) => progress.push(p),
      timeout: 30_000,
    });
    assert.notEqual(res.isError, true, JSON.stringify(res));
    const m = GENERATED_RE.exec(resultText(res, 'generate_summary'));
    assert.ok(m, 'result text shape');
    assert.equal(m[1], name);
    assert.equal(m[2], '2');
    const summary = m[3];
    assert.ok(summary.length > 0);
    const [r] = await settledRequests();
    const { id, wire } = checkProgress(r.tokens.map((t) => t.text), progress);
    assert.equal(wire.length, 30, 'one progress notification per token (--tokens 30)');
    assert.equal(wire.map((p) => p.message).join('').trim(), summary);

    const row = summaryRow('2');
    assert.ok(row, '2 has no row in patient_summaries.csv');
    assert.equal(row.name, name);
    assert.equal(row.summary, summary, 'the saved summary is the one returned');

    const got = await callTool('get_patient_summary', { patient_id: '2' });
    assert.equal(resultText(got, 'get_patient_summary'), `Patient ID: 2\nName: ${name}\n\nSummary:\n${summary}`);
    assertNoClientErrors((e) => lateProgress(e)?.progressToken === id);
  });

  test('7. AbortSignal mid-stream: the call rejects, the upstream request is closed, nothing is saved', async () => {
    const { name } = patient('3');
    assert.equal(summaryRow('3')?.summary, '', '3 starts without a summary');
    // Slow this one generation down so the abort surely lands mid-stream: 1 token/s scaled by
    // --time-scale 0.05 = 50 ms per token; 400 tokens = ~20 s if nothing stopped it.
    await admin('POST', '/_mock/config', { rules: [{ match: `Name: ${name}`, tps: 1, tokens: 400, count: 1 }] });

    const controller = new AbortController();
    const seen = [];
    const t0 = Date.now();
    const call = callTool('generate_summary', { patient_id: '3', save: true }, {
      signal: controller.signal,
      onprogress: (p) => {
        seen.push(p);
        if (seen.length === 3) controller.abort('cancelled by the test');
      },
      timeout: 30_000,
    });
    await assert.rejects(call, (err) => {
      assert.match(String(err?.message), /cancelled by the test/);
      return true;
    });
    assert.ok(seen.length >= 3, `only ${seen.length} progress notifications before the abort`);
    assert.ok(Date.now() - t0 < 5000, 'the call did not reject promptly');

    // The server must drop its upstream request: the mock logs it as client_closed.
    const deadline = Date.now() + 5000;
    let reqs = await mockRequests();
    while (reqs.some((r) => r.outcome === 'in_progress') && Date.now() < deadline) {
      await sleep(50);
      reqs = await mockRequests();
    }
    assert.equal(reqs.length, 1, `mock logged ${reqs.length} requests`);
    const [r] = reqs;
    assert.ok(r.prompt.includes(`Name: ${name}`));
    assert.equal(r.outcome, 'client_closed', `upstream request still '${r.outcome}' 5 s after the cancel`);
    assert.ok(r.token_count >= 3 && r.token_count < 400, `token_count ${r.token_count}`);

    // No response for the cancelled request (MCP: the receiver SHOULD NOT answer it); progress
    // notifications that crossed the cancellation on the wire are fine.
    await sleep(300);
    const tokens = new Set(frames.filter((f) => f.method === 'notifications/progress').map((f) => f.params.progressToken));
    assert.equal(tokens.size, 1, `progress for one call expected: ${frameTrace()}`);
    const [id] = tokens;
    assert.deepEqual(frames.filter((f) => f.id === id), [], `the server answered the cancelled request ${id}: ${frameTrace()}`);
    assertNoClientErrors((e) => lateProgress(e)?.progressToken === id);

    assert.equal(summaryRow('3')?.summary, '', 'nothing may be saved for a cancelled call');
    const got = await callTool('get_patient_summary', { patient_id: '3' });
    assert.equal(
      resultText(got, 'get_patient_summary'),
      `Patient ID: 3\nName: ${name}\n\nStatus: No summary yet. Use generate_summary to create one.`,
    );
    // The connection stays usable.
    assert.deepEqual(await client.ping(), {});
  });
});
