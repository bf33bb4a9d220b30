// The Kubernetes example's objects (deploy/kubernetes/*.yaml, parsed) and what the tests do
// with them: find one, its container and script, follow a URL through a Service to a
// Deployment, start the programs with a Deployment's arguments on this machine.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";

import { MOCK_READY_RE, SERVER_READY_RE, startProcess, stopProcess } from "../js/processes.mjs";

import { bin, parseAll, read, scratch } from "./deploy_lib.mjs";

export const k8sDir = "deploy/kubernetes";
export const k8sFiles = readdirSync(new URL(`../../${k8sDir}`, import.meta.url)).filter((f) => f.endsWith(".yaml"));
export const objects = k8sFiles
  .filter((f) => f !== "kustomization.yaml")
  .flatMap((f) => parseAll(read(`${k8sDir}/${f}`), f).map((o) => ({ file: f, ...o })));
export const find = (kind, name) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${k8sDir}: no ${kind} ${name}`);
  return o;
};
export const container = (o) => (o.spec.template ?? o).spec.containers[0];
export const script = (c) => c.args.join("\n");

// The URL a shard uses reaches a Service whose port leads to the Deployment's container port.
export function reach(url, where) {
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

// A Deployment's args with where to listen (and keep data) replaced for this machine.
export function local(args, overrides) {
  const kept = args.filter((a) => !Object.keys(overrides).includes(String(a).split("=")[0]));
  return [...kept, ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)];
}

// mock-ollama and mcp-server started with their Deployments' arguments, on loopback, the server
// pointed at the mock; stop() ends both.
export async function startDeployments() {
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
