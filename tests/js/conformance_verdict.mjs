// Decides a conformance run: reads every checks.json the suite wrote under RESULTS_DIR and
// compares it with the expectations for SPEC in EXPECTED (conformance_expected.json).
//
//   node conformance_verdict.mjs EXPECTED SPEC RESULTS_DIR
//
// Fails (exit 1) when a required scenario has a FAILURE check (other than one listed as not
// applicable) or did not run at all, or when the suite ran a scenario the file does not list
// (a new suite version: decide what it means for this server, then list it).
import fs from 'node:fs';
import path from 'node:path';

const [expectedFile, spec, resultsDir] = process.argv.slice(2);
const all = JSON.parse(fs.readFileSync(expectedFile, 'utf8'));
const expected = all[spec];
if (!expected) {
  console.error(`conformance: ${expectedFile} has no entry for spec version ${spec}`);
  process.exit(2);
}
const required = new Set(expected.must_pass);
const notApplicable = expected.not_applicable ?? {};
const naChecks = expected.not_applicable_checks ?? {};

// server-<scenario>-<ISO time with - for :>/checks.json
const results = new Map();
for (const dir of fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir) : []) {
  const m = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(dir);
  const file = path.join(resultsDir, dir, 'checks.json');
  if (!m || !fs.existsSync(file)) continue;
  results.set(m[1], JSON.parse(fs.readFileSync(file, 'utf8')));
}

const problems = [];
const lines = [];
for (const [scenario, checks] of [...results].sort()) {
  const waived = naChecks[scenario] ?? {};
  const failed = checks.filter((c) => c.status === 'FAILURE' && !(c.id in waived));
  const passed = checks.filter((c) => c.status === 'SUCCESS').length;
  const role = required.has(scenario) ? 'required' : scenario in notApplicable ? 'n/a' : 'UNLISTED';
  const verdict = failed.length ? 'FAIL' : 'pass';
  const counts = `${passed} passed, ${failed.length} failed`;
  if (role === 'n/a') {
    lines.push(`n/a  ${scenario}: ${counts} (${notApplicable[scenario]})`);
    continue;
  }
  lines.push(`${verdict} ${scenario} [${role}]: ${counts}`);
  for (const c of failed) lines.push(`       ${c.id}: ${c.errorMessage ?? c.description}`);
  if (role === 'required' && failed.length) problems.push(`${scenario} failed`);
  if (role === 'UNLISTED') problems.push(`${scenario} is not listed in ${path.basename(expectedFile)}`);
}
for (const scenario of required) {
  if (!results.has(scenario)) problems.push(`${scenario} did not run (no checks.json)`);
}

console.log(`conformance ${spec}:\n${lines.join('\n')}`);
if (problems.length) {
  console.log(`conformance ${spec}: FAILED\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`conformance ${spec}: ok (${required.size} required scenarios pass)`);
