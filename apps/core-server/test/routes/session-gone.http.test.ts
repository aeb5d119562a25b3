import { afterEach, describe, expect, it } from "vitest";
import { SESSION_SCOPED_PREFIX } from "../../src/index.js";
import { bearer, createSession, startFullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

describe("every session-scoped route goes through the gate (GOVERNANCE.md HTTP mapping)", () => {
  it("answers 410 problem+json {sessionId, reason, terminatedAt} on every /sessions/:id route of the mounted router once the session is terminated", async () => {
    const { server, url, governance, director } = await startFullServer();
    // Derived from the live route table: a new session route cannot escape this test.
    const sessionRoutes = server.routes.filter((r) => r.path === SESSION_SCOPED_PREFIX || r.path.startsWith(`${SESSION_SCOPED_PREFIX}/`));
    expect(sessionRoutes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(
      expect.arrayContaining([
        "DELETE /sessions/:id",
        "GET /sessions/:id",
        "GET /sessions/:id/channels/:n/stream.ts",
        "POST /sessions/:id/extend",
        "POST /sessions/:id/heartbeat",
      ]),
    );
    // Every route under /sessions/ other than creation is session-scoped.
    const others = server.routes.filter((r) => r.path.startsWith("/sessions") && !sessionRoutes.includes(r));
    expect(others.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /sessions"]);

    const s = await createSession(url);
    const ended = governance.termination.terminate(s.id, "idle_timeout", "system:test");
    expect(ended).toMatchObject({ kind: "terminated", won: true });

    for (const r of sessionRoutes) {
      const path = r.path.replace(":id", s.id).replace(/:[A-Za-z_]+/g, "1");
      const init: RequestInit = { method: r.method, headers: { ...bearer(s.token), "Content-Type": "application/json" } };
      if (r.method === "POST") init.body = JSON.stringify({ byMs: 1000 });
      const res = await fetch(`${url}${path}`, init);
      expect(res.status, `${r.method} ${r.path}`).toBe(410);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const body = (await res.json()) as Record<string, unknown>;
      expect(body, `${r.method} ${r.path}`).toMatchObject({
        type: "urn:retrovue:problem:session-gone",
        title: "Session terminated",
        status: 410,
        sessionId: s.id,
        reason: "idle_timeout",
        terminatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      // The token still verifies, so it is 410 and not 401; a wrong token stays 401.
      const wrong = await fetch(`${url}${path}`, { ...init, headers: { ...bearer("x".repeat(43)), "Content-Type": "application/json" } });
      expect(wrong.status, `${r.method} ${r.path} with a wrong token`).toBe(401);
    }
    // Nothing was started on the way.
    expect(director.sessionCount).toBe(0);
  });
});
