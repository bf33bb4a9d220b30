// Structured output with the official clients against mock-ollama: the `ollama` client's
// `format` (a JSON Schema) on chat and generate, the `openai` client's `response_format`
// (json_schema, json_object, and its zod helper's parse), and LangChain's
// ChatOllama.withStructuredOutput(zod). Every JSON the mock returns is validated with Ajv 8
// against the schema it was asked for; a test first shows Ajv failing on a planted wrong value.
//
//   cd tests/js && npm ci && node --test structured_output.test.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { mockAdmin } from './mock_admin.mjs';
import { MOCK_READY_RE, startProcess, stopProcess } from './processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MOCK_BIN = process.env.MOCK_OLLAMA_BIN || path.resolve(HERE, '../../build/mock_ollama/mock-ollama');
const MOCK_ARGS = ['--port', '0', '--time-scale', '0.05', '--seed', '7', '--tokens', '12'];
const PROMPT = 'Name: Ada Lovelace\nAge: 36\nSymptoms: cough, fatigue\nReturn the patient as JSON.';

let mock = null;
let openai = null;
let ollama = null;
let ajv = null;
let z = null;
let setupError = null;

process.on('exit', () => {
  if (mock && mock.child.exitCode === null) mock.child.kill('SIGKILL');
});

const { admin } = mockAdmin(() => mock.url);

// The schemas the ollama client sends as `format`, one concern each.
const SCHEMAS = {
  nested: {
    type: 'object',
    properties: {
      patient: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 3, maxLength: 40 },
          address: {
            type: 'object',
            properties: { city: { type: 'string' }, zip: { type: 'string', maxLength: 5 } },
            required: ['city', 'zip'],
            additionalProperties: false,
          },
        },
        required: ['name', 'address'],
        additionalProperties: false,
      },
    },
    required: ['patient'],
    additionalProperties: false,
  },
  arrays: {
    type: 'object',
    properties: {
      medications: {
        type: 'array',
        minItems: 2,
        maxItems: 4,
        items: { type: 'object', properties: { drug: { type: 'string' }, mg: { type: 'number', exclusiveMinimum: 0 } }, required: ['drug', 'mg'] },
      },
      codes: { type: 'array', items: { type: 'string' }, minItems: 5, maxItems: 5 },
    },
    required: ['medications', 'codes'],
  },
  enums_and_ranges: {
    type: 'object',
    properties: {
      severity: { type: 'string', enum: ['low', 'medium', 'high'] },
      age: { type: 'integer', minimum: 18, maximum: 65 },
      pain: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
      dose: { type: 'integer', multipleOf: 25, minimum: 50, maximum: 200 },
      stage: { type: 'integer', minimum: 1, maximum: 4 },
      year: { type: 'integer', minimum: 2020, maximum: 2024 },
      temperature: { type: 'number', minimum: 35.5, maximum: 41 },
      kind: { const: 'patient' },
    },
    required: ['severity', 'age', 'pain', 'dose', 'stage', 'year', 'temperature', 'kind'],
  },
  nullable: {
    type: 'object',
    properties: {
      nickname: { type: ['string', 'null'] },
      discharged: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
      email: { type: 'string', format: 'email' },
      id: { type: 'string', format: 'uuid' },
      seen: { type: 'string', format: 'date' },
    },
    required: ['nickname', 'discharged', 'email', 'id', 'seen'],
  },
  defs_and_refs: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Care team',
    $defs: {
      person: {
        type: 'object',
        properties: { name: { type: 'string' }, reports: { type: 'array', items: { $ref: '#/$defs/person' }, maxItems: 2 } },
        required: ['name'],
      },
    },
    definitions: { ward: { type: 'string', enum: ['A', 'B'] } },
    type: 'object',
    properties: { lead: { $ref: '#/$defs/person' }, ward: { $ref: '#/definitions/ward' } },
    required: ['lead', 'ward'],
  },
};

// One Ajv (2020-12) for every schema: the top-level $schema (draft-07 from zod, 2020-12 here)
// is dropped so it does not ask for a meta-schema this instance lacks.
function validate(schema, value, what) {
  const { $schema, ...rest } = schema; // eslint-disable-line no-unused-vars
  const check = ajv.compile(rest);
  assert.ok(check(value), `${what}: ${JSON.stringify(value)} fails its schema: ${ajv.errorsText(check.errors)}`);
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (err) {
    assert.fail(`${what}: not JSON (${err.message}): ${text}`);
  }
}

describe('structured output from the ollama, openai and LangChain clients', () => {
  before(async () => {
    try {
      const { default: OpenAI } = await import('openai');
      const { Ollama } = await import('ollama');
      const { default: Ajv } = await import('ajv/dist/2020.js');
      const { default: addFormats } = await import('ajv-formats');
      ({ z } = await import('zod'));
      ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
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

  test('ajv is a real check: it rejects planted wrong values for these schemas', () => {
    const planted = [
      ['enums_and_ranges', { severity: 'low', age: 17, pain: 1, dose: 50, stage: 1, year: 2020, temperature: 36, kind: 'patient' }],
      ['enums_and_ranges', { severity: 'low', age: 18, pain: 10, dose: 50, stage: 1, year: 2020, temperature: 36, kind: 'patient' }],
      ['enums_and_ranges', { severity: 'low', age: 18, pain: 1, dose: 60, stage: 1, year: 2020, temperature: 36, kind: 'patient' }],
      ['enums_and_ranges', { severity: 'none', age: 18, pain: 1, dose: 50, stage: 1, year: 2020, temperature: 36, kind: 'patient' }],
      ['arrays', { medications: [{ drug: 'x', mg: 1 }], codes: ['a', 'b', 'c', 'd', 'e'] }],
      ['nested', { patient: { name: 'Ada', address: { city: 'x', zip: '123456' } } }],
      ['nested', { patient: { name: 'Ada', address: { city: 'x', zip: '1', extra: 1 } } }],
      ['nullable', { nickname: 3, discharged: null, email: 'a@b.co', id: '9b2b8f0e-3c1a-4d2e-8f00-000000000000', seen: '2024-01-02' }],
      ['nullable', { nickname: null, discharged: null, email: 'not an email', id: '9b2b8f0e-3c1a-4d2e-8f00-000000000000', seen: '2024-01-02' }],
      ['defs_and_refs', { lead: { name: 'x', reports: [{ name: 'y' }, { name: 'z' }, { name: 'w' }] }, ward: 'A' }],
    ];
    for (const [name, value] of planted) {
      assert.throws(() => validate(SCHEMAS[name], value, name), /fails its schema/, `${name} accepted ${JSON.stringify(value)}`);
    }
  });

  for (const [name, schema] of Object.entries(SCHEMAS)) {
    test(`ollama chat and generate with format = the ${name} schema, streaming and not`, async () => {
      const messages = [{ role: 'user', content: PROMPT }];
      const chat = await ollama.chat({ model: 'llama3.2', messages, format: schema, stream: false });
      const value = parseJson(chat.message.content, `chat ${name}`);
      validate(schema, value, `chat ${name}`);

      let streamed = '';
      let pieces = 0;
      for await (const part of await ollama.chat({ model: 'llama3.2', messages, format: schema, stream: true })) {
        streamed += part.message.content;
        if (part.message.content) pieces += 1;
      }
      assert.equal(streamed, chat.message.content, 'the same request gives the same JSON, streamed or not');
      assert.ok(pieces > 3, `streamed in ${pieces} pieces`);

      const gen = await ollama.generate({ model: 'phi', prompt: PROMPT, format: schema, stream: false, options: { seed: 3 } });
      validate(schema, parseJson(gen.response, `generate ${name}`), `generate ${name}`);
      let genStreamed = '';
      for await (const part of await ollama.generate({ model: 'phi', prompt: PROMPT, format: schema, stream: true, options: { seed: 3 } })) {
        genStreamed += part.response;
      }
      assert.equal(genStreamed, gen.response);
    });
  }

  test('many seeds: every value validates', async () => {
    for (let seed = 0; seed < 25; seed++) {
      for (const [name, schema] of Object.entries(SCHEMAS)) {
        const res = await ollama.generate({ model: 'phi', prompt: PROMPT, format: schema, stream: false, options: { seed } });
        validate(schema, parseJson(res.response, `${name} seed ${seed}`), `${name} seed ${seed}`);
      }
    }
  });

  test('ollama format "json": a JSON object', async () => {
    const res = await ollama.generate({ model: 'phi', prompt: PROMPT, format: 'json', stream: false });
    const value = parseJson(res.response, 'format json');
    assert.equal(typeof value, 'object');
    assert.equal(typeof value.summary, 'string');
    assert.ok(value.summary.length > 0);
  });

  test('ollama client: a bad format and an unsupported schema are 400 ResponseErrors', async () => {
    await assert.rejects(ollama.generate({ model: 'phi', prompt: PROMPT, format: 'xml', stream: false }), (err) => {
      assert.equal(err.status_code, 400);
      assert.equal(err.error, 'invalid format: "\\"xml\\""; expected "json" or a valid JSON Schema object');
      return true;
    });
    const unsupported = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+$' } } };
    await assert.rejects(ollama.chat({ model: 'phi', messages: [{ role: 'user', content: 'hi' }], format: unsupported }), (err) => {
      assert.equal(err.status_code, 400);
      assert.match(err.error, /properties\.id: keyword 'pattern' is not supported/);
      return true;
    });
    // The mock still serves.
    const ok = await ollama.chat({ model: 'phi', messages: [{ role: 'user', content: 'hi' }], format: SCHEMAS.nested, stream: false });
    validate(SCHEMAS.nested, parseJson(ok.message.content, 'after errors'), 'after errors');
  });

  test('openai client: response_format json_schema, streaming and not, and json_object', async () => {
    const schema = SCHEMAS.enums_and_ranges;
    const messages = [{ role: 'user', content: PROMPT }];
    const response_format = { type: 'json_schema', json_schema: { name: 'patient', schema, strict: true } };
    const res = await openai.chat.completions.create({ model: 'phi', messages, response_format, seed: 11 });
    const text = res.choices[0].message.content;
    validate(schema, parseJson(text, 'openai json_schema'), 'openai json_schema');

    const stream = await openai.chat.completions.create({ model: 'phi', messages, response_format, seed: 11, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(streamed, text);

    const obj = await openai.chat.completions.create({ model: 'phi', messages, response_format: { type: 'json_object' } });
    const value = parseJson(obj.choices[0].message.content, 'json_object');
    assert.ok(value && typeof value === 'object' && !Array.isArray(value));
  });

  test('openai client: zodResponseFormat with chat.completions.parse gives the parsed object', async () => {
    const { zodResponseFormat } = await import('openai/helpers/zod');
    const Visit = z.object({
      patient: z.string(),
      age: z.number().int().min(0).max(120),
      symptoms: z.array(z.string()).min(1).max(3),
      urgency: z.enum(['routine', 'urgent', 'emergency']),
      notes: z.string().nullable(),
    });
    const format = zodResponseFormat(Visit, 'visit');
    const res = await openai.chat.completions.parse({ model: 'phi', messages: [{ role: 'user', content: PROMPT }], response_format: format });
    const parsed = res.choices[0].message.parsed;
    assert.ok(parsed, 'the helper parsed the answer');
    assert.deepEqual(Visit.parse(parsed), parsed);
    validate(format.json_schema.schema, parsed, 'zodResponseFormat');
  });

  test('openai client: bad response_format values are 400 BadRequestErrors', async () => {
    const messages = [{ role: 'user', content: 'hi' }];
    const cases = [
      [{ type: 'xml' }, /Invalid value: "xml"/],
      [{ type: 'json_schema' }, /Missing required parameter: 'response_format.json_schema'/],
      [{ type: 'json_schema', json_schema: { name: 'x', schema: { allOf: [] } } }, /keyword 'allOf' is not supported/],
    ];
    for (const [response_format, message] of cases) {
      await assert.rejects(openai.chat.completions.create({ model: 'phi', messages, response_format }), (err) => {
        assert.equal(err.status, 400, String(err));
        assert.match(err.message, message);
        return true;
      });
    }
  });

  test('LangChain ChatOllama.withStructuredOutput(zod) returns a parsed object', async () => {
    const { ChatOllama } = await import('@langchain/ollama');
    const { toJsonSchema } = await import('@langchain/core/utils/json_schema');
    const Assessment = z.object({
      patient: z.object({ name: z.string().min(2), age: z.number().int().gte(0).lte(110) }),
      diagnoses: z.array(z.object({ name: z.string(), likelihood: z.number().min(0).max(1) })).min(1).max(3),
      priority: z.enum(['low', 'normal', 'high']),
      follow_up_days: z.number().int().positive().nullable(),
      tags: z.array(z.string()).optional(),
    });
    const model = new ChatOllama({ baseUrl: mock.url, model: 'llama3.2', temperature: 0 });
    for (const [i, prompt] of [PROMPT, 'Name: Bob\nSymptoms: chest pain', 'Name: Eve'].entries()) {
      const result = await model.withStructuredOutput(Assessment).invoke(prompt);
      assert.deepEqual(Assessment.parse(result), result, `prompt ${i}`);
      validate(toJsonSchema(Assessment), result, `LangChain prompt ${i}`);
    }
    // Each answer came from this mock (prose would have made LangChain's parser throw).
    const { requests } = await admin('GET', '/_mock/requests');
    assert.equal(requests.filter((r) => r.endpoint === 'chat').length, 3);
  });
});
