// The two CI examples run here, as far as a machine without their runners can: each shard's
// own `run:` / `script:` text through /bin/sh with the variables its runner sets (GitHub's
// matrix value, GitLab's CI_NODE_INDEX/CI_NODE_TOTAL), the artifacts moved the way
// upload/download-artifact and GitLab's `needs:` move them, then the merge job's text. The
// only change to the commands: `--time-scale 0.01` (the checklist in seconds, not minutes). At
// that scale a busy machine can make a shard fail stream.realtime (exit 1): the runners let
// the merge run then too, and the merge's verdict must be the shards' together.
// The steps that install the .deb are not run: the programs are on PATH from the build tree.
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";

import { parseAll, programsOnPath, read, scratch, sh } from "./deploy_lib.mjs";

const fast = (script) => script.replace(/mcp-harness run /g, "mcp-harness run --time-scale 0.01 ");
const harnessLines = (lines) => lines.filter((l) => /mcp-harness/.test(l)).join("\n");

// A shard's exit code is a verdict (0 passed, 1 a check failed); the merge's is 1 when any was.
function assertVerdicts(shards, merge, allowed) {
  shards.forEach((r, k) => assert.ok(allowed.includes(r.code), `shard ${k + 1}: exit ${r.code}\n${r.out}`));
  assert.equal(merge.code, Math.max(...shards.map((r) => r.code)), `merge:\n${merge.out}`);
}

test("github-actions.yml: the matrix's shards and the merge job's commands give one report", async () => {
  const [wf] = parseAll(read("deploy/github-actions.yml"), "github-actions.yml");
  const tmp = scratch("deploy-gha-");
  const PATH = programsOnPath(join(tmp, "bin"));
  const shard = wf.jobs.shard;
  const runStep = shard.steps.find((s) => /mcp-harness run/.test(s.run ?? ""));
  const upload = shard.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"));
  const merge = wf.jobs.merge;
  const download = merge.steps.find((s) => s.with?.pattern);
  const mergeDir = join(tmp, "merge");
  const store = join(tmp, "artifacts");  // upload-artifact's: one folder per artifact name
  const results = await Promise.all(
    shard.strategy.matrix.shard.map(async (i) => {
      const cwd = join(tmp, `shard-job-${i}`);
      const matrix = (text) => text.replaceAll("${{ matrix.shard }}", String(i));
      mkdirSync(cwd);
      const summary = join(cwd, "summary.md");
      const r = await sh(fast(matrix(runStep.run)), { cwd, env: { PATH, GITHUB_STEP_SUMMARY: summary } });
      cpSync(join(cwd, matrix(upload.with.path)), join(store, matrix(upload.with.name)), { recursive: true });
      return { i, ...r, summary: readFileSync(summary, "utf8") };
    }),
  );
  // download-artifact: every stored artifact whose name matches `pattern`, into `path`/<name>.
  const wanted = new RegExp(`^${download.with.pattern.replaceAll("*", ".*")}$`);
  for (const name of readdirSync(store).filter((a) => wanted.test(a))) {
    cpSync(join(store, name), join(mergeDir, download.with.path, name), { recursive: true });
  }
  for (const r of results) {
    assert.match(r.summary, /mcp-harness checklist/, `shard ${r.i}: its checklist in its job summary`);
  }
  const summary = join(mergeDir, "summary.md");
  const mergeStep = merge.steps.find((s) => /mcp-harness merge/.test(s.run ?? ""));
  const m = await sh(mergeStep.run, { cwd: mergeDir, env: { PATH, GITHUB_STEP_SUMMARY: summary } });
  assertVerdicts(results, m, [0, 1]);  // exit 1 fails the shard job; the merge runs anyway
  const junit = merge.steps.find((s) => s.uses?.startsWith("mikepenz/action-junit-report")).with.report_paths;
  assert.ok(existsSync(join(mergeDir, junit)), `${junit} for the annotations`);
  const text = readFileSync(summary, "utf8");
  assert.equal(text.match(/# .* mcp-harness checklist: (PASSED|FAILED)/g)?.length, 1, `one merged checklist:\n${text}`);
  assert.match(text, new RegExp(`shard=merged ${shard.strategy.matrix.shard.length}`));
});

test("gitlab-ci.yml: parallel's shards with --shard auto and the merge job give one report", async () => {
  const [pl] = parseAll(read("deploy/gitlab-ci.yml"), "gitlab-ci.yml");
  const tmp = scratch("deploy-gitlab-run-");
  const PATH = programsOnPath(join(tmp, "bin"));
  // One project folder: GitLab restores every needed job's artifacts (paths relative to it).
  const project = join(tmp, "project");
  mkdirSync(project);
  const n = pl.harness.parallel;
  const results = await Promise.all(
    Array.from({ length: n }, (_, k) =>
      sh(fast(harnessLines(pl.harness.script)), {
        cwd: project,
        env: { PATH, CI_NODE_INDEX: String(k + 1), CI_NODE_TOTAL: String(n) },
      }),
    ),
  );
  for (let k = 1; k <= n; ++k) {
    const artifact = pl.harness.artifacts.paths[0].replace("$CI_NODE_INDEX", String(k));
    assert.ok(existsSync(join(project, artifact, "report.json")), `${artifact}report.json`);
  }
  const m = await sh(harnessLines(pl.merge.script), { cwd: project, env: { PATH } });
  assertVerdicts(results, m, [0, ...pl.harness.allow_failure.exit_codes]);
  const junit = readFileSync(join(project, pl.merge.artifacts.reports.junit), "utf8");
  assert.match(junit, /<testsuites/);
  const merged = JSON.parse(readFileSync(join(project, "merged/report.json"), "utf8"));
  assert.equal(merged.options.shard, `merged ${n}`);
});
