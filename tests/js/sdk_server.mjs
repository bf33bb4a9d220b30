#!/usr/bin/env node
// A reference MCP server built on the official TypeScript SDK (@modelcontextprotocol/sdk):
// the same four tools as mcp-server over the same data files, generating through Ollama (or
// mock-ollama). It is test equipment: the JS client tests and scripts/conformance.sh run
// against it to prove that they pass on a server everyone agrees is right, and fail on its
// --buffer-tokens variant. See README.md in this folder.
//
//   node sdk_server.mjs --transport http --port 0 --data-dir DIR --ollama-url URL
//   node sdk_server.mjs --transport stdio --data-dir DIR --ollama-url URL
//
// Over HTTP it prints `sdk-server listening on http://127.0.0.1:PORT/mcp` once ready.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from 'node:util';

import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  isInitializeRequest,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';

import { parseCsv, writeCsv } from './csv.mjs';

const { values: opt } = parseArgs({
  options: {
    transport: { type: 'string', default: 'http' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string', default: '.' },
    'ollama-url': { type: 'string', default: 'http://127.0.0.1:11434' },
    model: { type: 'string', default: 'phi' },
    // Seconds without a byte from Ollama before a call fails, as mcp-server's --ollama-timeout
    // (the checklist's upstream_stall scenario waits it out; scaled runs give a smaller one).
    'ollama-timeout': { type: 'string', default: '120' },
    // Broken on purpose: hold every token until generation ends, then send them all at once.
    'buffer-tokens': { type: 'boolean', default: false },
  },
});
const log = (line) => process.stderr.write(`sdk-server: ${line}\n`);

// ---- data: the same two CSV files mcp-server reads and writes ------------------------------

const patientsFile = path.join(opt['data-dir'], 'patients_data.csv');
const summariesFile = path.join(opt['data-dir'], 'patient_summaries.csv');
const patients = new Map(parseCsv(fs.readFileSync(patientsFile, 'utf8')).map((p) => [p.patient_id, p]));
const summaries = new Map(
  fs.existsSync(summariesFile)
    ? parseCsv(fs.readFileSync(summariesFile, 'utf8')).map((r) => [r.patient_id, r.summary])
    : [],
);

// Several processes of this server (one per stdio client) may share the folder: each save
// holds a lock (a directory: mkdir is atomic), re-reads the file others may have written, and
// replaces it whole. Node has no flock; a lock left by a killed process is taken after 5 s.
const lockDir = `${summariesFile}.sdk-lock`;
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
function withLock(fn) {
  for (let waited = 0; ; waited += 2) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (waited > 5000) fs.rmSync(lockDir, { recursive: true, force: true });
      pause(2);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmdirSync(lockDir);
  }
}

function reloadSummaries() {
  if (!fs.existsSync(summariesFile)) return;
  for (const r of parseCsv(fs.readFileSync(summariesFile, 'utf8'))) summaries.set(r.patient_id, r.summary);
}

function saveSummary(id, summary) {
  withLock(() => {
    reloadSummaries();
    summaries.set(id, summary);
    const rows = [...patients.values()].map((p) => [p.patient_id, p.name, summaries.get(p.patient_id) ?? '']);
    const tmp = `${summariesFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, writeCsv(['patient_id', 'name', 'summary'], rows));
    fs.renameSync(tmp, summariesFile); // readers see the old file or the new one, never half
  });
}

// ---- the four tools (names, schemas and texts as core/src/mcp/tools.cpp) --------------------

const patientId = { type: 'string', description: "Patient ID, e.g. '25'." };
const TOOLS = [
  {
    name: 'search_patients_by_disease',
    title: 'Search patients by disease',
    description:
      "Find patients by a disease, symptom or condition keyword (for example 'diabetes', 'chest pain' or " +
      "'asthma'). Lists the 5 most relevant patients with ID, name, age and symptoms.",
    inputSchema: {
      type: 'object',
      properties: { disease_keyword: { type: 'string', description: "Disease, symptom or condition to look for, e.g. 'hypertension'." } },
      required: ['disease_keyword'],
    },
  },
  {
    name: 'get_patient_summary',
    title: 'Get patient summary',
    description: "Get the saved clinical summary of one patient by ID (for example '25'), or say that none has been generated yet.",
    inputSchema: { type: 'object', properties: { patient_id: patientId }, required: ['patient_id'] },
  },
  {
    name: 'generate_summary',
    title: 'Generate patient summary',
    description:
      'Write a concise clinical summary of one patient with the local LLM (Ollama), streamed while it is generated. ' +
      "With save: true the finished summary is stored as the patient's summary.",
    inputSchema: {
      type: 'object',
      properties: {
        patient_id: patientId,
        save: { type: 'boolean', description: 'Store the finished summary for the patient (default false).', default: false },
        stream: { type: 'boolean', description: 'Ask the LLM for a token stream (default true).', default: true },
      },
      required: ['patient_id'],
    },
  },
  {
    name: 'update_patient_summary',
    title: 'Update patient summary',
    description: 'Store a summary text for one patient, replacing any previous summary.',
    inputSchema: {
      type: 'object',
      properties: { patient_id: patientId, summary: { type: 'string', description: 'The summary text to store.' } },
      required: ['patient_id', 'summary'],
    },
  },
];

const text = (t, isError = false) => ({ content: [{ type: 'text', text: t }], isError });
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();

// 3 whole word, 2 word start, 1 inside a word, 0 absent (the ranking of core/src/patients/search.cpp,
// without its finer points).
function quality(field, keyword) {
  const hay = fold(field);
  let best = 0;
  for (let at = hay.indexOf(keyword); at >= 0; at = hay.indexOf(keyword, at + 1)) {
    const left = at === 0 || !/[a-z0-9]/.test(hay[at - 1]);
    const end = at + keyword.length;
    const right = end === hay.length || !/[a-z0-9]/.test(hay[end]);
    best = Math.max(best, left ? (right ? 3 : 2) : 1);
  }
  return best;
}

function search(keyword) {
  const k = fold(keyword);
  const visits = (p) => JSON.parse(p.visit_history || '[]').map((v) => `${v.reason ?? ''} ${v.notes ?? ''}`).join(' ');
  const hits = !/[a-z0-9]/.test(k)
    ? []
    : [...patients.values()]
        .map((p) => ({ p, score: 8 * quality(p.current_symptoms, k) + 4 * quality(p.medical_history, k) + 2 * quality(p.current_medications, k) + quality(visits(p), k) }))
        .filter((h) => h.score > 0)
        .sort((a, b) => b.score - a.score || a.p.patient_id.localeCompare(b.p.patient_id, 'en', { numeric: true }))
        .slice(0, 5);
  if (hits.length === 0) return `No patients found matching '${keyword}'. Try another symptom or condition.`;
  const lines = hits.map(
    ({ p }, i) => `${i + 1}. ID: ${p.patient_id} | Name: ${p.name} | Age: ${p.age} | Symptoms: ${[...p.current_symptoms].slice(0, 40).join('')}`,
  );
  return `Found ${hits.length} patients matching '${keyword}':\n\n${lines.join('\n')}`;
}

function prompt(p) {
  const visits = JSON.parse(p.visit_history || '[]').slice(-5).map((v) => `${v.date ?? 'undated'}: ${v.reason ?? ''}`);
  return [
    'Write a concise clinical summary (3-5 sentences) of this patient for a physician.',
    `Name: ${p.name}`,
    `Age: ${p.age}`,
    `Gender: ${p.gender}`,
    `Current symptoms: ${p.current_symptoms}`,
    `Blood pressure: ${p.current_bp} mmHg`,
    `Blood sugar: ${p.current_sugar} mg/dL`,
    `Risk score: ${Number(p.risk_score).toFixed(1)}/10`,
    `Medical history: ${p.medical_history}`,
    `Current medications: ${p.current_medications}`,
    `Recent visits: ${visits.length ? visits.join('; ') : 'none recorded'}`,
  ].join('\n');
}

// Streams /api/generate and calls onToken(text) for each NDJSON line's `response` as it
// arrives; resolves with the whole text. `signal` (the call's cancellation) aborts the upstream
// request, so Ollama stops generating.
async function generate(p, stream, callSignal, onToken) {
  // The call's cancellation, or Ollama silent for --ollama-timeout seconds: either aborts.
  const timeoutS = Number(opt['ollama-timeout']);
  const silence = new AbortController();
  let tokens = 0;
  let timer;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => silence.abort(new Error(`Ollama sent nothing for ${timeoutS} s after ${tokens} tokens; request abandoned`)), timeoutS * 1000);
  };
  const signal = AbortSignal.any([callSignal, silence.signal]);
  watch();
  try {
    return await read(p, stream, signal, (t) => (++tokens, watch(), onToken(t)), () => watch());
  } catch (err) {
    if (silence.signal.aborted) throw silence.signal.reason;
    // undici says "terminated" when the connection closes in the middle of the body.
    if (!callSignal.aborted && err.message === 'terminated') {
      throw new Error(`Ollama closed the stream before it was done (after ${tokens} tokens)`);
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function read(p, stream, signal, onToken, onBytes) {
  const res = await fetch(`${opt['ollama-url']}/api/generate`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: opt.model, prompt: prompt(p), stream, options: {} }),
    signal,
  });
  if (res.status !== 200) throw new Error(`Ollama answered HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
  if (!stream) return (await res.json()).response ?? '';
  let whole = '';
  let pending = '';
  let done = false;
  const handle = async (line) => {
    if (!line.trim()) return;
    const obj = JSON.parse(line);
    if (obj.error) throw new Error(`Ollama error: ${obj.error}`);
    if (obj.done) done = true;
    if (obj.response) {
      whole += obj.response;
      await onToken(obj.response);
    }
  };
  const decoder = new TextDecoder();
  for await (const chunk of res.body) {
    onBytes();
    pending += decoder.decode(chunk, { stream: true });
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      await handle(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  await handle(pending);
  if (!done) throw new Error('Ollama closed the stream before it was done');
  return whole;
}

async function generateSummary(args, extra, progressToken) {
  const p = patients.get(args.patient_id);
  if (!p) return text(`Patient not found: ${args.patient_id}`, true);
  let index = 0;
  const held = [];
  const send = (token) =>
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken, progress: ++index, message: token } });
  const onToken = async (token) => {
    if (progressToken === undefined) return;
    if (opt['buffer-tokens']) held.push(token);
    else await send(token);
  };
  let summary;
  try {
    summary = (await generate(p, args.stream !== false, extra.signal, onToken)).trim();
  } catch (err) {
    if (extra.signal.aborted) log(`generate_summary ${args.patient_id} cancelled`);
    return text(extra.signal.aborted ? 'Cancelled' : `Ollama failed: ${err.message}`, true);
  }
  for (const token of held) await send(token);
  if (!summary) return text('Ollama returned an empty summary; nothing saved', true);
  if (args.save === true) saveSummary(p.patient_id, summary);
  return text(`Generated Summary for ${p.name} (ID: ${p.patient_id}):\n\n${summary}`);
}

async function callTool(request, extra) {
  const { name, arguments: args = {} } = request.params;
  const tool = TOOLS.find((t) => t.name === name);
  if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  for (const [arg, schema] of Object.entries(tool.inputSchema.properties)) {
    const v = args[arg];
    if (v === undefined || v === null) {
      if (tool.inputSchema.required.includes(arg)) {
        throw new McpError(ErrorCode.InvalidParams, `Missing required argument '${arg}' for tool '${name}'`);
      }
    } else if (typeof v !== schema.type) {
      throw new McpError(ErrorCode.InvalidParams, `Argument '${arg}' of tool '${name}' must be a ${schema.type}`);
    }
  }
  const p = patients.get(args.patient_id);
  switch (name) {
    case 'search_patients_by_disease':
      return text(search(args.disease_keyword));
    case 'get_patient_summary': {
      if (!p) return text(`Patient not found: ${args.patient_id}`, true);
      reloadSummaries(); // another process may have saved since
      const s = summaries.get(p.patient_id) ?? '';
      const body = s.trim() ? `Summary:\n${s}` : 'Status: No summary yet. Use generate_summary to create one.';
      return text(`Patient ID: ${p.patient_id}\nName: ${p.name}\n\n${body}`);
    }
    case 'generate_summary':
      return generateSummary(args, extra, request.params._meta?.progressToken);
    default: {
      if (!p) return text(`Patient not found: ${args.patient_id}`, true);
      saveSummary(p.patient_id, args.summary);
      return text(
        `\u2713 Summary for Patient ID ${p.patient_id} (${p.name}) has been saved.\n\n` +
          `Summary (${[...args.summary].length} characters):\n${args.summary}`,
      );
    }
  }
}

function newServer() {
  const server = new Server(
    { name: 'patient-summaries-sdk-reference', version: '0.1.0' },
    { capabilities: { tools: { listChanged: false } } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, callTool);
  return server;
}

// ---- transports --------------------------------------------------------------------------

// The first fetch of a Node process sets up its HTTP client; done now rather than inside the
// first call's time to first token.
await fetch(`${opt['ollama-url']}/api/version`).then((r) => r.text()).catch(() => {});

if (opt.transport === 'stdio') {
  // The SDK's stdio transport drops a line that is not JSON (it reports it to onerror only);
  // JSON-RPC asks for a -32700 answer, so lines are checked here before the SDK reads them.
  const lines = new PassThrough();
  let pending = '';
  process.stdin.on('data', (chunk) => {
    pending += chunk.toString('utf8');
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.trim()) continue;
      let code = 0;
      try {
        const v = JSON.parse(line);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) code = -32600; // not a message
      } catch {
        code = -32700;
      }
      if (code === 0) {
        lines.write(`${line}\n`);
      } else {
        const message = code === -32700 ? 'Parse error' : 'Invalid Request: not a JSON-RPC message';
        process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } })}\n`);
      }
    }
  });
  process.stdin.on('end', () => lines.end());
  await newServer().connect(new StdioServerTransport(lines, process.stdout));
  log('serving on stdio');
} else if (opt.transport === 'http') {
  const sessions = new Map(); // Mcp-Session-Id -> transport
  const httpServer = http.createServer(async (req, res) => {
    const fail = (status, message) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
    };
    if (new URL(req.url, 'http://x').pathname !== '/mcp') return fail(404, 'Not found');
    let body;
    if (req.method === 'POST') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } }));
      }
    }
    const id = req.headers['mcp-session-id'];
    let transport = id ? sessions.get(id) : undefined;
    if (id && !transport) return fail(404, 'Session not found');
    if (!transport) {
      if (req.method !== 'POST' || !isInitializeRequest(body)) return fail(400, 'Bad Request: no session');
      const port = httpServer.address().port;
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => sessions.set(sid, transport),
        enableDnsRebindingProtection: true,
        allowedHosts: [`127.0.0.1:${port}`, `localhost:${port}`],
      });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  });
  httpServer.listen(Number(opt.port), opt.host, () => {
    console.log(`sdk-server listening on http://${opt.host}:${httpServer.address().port}/mcp`);
  });
  const stop = () => httpServer.close(() => process.exit(0)) && httpServer.closeAllConnections();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  log(`--transport must be http or stdio, not '${opt.transport}'`);
  process.exit(2);
}
