// deploy/kubernetes/: every object against the Kubernetes OpenAPI schemas (kubernetes-models,
// made strict), the validator shown rejecting broken copies, and the facts no schema knows: the
// harness options the Jobs spell exist in the built mcp-harness's --help, Services reach the
// Deployments' ports and the URLs the shards use, the shard count agrees, the ConfigMap's
// scenario is one `mcp-harness validate` accepts and fits the server, mock and pods.
import assert from "node:assert/strict";
import test from "node:test";

import { bin, harnessCommands, parseAll, programArgs, read, validateScenario } from "./deploy_lib.mjs";
import { container, find, k8sDir, k8sFiles, objects, reach, script } from "./k8s_objects.mjs";
import { k8sProblems } from "./k8s_schema.mjs";

// The options the contract of docs/scale-out.md names; each must be in `run --help`.
const shardOptions = ["--shard", "--shard-count", "--start-at", "--start-dir", "--server-url", "--ollama-url", "--out"];
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
  // The Dockerfile's `USER harness` is uid 1000, said there rather than left to the base image.
  assert.match(read("Dockerfile"), /^RUN useradd [^\n]*--uid 1000 [^\n]*harness$/m);
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
