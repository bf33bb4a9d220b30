// The mock-ollama admin API as the JS client tests use it: what each request emitted
// (/_mock/requests), counters, run-time config. `baseUrl()` is read at each call, so a test
// may start its mock after importing this.
import assert from 'node:assert/strict';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function mockAdmin(baseUrl) {
  async function admin(method, route, body) {
    const res = await fetch(`${baseUrl()}${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 200, `${method} ${route} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }
  const mockRequests = async () => (await admin('GET', '/_mock/requests')).requests;
  // The request log once no record is 'in_progress' (bounded wait): a stream the client has
  // abandoned is marked only when the mock notices the client is gone.
  async function settledRequests(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const reqs = await mockRequests();
      if (reqs.every((r) => r.outcome !== 'in_progress') || Date.now() >= deadline) return reqs;
      await sleep(20);
    }
  }
  return { admin, mockRequests, settledRequests };
}
