// A real consumer of the regression gate's compare.xml: junit2json (npm, pinned in
// package.json) parses what `mcp-harness compare` wrote for a run against itself (no failure)
// and against a copy of its report.json with TTFT p99 raised 30 % (a failure on ttft.p99).
// The run has one call, so --min-count 1 lets its single TTFT be judged.
//
//   cd tests/js && npm ci && node --test compare_report.test.mjs
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
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'msh-compare-js-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function harness(args) {
  const r = spawnSync(HARNESS_BIN, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function compare(oldPath, newPath, out) {
  const r = harness(['compare', oldPath, newPath, '--out', out, '--min-count', '1']);
  return { ...r, junit: await parse(fs.readFileSync(path.join(out, 'compare.xml'), 'utf8')) };
}

const run = path.join(work, 'run');

test('a run against itself: compare.xml parses with no failure', async () => {
  const r = harness(['run', SCENARIO, '--time-scale', '0.1', '--out', run, '--quiet']);
  // A verdict either way (a timing check may fail on a loaded machine): what is compared here
  // is the run with itself.
  assert.ok(r.status === 0 || r.status === 1, r.output);
  const c = await compare(run, run, path.join(work, 'self'));
  assert.equal(c.status, 0, c.output);
  assert.equal(c.junit.failures, 0);
  const suite = c.junit.testsuite[0];
  assert.equal(suite.name, 'streaming');
  assert.equal(suite.testcase.length, suite.tests);
  assert.ok(suite.testcase.some((tc) => tc.name === 'ttft.p99' && tc.classname === 'compare.streaming'));
});

test('TTFT p99 raised 30 %: one failure, on ttft.p99, typed regression', async () => {
  const report = JSON.parse(fs.readFileSync(path.join(run, 'report.json'), 'utf8'));
  const ttft = report.scenarios[0].metrics.find((m) => m.name === 'ttft');
  assert.ok(ttft && ttft.count >= 1, 'ttft in report.json');
  ttft.p99 *= 1.3;
  const worse = path.join(work, 'worse.json');
  fs.writeFileSync(worse, JSON.stringify(report));
  const c = await compare(run, worse, path.join(work, 'worse'));
  assert.equal(c.status, 1, c.output);
  assert.match(c.output, /regression\*\*: `streaming: ttft\.p99`/);
  assert.equal(c.junit.failures, 1);
  const failed = c.junit.testsuite[0].testcase.filter((tc) => tc.failure);
  assert.deepEqual(failed.map((tc) => tc.name), ['ttft.p99']);
  assert.equal(failed[0].failure[0].type, 'regression');
  assert.match(failed[0].failure[0].message, /^ttft\.p99: .* \(\+30\.0 %\)/);
});
