// Kubernetes objects checked against the Kubernetes OpenAPI schemas, as compiled by the npm
// package kubernetes-models (its validators are Ajv code generated from the API's schemas),
// plus the strictness of `kubeconform -strict`: a field the schema does not define is an error.
// The schemas allow unknown fields (as the API server's non-strict decoding does), so every
// object is handed to the validator through a proxy that records which fields it looked up:
// a field it never read is one the schema does not define, except in maps (labels, data),
// whose keys the validator enumerates.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { root } from "./deploy_lib.mjs";

const schemaOf = {
  "v1/ConfigMap": "IoK8sApiCoreV1ConfigMap",
  "v1/PersistentVolumeClaim": "IoK8sApiCoreV1PersistentVolumeClaim",
  "v1/Pod": "IoK8sApiCoreV1Pod",
  "v1/Service": "IoK8sApiCoreV1Service",
  "apps/v1/Deployment": "IoK8sApiAppsV1Deployment",
  "batch/v1/Job": "IoK8sApiBatchV1Job",
};

async function validatorFor(apiVersion, kind) {
  const name = schemaOf[`${apiVersion}/${kind}`];
  if (!name) throw new Error(`no schema for ${apiVersion} ${kind} in this test: add it to schemaOf`);
  const file = join(root, "tests/js/node_modules/kubernetes-models/_schemas", `${name}.js`);
  return (await import(pathToFileURL(file).href)).validate;
}

function watched(node, path, records) {
  if (node === null || typeof node !== "object") return node;
  const rec = { path, node, read: new Set(), enumerated: false };
  records.push(rec);
  const copy = Array.isArray(node)
    ? node.map((v, i) => watched(v, `${path}[${i}]`, records))
    : Object.fromEntries(Object.entries(node).map(([k, v]) => [k, watched(v, `${path}.${k}`, records)]));
  return new Proxy(copy, {
    get(t, k, r) {
      if (typeof k === "string") rec.read.add(k);
      return Reflect.get(t, k, r);
    },
    has(t, k) {
      if (typeof k === "string") rec.read.add(k);
      return Reflect.has(t, k);
    },
    ownKeys(t) {
      rec.enumerated = true;
      return Reflect.ownKeys(t);
    },
  });
}

// The problems of one object: schema errors, then fields the schema does not define.
export async function k8sProblems(obj) {
  const validate = await validatorFor(obj.apiVersion, obj.kind);
  const records = [];
  const problems = [];
  if (!validate(watched(obj, "", records))) {
    for (const e of validate.errors) problems.push(`${e.instancePath || "/"} ${e.keyword} ${JSON.stringify(e.params)}`);
    return problems;  // the validator stops early on an error: the field list is partial
  }
  for (const r of records) {
    if (Array.isArray(r.node) || r.enumerated) continue;
    for (const k of Object.keys(r.node)) if (!r.read.has(k)) problems.push(`${r.path}.${k}: unknown field`);
  }
  return problems;
}
