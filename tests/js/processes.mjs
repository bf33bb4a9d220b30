// Starting and stopping the binaries a JS test talks to (mock-ollama, mcp-server, the SDK
// reference server): each prints one ready line on stdout naming its URL.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';

const READY_TIMEOUT_MS = 10_000;

// The ready lines: the URL is group 1.
export const MOCK_READY_RE = /^mock-ollama listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/;
export const SERVER_READY_RE = /^mcp-server listening on (ws:\/\/127\.0\.0\.1:\d+\/mcp)\s*$/;
export const SDK_SERVER_READY_RE = /^sdk-server listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\s*$/;

// Starts `bin args` and resolves with { child, url, stderr() } once it printed the line
// matching `readyRe`. A missing binary names the env variable and build target to fix it.
export function startProcess(label, bin, args, readyRe, envName, buildTarget) {
  if (!fs.existsSync(bin)) {
    throw new Error(
      `${label} binary not found at ${bin}; build it (ninja -C build ${buildTarget}) ` +
        `or set ${envName} to its path`,
    );
  }
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 64 * 1024) stderr = stderr.slice(-64 * 1024);
  });
  const info = { child, url: null, stderr: () => stderr };
  const cmd = `${bin} ${args.join(' ')}`;

  return new Promise((resolve, reject) => {
    let settled = false;
    const lines = readline.createInterface({ input: child.stdout });
    const fail = (why) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      // Give stderr a moment to drain so the message shows why the binary did not start.
      setTimeout(() => reject(new Error(`${why}\n  command: ${cmd}\n  ${label} stderr:\n${stderr || '(empty)'}`)), 100);
    };
    const timer = setTimeout(() => fail(`${label} printed no ready line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    child.once('error', (err) => fail(`could not start ${label}: ${err.message}`));
    child.once('exit', (code, signal) => fail(`${label} exited before it was ready (code ${code}, signal ${signal})`));
    lines.on('line', (line) => {
      const m = readyRe.exec(line);
      if (!m || settled) return;
      settled = true;
      clearTimeout(timer);
      info.url = m[1];
      child.stdout.resume(); // keep draining stdout so the binary never blocks on it
      resolve(info);
    });
  });
}

export async function stopProcess(info) {
  if (!info) return;
  const { child } = info;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

