// A real consumer of the harness's junit.xml: junit2json (npm, pinned in package.json), the
// converter CI pipelines use to load JUnit into BigQuery and dashboards, parses the files the
// real mcp-harness wrote. A passing run of a shipped scenario, then the same report.json with
// one check turned into a failure whose evidence the checks would quote (an empty value and
// "Summary: fine"), re-rendered by `mcp-harness report --from`.
//
//   cd tests/js && npm ci && node --test junit_report.test.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';

import { parse } from 'junit2json';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HARNESS_BIN = process.env.MCP_HARNESS_BIN || path.resolve(HERE, '../../build/harness/mcp-harness');
const SCENARIO = path.resolve(HERE, '../../scenarios/checklist/01_streaming.json');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msh-junit-js-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function harness(args) {
  if (!fs.existsSync(HARNESS_BIN)) {
    throw new Error(`mcp-harness not found at ${HARNESS_BIN}; build it or set MCP_HARNESS_BIN`);
  }
  const r = spawnSync(HARNESS_BIN, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function readJunit(dir) {
  return parse(fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8'));
}

const passing = path.join(work, 'passing');

test('a passing run parses: one suite, a testcase per check, real times', async () => {
  const run = harness(['run', SCENARIO, '--time-scale', '0.01', '--out', passing, '--quiet']);
  assert.equal(run.status, 0, run.output);
  const junit = await readJunit(passing);
  assert.equal(junit.failures, 0);
  assert.equal(junit.testsuite.length, 1);
  const suite = junit.testsuite[0];
  assert.equal(suite.name, 'streaming');
  assert.equal(suite.skipped, 0);
  assert.equal(suite.testcase.length, suite.tests);
  assert.equal(junit.tests, suite.tests);
  for (const tc of suite.testcase) {
    assert.equal(tc.classname, 'streaming');
    assert.equal(tc.failure, undefined, tc.name);
    // The span of the calls judged: a streamed generation takes well over a millisecond.
    assert.ok(tc.time > 0, `${tc.name} time ${tc.time}`);
    assert.ok(tc.time <= suite.time, `${tc.name} time ${tc.time} > suite ${suite.time}`);
  }
});

test('a failure carries its evidence quoted once', async () => {
  const report = JSON.parse(fs.readFileSync(path.join(passing, 'report.json'), 'utf8'));
  const check = report.scenarios[0].checks.find((c) => c.id === 'stream.final_matches');
  assert.ok(check, 'stream.final_matches in report.json');
  check.status = 'failed';
  check.message = 'the saved summary differs';
  check.evidence = [{ call: '1', token_index: null, expected: '""', got: '"Summary: fine"', detail: '' }];
  const edited = path.join(work, 'edited.json');
  fs.writeFileSync(edited, JSON.stringify(report));
  const failing = path.join(work, 'failing');
  const rendered = harness(['report', '--from', edited, '--out', failing]);
  assert.equal(rendered.status, 1, rendered.output);

  const junit = await readJunit(failing);
  assert.equal(junit.failures, 1);
  const tc = junit.testsuite[0].testcase.find((c) => c.name === 'stream.final_matches');
  assert.equal(tc.failure.length, 1);
  const failure = tc.failure[0];
  assert.equal(failure.type, 'check_failed');
  assert.equal(failure.message, 'the saved summary differs');
  assert.match(failure.inner, /\n {2}expected: ""\n/);
  assert.match(failure.inner, /\n {2}got: {6}"Summary: fine"\n/);
  assert.doesNotMatch(failure.inner, /""""|""Summary/);
});
