// The official `openai` npm client (models.retrieve, embeddings.create, completions.create
// streaming) and the official `ollama` client (pull with progress, create/copy/delete, then
// list) against mock-ollama: the endpoints of issue 12, used the way their users use them.
//
//   cd tests/js && npm ci && node --test model_endpoints.test.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { mockAdmin } from './mock_admin.mjs';
import { MOCK_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
// 100 ms a status line at scale 0.1: a pull takes about 150 ms, long enough to see it advance.
const MOCK_ARGS = ['--port', '0', '--time-scale', '0.1', '--seed', '7', '--tokens', '12'];

let mock = null;
let openai = null;
let ollama = null;
let setupError = null;

process.on('exit', () => {
  if (mock && mock.child.exitCode === null) mock.child.kill('SIGKILL');
});

const { admin } = mockAdmin(() => mock.url);

async function names() {
  return (await ollama.list()).models.map((m) => m.name);
}

describe('openai and ollama clients on the model endpoints of mock-ollama', () => {
  before(async () => {
    try {
      const { default: OpenAI } = await import('openai');
      const { Ollama } = await import('ollama');
      mock = await startProcess('mock-ollama', MOCK_BIN, MOCK_ARGS, MOCK_READY_RE, 'MOCK_OLLAMA_BIN', 'mock-ollama');
      openai = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: 'ollama', maxRetries: 0 });
      ollama = new Ollama({ host: mock.url });
    } catch (err) {
      setupError = err; // reported by each test
    }
  });

  after(async () => {
    const m = mock;
    mock = null;
    await stopProcess(m);
  });

  beforeEach(async () => {
    if (setupError) throw setupError;
    await admin('POST', '/_mock/reset', {});
  });

  test('openai models.retrieve: a known model, and NotFoundError for an unknown one', async () => {
    const m = await openai.models.retrieve('llama3.2:latest');
    assert.deepEqual(m, { id: 'llama3.2:latest', object: 'model', created: 1717243200, owned_by: 'library' });
    await assert.rejects(openai.models.retrieve('no-such-model'), (err) => {
      assert.equal(err.status, 404);
      assert.ok(err instanceof openai.constructor.NotFoundError, `got ${err.constructor.name}`);
      assert.match(err.message, /model 'no-such-model' not found/);
      return true;
    });
  });

  test('openai embeddings.create: the vectors of /api/embed (base64, the client default, and float)', async () => {
    const input = ['Name: Ana Lima\nSymptoms: cough, fever', 'chest pain'];
    const native = await ollama.embed({ model: 'phi', input });
    const viaDefault = await openai.embeddings.create({ model: 'phi', input });
    const viaFloat = await openai.embeddings.create({ model: 'phi', input, encoding_format: 'float' });
    for (const res of [viaDefault, viaFloat]) {
      assert.equal(res.object, 'list');
      assert.equal(res.data.length, 2);
      res.data.forEach((d, i) => {
        assert.equal(d.index, i);
        assert.equal(d.embedding.length, native.embeddings[i].length);
        // float32 on the wire either way: equal to float32 precision.
        d.embedding.forEach((x, k) => assert.ok(Math.abs(x - native.embeddings[i][k]) < 1e-6, `[${i}][${k}]`));
      });
      assert.equal(res.usage.prompt_tokens, native.prompt_eval_count);
    }
  });

  test('openai completions.create streaming: text_completion chunks arrive over time, then the end', async () => {
    const stream = await openai.completions.create({ model: 'phi', prompt: 'Name: Eve', stream: true });
    let text = '';
    const arrivals = [];
    let finish = null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, 'text_completion');
      const c = chunk.choices[0];
      if (c.finish_reason) finish = c.finish_reason;
      if (c.text) {
        text += c.text;
        arrivals.push(performance.now());
      }
    }
    assert.equal(arrivals.length, 12, 'one chunk per token');
    assert.equal(finish, 'stop');
    assert.ok(arrivals.at(-1) - arrivals[0] > 5, 'tokens are paced, not sent in one burst');
    const whole = await openai.completions.create({ model: 'phi', prompt: 'Name: Eve' });
    assert.equal(whole.choices[0].text, text, 'streaming and not streaming give one text');
    assert.equal(whole.usage.completion_tokens, 12);
  });

  test('ollama pull with progress: completed advances to total, then success, and list has it', async () => {
    const events = [];
    for await (const part of await ollama.pull({ model: 'tinyllama', stream: true })) events.push(part);
    assert.equal(events[0].status, 'pulling manifest');
    assert.equal(events.at(-1).status, 'success');
    const weights = events.filter((e) => e.digest === events[1].digest);
    assert.ok(weights.length >= 5, `progress events: ${weights.length}`);
    for (let i = 1; i < weights.length; i++) assert.ok(weights[i].completed > weights[i - 1].completed);
    assert.equal(weights.at(-1).completed, weights.at(-1).total);
    assert.ok((await names()).includes('tinyllama:latest'));
    assert.deepEqual(await ollama.pull({ model: 'tinyllama', stream: false }), { status: 'success' });
  });

  test('ollama pull of a name scripted to fail: the client throws Ollama\'s error', async () => {
    await admin('POST', '/_mock/config', { pull_fail: ['ghost'] });
    await assert.rejects(async () => {
      for await (const part of await ollama.pull({ model: 'ghost', stream: true })) void part;
    }, /pull model manifest: file does not exist/);
    assert.ok(!(await names()).includes('ghost:latest'));
  });

  test('ollama create / copy / delete: list sees each change', async () => {
    const statuses = [];
    for await (const p of await ollama.create({ model: 'mario', from: 'phi', system: 'You are Mario.', stream: true })) {
      statuses.push(p.status);
    }
    assert.equal(statuses.at(-1), 'success');
    assert.ok((await names()).includes('mario:latest'));
    await ollama.copy({ source: 'mario', destination: 'luigi' });
    assert.ok((await names()).includes('luigi:latest'));
    const reply = await ollama.generate({ model: 'luigi', prompt: 'Hi', stream: false });
    assert.ok(reply.response.length > 0);
    await ollama.delete({ model: 'luigi' });
    assert.ok(!(await names()).includes('luigi:latest'));
    await assert.rejects(ollama.delete({ model: 'luigi' }), /model 'luigi' not found/);
  });
});
