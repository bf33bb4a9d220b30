// Tool calls and thinking through the official clients against mock-ollama: the `openai`
// client's tool-call round trip (call, run the tool, send the `tool` message, get text),
// streaming and not; the `ollama` client's chat with `tools` and with `think` (thinking chunks
// before content) and its error for a model without the capability; LangChain's
// ChatOllama.bindTools getting `tool_calls`. Generated arguments are validated with ajv against
// the tool's own parameters schema.
//
//   cd tests/js && npm ci && node --test tools_thinking.test.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { mockAdmin } from './mock_admin.mjs';
import { MOCK_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
const MOCK_ARGS = ['--port', '0', '--time-scale', '0.05', '--seed', '7', '--tokens', '12'];

const WEATHER_PARAMS = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 2 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const TIME_PARAMS = { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] };
const TOOLS = [
  { type: 'function', function: { name: 'get_time', description: 'The time now in a timezone', parameters: TIME_PARAMS } },
  { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_PARAMS } },
];
const QUESTION = 'What is the weather like in Lisbon?';

let mock = null;
let openai = null;
let ollama = null;
let validateWeather = null;
let setupError = null;

process.on('exit', () => {
  if (mock && mock.child.exitCode === null) mock.child.kill('SIGKILL');
});

const { admin } = mockAdmin(() => mock.url);

function runWeather(args) {
  assert.ok(validateWeather(args), `arguments ${JSON.stringify(args)}: ${JSON.stringify(validateWeather.errors)}`);
  return `22 ${args.unit} and sunny in ${args.city}`;
}

describe('tool calls and thinking through the official clients', () => {
  before(async () => {
    try {
      const { default: OpenAI } = await import('openai');
      const { Ollama } = await import('ollama');
      const { default: Ajv } = await import('ajv');
      validateWeather = new Ajv({ strict: false }).compile(WEATHER_PARAMS);
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

  test('openai: tool call, run the tool, send the result, get a text answer (not streaming)', async () => {
    const messages = [{ role: 'user', content: QUESTION }];
    const first = await openai.chat.completions.create({ model: 'llama3.2', messages, tools: TOOLS });
    const choice = first.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.match(call.id, /^call_[a-z0-9]{8}$/);
    const result = runWeather(JSON.parse(call.function.arguments));

    messages.push(choice.message, { role: 'tool', tool_call_id: call.id, content: result });
    const second = await openai.chat.completions.create({ model: 'llama3.2', messages, tools: TOOLS });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.equal(second.choices[0].message.tool_calls, undefined);
    assert.ok(second.choices[0].message.content.startsWith(`According to get_weather: ${result}.`),
      second.choices[0].message.content);
  });

  test('openai: the same round trip streaming, delta.tool_calls then finish_reason tool_calls', async () => {
    const messages = [{ role: 'user', content: QUESTION }];
    const stream = await openai.chat.completions.create({ model: 'llama3.2', messages, tools: TOOLS, stream: true });
    const calls = [];
    let finish = null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta?.tool_calls) calls.push(...c.delta.tool_calls);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    assert.equal(finish, 'tool_calls');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].index, 0);
    const result = runWeather(JSON.parse(calls[0].function.arguments));

    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: calls[0].id, type: 'function', function: calls[0].function }] },
      { role: 'tool', tool_call_id: calls[0].id, content: result });
    let text = '';
    for await (const chunk of await openai.chat.completions.create({ model: 'llama3.2', messages, tools: TOOLS, stream: true })) {
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.ok(text.startsWith('According to get_weather:'), text);
  });

  test('ollama: chat with tools gives message.tool_calls with object arguments', async () => {
    const r = await ollama.chat({ model: 'mistral', messages: [{ role: 'user', content: QUESTION }], tools: TOOLS });
    assert.equal(r.done_reason, 'stop');
    assert.equal(r.message.tool_calls.length, 1);
    assert.equal(r.message.tool_calls[0].function.name, 'get_weather');
    runWeather(r.message.tool_calls[0].function.arguments);

    const streamed = [];
    for await (const part of await ollama.chat({ model: 'mistral', messages: [{ role: 'user', content: QUESTION }], tools: TOOLS, stream: true })) {
      if (part.message.tool_calls) streamed.push(...part.message.tool_calls);
    }
    assert.deepEqual(streamed, r.message.tool_calls, 'streamed and whole give the same call');
  });

  test('ollama: think streams thinking chunks before the content; whole replies carry both', async () => {
    const order = [];
    for await (const part of await ollama.chat({ model: 'qwen3', messages: [{ role: 'user', content: 'Symptoms: cough' }], think: true, stream: true })) {
      if (part.message.thinking) order.push('thinking');
      if (part.message.content) order.push('content');
    }
    const firstContent = order.indexOf('content');
    assert.equal(order.filter((x) => x === 'thinking').length, 6, 'medium: half of 12 tokens');
    assert.ok(firstContent > 0 && !order.slice(firstContent).includes('thinking'), order.join(','));

    const whole = await ollama.chat({ model: 'qwen3', messages: [{ role: 'user', content: 'Symptoms: cough' }], think: 'high' });
    assert.ok(whole.message.thinking.length > 0 && whole.message.content.length > 0);
    const off = await ollama.chat({ model: 'qwen3', messages: [{ role: 'user', content: 'Symptoms: cough' }], think: false });
    assert.equal(off.message.thinking, undefined);
  });

  test('ollama: a model without the capability is a 400 with Ollama\'s message', async () => {
    await assert.rejects(
      ollama.chat({ model: 'phi', messages: [{ role: 'user', content: QUESTION }], tools: TOOLS }),
      (err) => err.status_code === 400 && err.error === 'registry.ollama.ai/library/phi:latest does not support tools');
    await assert.rejects(
      ollama.chat({ model: 'phi', messages: [{ role: 'user', content: 'hi' }], think: true }),
      (err) => err.status_code === 400 && err.error === '"phi" does not support thinking');
    const show = await ollama.show({ model: 'qwen3' });
    assert.deepEqual(show.capabilities, ['completion', 'tools', 'thinking']);
  });

  test('langchain: ChatOllama.bindTools gets tool_calls', async () => {
    const { ChatOllama } = await import('@langchain/ollama');
    const model = new ChatOllama({ model: 'llama3.2', baseUrl: mock.url }).bindTools(TOOLS);
    const msg = await model.invoke(QUESTION);
    assert.equal(msg.tool_calls.length, 1, JSON.stringify(msg));
    assert.equal(msg.tool_calls[0].name, 'get_weather');
    runWeather(msg.tool_calls[0].args);
  });
});
