import { afterEach, describe, expect, it } from "vitest";
import { bearer, createSession, eventually, startFullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

describe("operator API", () => {
  it("answers 401 problem+json on every /admin route without the operator token, with a wrong one, or with a session token", async () => {
    const { server, url } = await startFullServer();
    const s = await createSession(url);
    const adminRoutes = server.routes.filter((r) => r.path.startsWith("/admin/"));
    expect(adminRoutes.length).toBeGreaterThanOrEqual(7);
    for (const r of adminRoutes) {
      const path = r.path.replace(":id", s.id).replace(/:[A-Za-z_]+/g, "1");
      for (const headers of [{}, bearer("not-the-operator-token-000"), bearer(s.token)]) {
        const res = await fetch(`${url}${path}`, { method: r.method, headers });
        expect(res.status, `${r.method} ${r.path}`).toBe(401);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
      }
    }
  });

  it("lists channels with boundary state, viewers and teardown details", async () => {
    const { url, adminToken } = await startFullServer();
    const idle = (await (await fetch(`${url}/admin/channels`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(idle).toMatchObject({ acceptingViewers: true, channelsPlaying: 0, viewers: 0 });
    expect(idle.channels[0]).toMatchObject({ number: 1, state: "idle", phase: null, boundaryState: null, viewers: 0, teardownPending: false, teardownDeadline: null, restartAttempts: 0 });

    const stream = await openStream(`${url}/channels/1/stream.ts`);
    await stream.waitForBytes(188);
    const live = (await (await fetch(`${url}/admin/channels`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(live).toMatchObject({ channelsPlaying: 1, viewers: 1 });
    expect(live.channels[0]).toMatchObject({ number: 1, phase: "running", viewers: 1, provisional: false, fatalReason: null, hub: { engineConnected: true } });
    expect(["LIVE", "PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED", "SWITCH_ISSUED"]).toContain(live.channels[0].boundaryState);
    expect(live.channels[0].hub.bytesOut).toBeGreaterThan(0);

    // The viewer leaves: the teardown runs now or is deferred with its deadline and reason.
    stream.destroy();
    await eventually("teardown requested", async () => {
      const body = (await (await fetch(`${url}/admin/channels`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
      const c = body.channels[0];
      return c.phase === null || c.phase === "stopping" || (c.teardownPending === true && c.teardownReason === "viewer_inactive" && typeof c.teardownDeadline === "string");
    });
  });

  it("POST /admin/channels/{n}/stop stops a playing channel through the teardown gate and ends its viewers; idle → stopped:false; unknown → 404", async () => {
    const { url, adminToken, director } = await startFullServer();
    const stream = await openStream(`${url}/channels/2/stream.ts`);
    await stream.waitForBytes(188);
    const res = await fetch(`${url}/admin/channels/2/stop`, { method: "POST", headers: bearer(adminToken) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ channel: 2, stopped: true });
    await stream.ended;
    expect(director.sessionCount).toBe(0);
    const idle = await fetch(`${url}/admin/channels/2/stop`, { method: "POST", headers: bearer(adminToken) });
    expect(await idle.json()).toMatchObject({ channel: 2, stopped: false });
    expect((await fetch(`${url}/admin/channels/42/stop`, { method: "POST", headers: bearer(adminToken) })).status).toBe(404);
  });

  it("lists sessions (filtered, paged), reads one and its events, and the global audit feed", async () => {
    const { url, adminToken } = await startFullServer();
    const a = await createSession(url, { owner: "device:a" });
    const b = await createSession(url, { owner: "device:b" });
    await fetch(`${url}/sessions/${b.id}`, { method: "DELETE", headers: bearer(b.token) });

    const all = (await (await fetch(`${url}/admin/sessions`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(all.sessions.map((s: { id: string }) => s.id).sort()).toEqual([a.id, b.id].sort());
    const live = (await (await fetch(`${url}/admin/sessions?state=live`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(live.sessions.map((s: { id: string }) => s.id)).toEqual([a.id]);
    const byOwner = (await (await fetch(`${url}/admin/sessions?owner=device:b`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(byOwner.sessions).toHaveLength(1);
    expect(byOwner.sessions[0]).toMatchObject({ id: b.id, state: "terminated", termination: { reason: "user_requested" } });
    const paged = (await (await fetch(`${url}/admin/sessions?limit=1`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(paged.sessions).toHaveLength(1);
    expect(typeof paged.nextCursor).toBe("string");
    expect((await fetch(`${url}/admin/sessions?state=bogus`, { headers: bearer(adminToken) })).status).toBe(400);
    expect((await fetch(`${url}/admin/sessions?limit=x`, { headers: bearer(adminToken) })).status).toBe(400);

    const one = await fetch(`${url}/admin/sessions/${a.id}`, { headers: bearer(adminToken) });
    expect(await one.json()).toMatchObject({ id: a.id, ownerId: "device:a" });
    expect((await fetch(`${url}/admin/sessions/${"f".repeat(32)}`, { headers: bearer(adminToken) })).status).toBe(404);

    const events = (await (await fetch(`${url}/admin/sessions/${b.id}/events`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(events.events.map((e: { kind: string }) => e.kind)).toEqual(["created", "terminated"]);
    const feed = (await (await fetch(`${url}/admin/events`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(feed.events.map((e: { kind: string; sessionId: string }) => `${e.kind}:${e.sessionId}`)).toEqual([`created:${a.id}`, `created:${b.id}`, `terminated:${b.id}`]);
    const rest = (await (await fetch(`${url}/admin/events?afterSeq=${feed.events[1].seq}`, { headers: bearer(adminToken) })).json()) as Record<string, any>;
    expect(rest.events).toHaveLength(1);
  });

  it("POST /admin/sessions/{id}/terminate: won the first time (admin_terminated), idempotent after, 404 for an unknown session", async () => {
    const { url, adminToken } = await startFullServer();
    const s = await createSession(url);
    const first = await fetch(`${url}/admin/sessions/${s.id}/terminate`, { method: "POST", headers: bearer(adminToken) });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ sessionId: s.id, won: true, reason: "admin_terminated", actor: "operator:admin" });
    const again = await fetch(`${url}/admin/sessions/${s.id}/terminate`, { method: "POST", headers: bearer(adminToken) });
    expect(await again.json()).toMatchObject({ won: false, reason: "admin_terminated" });
    expect((await fetch(`${url}/sessions/${s.id}/heartbeat`, { method: "POST", headers: bearer(s.token) })).status).toBe(410);
    expect((await fetch(`${url}/admin/sessions/${"a".repeat(32)}/terminate`, { method: "POST", headers: bearer(adminToken) })).status).toBe(404);
  });
});
