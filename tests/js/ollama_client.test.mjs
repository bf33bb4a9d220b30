// Runs the official Ollama JavaScript client (npm package `ollama`) against mock-ollama.
//
// The test starts its own mock (MOCK_OLLAMA_BIN, default ../../build/mock_ollama/mock-ollama
// next to this file) on an ephemeral port, points `new Ollama({host})` at it and checks what
// the client hands back against what the mock says it emitted (GET /_mock/requests).
//
//   cd tests/js && npm ci && node --test ollama_client.test.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { mockAdmin, sleep } from './mock_admin.mjs';
import { MOCK_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
const MOCK_ARGS = ['--port', '0', '--time-scale', '0.05', '--seed', '7'];
const PROMPT = 'Summarise the discharge letter in two sentences.';
// RFC 3339 in UTC with up to nanosecond precision (Go trims trailing zeros, the mock keeps 9).
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

let mock = null; // { child, url, stderr() }
let ollama = null;
let setupError = null; // why the client or the mock could not be set up; fails every test

// ---- helpers ---------------------------------------------------------------------------------

async function loadClient() {
  try {
    return await import('ollama');
  } catch (err) {
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND')) {
      throw new Error(
        `the 'ollama' npm package is not installed in ${path.join(HERE, 'node_modules')}: ` +
          `run npm ci in tests/js (${err.message})`,
      );
    }
    throw err;
  }
}

const startMock = () => startProcess('mock-ollama', MOCK_BIN, MOCK_ARGS, MOCK_READY_RE, 'MOCK_OLLAMA_BIN', 'mock-ollama');

async function stopMock() {
  const m = mock;
  mock = null;
  await stopProcess(m);
}

// Last resort if the runner dies without running the `after` hook.
process.on('exit', () => {
  if (mock && mock.child.exitCode === null) mock.child.kill('SIGKILL');
});

const { admin, mockRequests, settledRequests } = mockAdmin(() => mock.url);
const mockStats = () => admin('GET', '/_mock/stats');

// Iterates a client stream; returns { parts, error } (error is what the iteration threw, if any).
async function drain(stream, onPart) {
  const parts = [];
  try {
    for await (const part of stream) {
      parts.push(part);
      if (onPart) onPart(part, parts.length);
    }
  } catch (error) {
    return { parts, error };
  }
  return { parts, error: null };
}

// The mock answers with the canonical name ('phi:latest'); real Ollama echoes the requested
// name ('phi'). Either names the model that was asked for.
function assertModel(actual, requested) {
  assert.ok(
    actual === requested || actual === `${requested}:latest`,
    `model field ${JSON.stringify(actual)} does not name the requested model ${JSON.stringify(requested)}`,
  );
}

function assertFinalMetrics(last, tokenCount) {
  assert.equal(last.done, true);
  assert.equal(last.eval_count, tokenCount, 'eval_count must equal the number of tokens streamed');
  for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration', 'prompt_eval_count']) {
    assert.equal(typeof last[k], 'number', `final chunk lacks ${k}`);
    assert.ok(last[k] > 0, `${k} must be > 0, got ${last[k]}`);
  }
  assert.ok(last.total_duration >= last.eval_duration, 'total_duration must cover eval_duration');
}

function norm(v) {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

// ---- tests -----------------------------------------------------------------------------------

describe('ollama-js client against mock-ollama', () => {
  before(async () => {
    try {
      const { Ollama } = await loadClient();
      mock = await startMock();
      ollama = new Ollama({ host: mock.url });
    } catch (err) {
      setupError = err; // reported by each test (a failing `before` only cancels them)
    }
  });

  after(async () => {
    await stopMock();
  });

  beforeEach(async () => {
    if (setupError) throw setupError;
    await admin('POST', '/_mock/reset', {});
  });

  let streamedText = null; // from test 1, reused by test 2

  test('1. generate streaming: parts, final metrics and text match what the mock emitted', async () => {
    const stream = await ollama.generate({ model: 'phi', prompt: PROMPT, stream: true, options: { seed: 7 } });
    const { parts, error } = await drain(stream);
    assert.equal(error, null, `stream threw: ${error}`);
    assert.ok(parts.length >= 2, `expected tokens and a final part, got ${parts.length} parts`);

    for (const [i, p] of parts.entries()) {
      for (const k of ['model', 'created_at', 'response', 'done']) {
        assert.ok(k in p, `part ${i} lacks '${k}': ${JSON.stringify(p)}`);
      }
      assertModel(p.model, 'phi');
      assert.match(p.created_at, RFC3339_UTC, `part ${i} created_at`);
      assert.equal(typeof p.response, 'string');
      assert.equal(p.done, i === parts.length - 1, `only the last part may be done (part ${i})`);
    }
    const last = parts.at(-1);
    const tokens = parts.slice(0, -1);
    assert.equal(last.done_reason, 'stop');
    assert.equal(last.response, '');
    assertFinalMetrics(last, tokens.length);
    assert.ok(Array.isArray(last.context) && last.context.length > 0, 'generate final part carries context');

    const text = tokens.map((p) => p.response).join('');
    assert.ok(text.length > 0, 'streamed text is empty');

    const reqs = await settledRequests();
    assert.equal(reqs.length, 1, `mock logged ${reqs.length} requests`);
    const [r] = reqs;
    assert.equal(r.endpoint, 'generate');
    assert.equal(r.prompt, PROMPT);
    assert.equal(r.stream, true);
    assert.equal(r.outcome, 'completed');
    assert.equal(r.done_reason, 'stop');
    assert.equal(r.token_count, tokens.length);
    assert.equal(text, r.text, 'client text differs from what the mock says it emitted');
    assert.deepEqual(tokens.map((p) => p.response), r.tokens.map((t) => t.text));
    streamedText = text;
  });

  test('2. generate non-streaming gives the same text as streaming (same prompt, seed 7)', async () => {
    const streamed = await drain(await ollama.generate({ model: 'phi', prompt: PROMPT, stream: true, options: { seed: 7 } }));
    assert.equal(streamed.error, null);
    const streamText = streamed.parts.slice(0, -1).map((p) => p.response).join('');

    const res = await ollama.generate({ model: 'phi', prompt: PROMPT, stream: false, options: { seed: 7 } });
    assertModel(res.model, 'phi');
    assert.match(res.created_at, RFC3339_UTC);
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'stop');
    assert.ok(res.response.length > 0);
    assert.equal(res.response, streamText, 'non-streaming text differs from streamed text');
    if (streamedText !== null) assert.equal(res.response, streamedText, 'text differs from test 1 (not deterministic)');
    assertFinalMetrics(res, streamed.parts.length - 1);

    const reqs = await mockRequests();
    assert.equal(reqs.length, 2);
    assert.equal(reqs[1].stream, false);
    assert.equal(reqs[1].text, res.response);
  });

  test('3. chat streaming and non-streaming', async () => {
    const messages = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What does the letter say about medication?' },
    ];
    const { parts, error } = await drain(await ollama.chat({ model: 'llama3.2', messages, stream: true, options: { seed: 7 } }));
    assert.equal(error, null, `stream threw: ${error}`);
    assert.ok(parts.length >= 2);
    for (const [i, p] of parts.entries()) {
      assertModel(p.model, 'llama3.2');
      assert.match(p.created_at, RFC3339_UTC);
      assert.equal(p.message?.role, 'assistant', `part ${i} role`);
      assert.equal(typeof p.message.content, 'string');
      assert.equal(p.done, i === parts.length - 1);
    }
    const last = parts.at(-1);
    assert.equal(last.done_reason, 'stop');
    assert.equal(last.message.content, '');
    assert.ok(!('context' in last), 'chat final part must not carry context');
    assertFinalMetrics(last, parts.length - 1);
    const text = parts.slice(0, -1).map((p) => p.message.content).join('');
    assert.ok(text.length > 0);

    const res = await ollama.chat({ model: 'llama3.2', messages, stream: false, options: { seed: 7 } });
    assertModel(res.model, 'llama3.2');
    assert.equal(res.done, true);
    assert.equal(res.done_reason, 'stop');
    assert.equal(res.message.role, 'assistant');
    assert.equal(res.message.content, text, 'non-streaming chat differs from streamed chat');
    assertFinalMetrics(res, parts.length - 1);

    const reqs = await mockRequests();
    assert.equal(reqs.length, 2);
    assert.deepEqual(reqs.map((r) => r.endpoint), ['chat', 'chat']);
    assert.equal(reqs[0].text, text);
    assert.equal(reqs[1].text, text);
  });

  test('4. num_predict: 5 gives exactly 5 tokens and done_reason length', async () => {
    const { parts, error } = await drain(
      await ollama.generate({ model: 'mistral', prompt: PROMPT, stream: true, options: { seed: 7, num_predict: 5 } }),
    );
    assert.equal(error, null);
    assert.equal(parts.length, 6, `expected 5 token parts + 1 final part, got ${parts.length}`);
    const last = parts.at(-1);
    assert.equal(last.done_reason, 'length');
    assert.equal(last.eval_count, 5);

    const res = await ollama.generate({ model: 'mistral', prompt: PROMPT, stream: false, options: { seed: 7, num_predict: 5 } });
    assert.equal(res.done_reason, 'length');
    assert.equal(res.eval_count, 5);
    assert.equal(res.response, parts.slice(0, -1).map((p) => p.response).join(''));

    const reqs = await settledRequests();
    assert.deepEqual(reqs.map((r) => r.token_count), [5, 5]);
    assert.deepEqual(reqs.map((r) => r.done_reason), ['length', 'length']);
  });

  test('5. list, show, ps, version', async () => {
    const list = await ollama.list();
    assert.ok(Array.isArray(list.models));
    const names = list.models.map((m) => m.name).sort();
    assert.deepEqual(names, ['llama3.2:latest', 'mistral:latest', 'phi:latest', 'qwen3:latest']);
    for (const m of list.models) {
      assert.equal(typeof m.size, 'number');
      assert.ok(m.size > 0, `${m.name} size`);
      assert.match(m.digest, /^[0-9a-f]{64}$/, `${m.name} digest`);
      assert.equal(typeof m.details?.family, 'string', `${m.name} details.family`);
      assert.ok(m.details.family.length > 0);
      assert.ok(!Number.isNaN(Date.parse(m.modified_at)), `${m.name} modified_at`);
    }

    const show = await ollama.show({ model: 'phi' });
    assert.equal(typeof show.modelfile, 'string');
    assert.ok(show.modelfile.includes('FROM'), `modelfile: ${show.modelfile}`);
    assert.equal(typeof show.details?.family, 'string');
    assert.equal(show.details.family, list.models.find((m) => m.name === 'phi:latest').details.family);
    assert.equal(typeof show.template, 'string');

    await assert.rejects(ollama.show({ model: 'nope' }), (err) => {
      assert.equal(err.status_code, 404);
      return true;
    });

    // Nothing is loaded after a reset; a generation loads its model.
    assert.deepEqual((await ollama.ps()).models, []);
    await ollama.generate({ model: 'phi', prompt: 'hi', stream: false, options: { num_predict: 1 } });
    const ps = await ollama.ps();
    assert.deepEqual(ps.models.map((m) => m.name), ['phi:latest']);
    assert.ok(ps.models[0].size_vram > 0);
    assert.ok(!Number.isNaN(Date.parse(ps.models[0].expires_at)), 'ps expires_at');

    assert.equal(typeof ollama.version, 'function', 'this client version has version()');
    const v = await ollama.version();
    assert.match(v.version, /^\d+\.\d+\.\d+/);
  });

  test('6. embed and legacy embeddings', async () => {
    const res = await ollama.embed({ model: 'phi', input: ['a b', 'a b', 'zzz'] });
    assertModel(res.model, 'phi');
    assert.equal(res.embeddings.length, 3);
    const [a, b, c] = res.embeddings;
    assert.ok(a.length > 0);
    assert.ok(res.embeddings.every((v) => v.length === a.length), 'all vectors have one dimension');
    assert.deepEqual(a, b, 'equal inputs must give equal vectors');
    assert.notDeepEqual(a, c, 'different inputs must give different vectors');
    for (const [i, v] of res.embeddings.entries()) {
      assert.ok(v.every(Number.isFinite), `vector ${i} has non-finite values`);
      assert.ok(Math.abs(norm(v) - 1) <= 1e-3, `vector ${i} has length ${norm(v)}`);
    }

    const again = await ollama.embed({ model: 'phi', input: 'a b' });
    assert.deepEqual(again.embeddings, [a], 'a string input embeds like the same array element');

    assert.equal(typeof ollama.embeddings, 'function', 'this client version has embeddings()');
    const legacy = await ollama.embeddings({ model: 'phi', prompt: 'a b' });
    assert.equal(legacy.embedding.length, a.length);
    for (let i = 0; i < a.length; i++) {
      assert.ok(Math.abs(legacy.embedding[i] - a[i]) <= 1e-6, `legacy embedding differs at ${i}`);
    }
  });

  test("7. unknown model rejects with ResponseError 404 model 'nope' not found", async () => {
    const check = (err) => {
      assert.equal(err.name, 'ResponseError');
      assert.equal(err.status_code, 404);
      assert.match(err.message, /model 'nope' not found/);
      assert.equal(err.error, err.message);
      return true;
    };
    await assert.rejects(ollama.generate({ model: 'nope', prompt: 'x', stream: false }), check);
    await assert.rejects(ollama.generate({ model: 'nope', prompt: 'x', stream: true }), check);
    await assert.rejects(ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }), check);
    // Rejected before any generation: counted as bad requests, not logged as generations.
    const stats = await mockStats();
    assert.equal(stats.bad_requests, 3);
    assert.equal(stats.generations, 0);
  });

  test('8. a mid-stream error line makes the iteration throw after 2 parts; the next request works', async () => {
    await admin('POST', '/_mock/config', { fault: 'error_line:after=2,message=boom', fault_count: 1 });
    const stream = await ollama.generate({ model: 'phi', prompt: PROMPT, stream: true, options: { seed: 7 } });
    const { parts, error } = await drain(stream);
    assert.ok(error, `the stream did not throw (got ${parts.length} parts)`);
    assert.match(String(error.message), /boom/);
    assert.equal(parts.length, 2, 'expected exactly 2 parts before the error');
    assert.ok(parts.every((p) => p.done === false && typeof p.response === 'string'));

    const stats = await mockStats();
    assert.equal(stats.faults.error_line, 1);

    // fault_count 1: the next request is clean.
    const ok = await drain(await ollama.generate({ model: 'phi', prompt: PROMPT, stream: true, options: { seed: 7 } }));
    assert.equal(ok.error, null, `request after the fault failed: ${ok.error}`);
    assert.equal(ok.parts.at(-1).done, true);
    assert.equal(ok.parts.at(-1).done_reason, 'stop');
    const okText = ok.parts.slice(0, -1).map((p) => p.response).join('');
    // The faulted stream emitted the same first tokens before the error.
    assert.ok(okText.startsWith(parts.map((p) => p.response).join('')));
    assert.equal((await mockStats()).faults.error_line, 1);
  });

  test('9. abort() mid-stream rejects with AbortError and the mock sees the client go', async () => {
    // Slow pacing so the stream is surely still running when the abort lands
    // (1 token/s scaled by --time-scale 0.05 = 50 ms per token, 200 tokens = ~10 s).
    const stream = await ollama.generate({
      model: 'phi',
      prompt: PROMPT,
      stream: true,
      options: { seed: 7, num_predict: 200, mock_tps: 1, mock_tokens: 200 },
    });
    const t0 = Date.now();
    const { parts, error } = await drain(stream, (_part, n) => {
      if (n === 3) stream.abort();
    });
    assert.ok(error, `iteration did not throw after abort() (got ${parts.length} parts)`);
    assert.equal(error.name, 'AbortError', `expected an AbortError, got ${error.name}: ${error.message}`);
    assert.equal(parts.length, 3);
    assert.ok(Date.now() - t0 < 5000, 'abort did not end the iteration promptly');

    let stats = await mockStats();
    const deadline = Date.now() + 5000;
    while ((stats.active_streams !== 0 || stats.clients_gone < 1) && Date.now() < deadline) {
      await sleep(50);
      stats = await mockStats();
    }
    assert.equal(stats.active_streams, 0, `active_streams still ${stats.active_streams} after 5 s`);
    assert.ok(stats.clients_gone >= 1, `clients_gone is ${stats.clients_gone}`);

    const [r] = await settledRequests();
    assert.notEqual(r.outcome, 'in_progress');
    assert.notEqual(r.outcome, 'completed', 'the aborted stream must not be logged as completed');
    assert.ok(r.token_count >= 3 && r.token_count < 200, `token_count ${r.token_count}`);

    // The client is still usable.
    const res = await ollama.generate({ model: 'phi', prompt: 'hi', stream: false, options: { num_predict: 2 } });
    assert.equal(res.eval_count, 2);
  });
});
