import { afterEach, describe, expect, it } from "vitest";
import { bearer, createSession, startFullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

// Issue 14: an event-loop delay figure (p99/max) on /metrics and for operators.
describe("event-loop delay for operators", () => {
  it("GET /admin/runtime reports loop delay p50/p99/max and the session store; it needs the operator token", async () => {
    const { url, adminToken } = await startFullServer();
    await createSession(url);
    expect((await fetch(`${url}/admin/runtime`)).status).toBe(401);
    const res = await fetch(`${url}/admin/runtime`, { headers: bearer(adminToken) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { eventLoopDelay: Record<string, number>; sessions: Record<string, unknown> };
    expect(Object.keys(body.eventLoopDelay).sort()).toEqual(["maxMs", "maxSinceStartMs", "meanMs", "p50Ms", "p99Ms", "windowMs"]);
    expect(body.eventLoopDelay.maxMs).toBeGreaterThanOrEqual(body.eventLoopDelay.p99Ms ?? Number.NaN);
    expect(body.sessions).toMatchObject({ live: 1, store: { ok: true } });
  });

  it("/metrics carries the loop delay p99 and max (prom-client's monitorEventLoopDelay histogram)", async () => {
    const { url } = await startFullServer();
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_max_seconds \d/m);
  });
});
