import { afterEach, describe, expect, it } from "vitest";
import { probeTransportStream } from "../../src/index.js";
import { bearer, createSession, eventually, startFullServer } from "../support/full-server.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({ headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(body) });

describe("POST /sessions", () => {
  it("creates a session: 201, Location, id, token (shown once), owner = client address, limits from config", async () => {
    const { url } = await startFullServer(["--max-streams-per-session", "3", "--session-idle-timeout-ms", "60000"]);
    const res = await fetch(`${url}/sessions`, { method: "POST" });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, any>;
    expect(res.headers.get("location")).toBe(`/sessions/${body.id}`);
    expect(body.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ ownerId: "client:127.0.0.1", state: "live", maxStreams: 3, idleTimeoutMs: 60_000, concurrencyPolicy: "terminate", termination: null });
    expect(body.links.stream).toBe(`/sessions/${body.id}/channels/{n}/stream.ts`);
    const status = await fetch(`${url}/sessions/${body.id}`, { headers: bearer(body.token) });
    expect(await status.json()).not.toHaveProperty("token");
  });

  it("takes an owner label and per-session limits; refuses bad ones with 400 and unsupported bodies with 415", async () => {
    const { url } = await startFullServer();
    const created = await fetch(`${url}/sessions`, { method: "POST", ...json({ owner: "device:tv-1", limits: { maxConcurrentOps: 1, concurrencyPolicy: "reject" } }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ ownerId: "device:tv-1", maxStreams: 1, concurrencyPolicy: "reject" });
    for (const body of [{ owner: "bad owner!" }, { limits: "x" }, { limits: { maxConcurrentOps: 0 } }, { limits: { unknown: 1 } }, [1]]) {
      const res = await fetch(`${url}/sessions`, { method: "POST", ...json(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    const text = await fetch(`${url}/sessions`, { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hi" });
    expect(text.status).toBe(415);
  });

  it("refuses an owner's session beyond --max-sessions-per-owner with 429", async () => {
    const { url } = await startFullServer(["--max-sessions-per-owner", "1"]);
    await createSession(url);
    const res = await fetch(`${url}/sessions`, { method: "POST" });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ ownerId: "client:127.0.0.1", limit: 1, active: 1 });
    expect((await fetch(`${url}/sessions`, { method: "POST", ...json({ owner: "device:other" }) })).status).toBe(201);
  });
});

describe("session routes", () => {
  it("GET /sessions/{id}: 200 with the bearer token; 401 without or with a wrong one; 404 for unknown or malformed ids", async () => {
    const { url } = await startFullServer();
    const a = await createSession(url);
    const b = await createSession(url);
    const ok = await fetch(`${url}/sessions/${a.id}`, { headers: bearer(a.token) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: a.id, state: "live", lastActivityKind: "status" });

    const none = await fetch(`${url}/sessions/${a.id}`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await fetch(`${url}/sessions/${a.id}`, { headers: bearer(b.token) })).status).toBe(401);
    expect((await fetch(`${url}/sessions/${a.id}`, { headers: { Authorization: `Basic ${a.token}` } })).status).toBe(401);
    // The query token is for the stream URL only.
    expect((await fetch(`${url}/sessions/${a.id}?token=${a.token}`)).status).toBe(401);

    const unknown = await fetch(`${url}/sessions/${"0".repeat(32)}`, { headers: bearer(a.token) });
    expect(unknown.status).toBe(404);
    expect((await fetch(`${url}/sessions/not-an-id`, { headers: bearer(a.token) })).status).toBe(404);
  });

  it("POST /sessions/{id}/heartbeat records activity and answers the session", async () => {
    const { url } = await startFullServer();
    const s = await createSession(url);
    const res = await fetch(`${url}/sessions/${s.id}/heartbeat`, { method: "POST", headers: bearer(s.token) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ id: s.id, lastActivityKind: "heartbeat" });
    expect(Date.parse(body.idleDeadlineAt)).toBe(Date.parse(body.lastActivityAt) + body.idleTimeoutMs);
  });

  it("POST /sessions/{id}/extend moves the hard deadline (clamped to the max extension); 400 for bad byMs; 409 when extending is off", async () => {
    const { url } = await startFullServer(["--session-max-extension-ms", "60000"]);
    const s = await createSession(url);
    const before = Date.parse(String(s.body.hardDeadlineAt));
    const res = await fetch(`${url}/sessions/${s.id}/extend`, { method: "POST", ...json({ byMs: 3_600_000 }, bearer(s.token)) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ sessionId: s.id, grantedMs: 60_000 });
    expect(Date.parse(body.hardDeadlineAt)).toBe(before + 60_000);
    for (const bad of [{}, { byMs: 0 }, { byMs: 1.5 }, { byMs: "60000" }]) {
      const r = await fetch(`${url}/sessions/${s.id}/extend`, { method: "POST", headers: { ...bearer(s.token), "Content-Type": "application/json" }, body: JSON.stringify(bad) });
      expect(r.status, JSON.stringify(bad)).toBe(400);
    }

    const off = await startFullServer(["--session-max-extension-ms", "0"]);
    const t = await createSession(off.url);
    const refused = await fetch(`${off.url}/sessions/${t.id}/extend`, { method: "POST", ...json({ byMs: 1000 }, bearer(t.token)) });
    expect(refused.status).toBe(409);
  });

  it("DELETE /sessions/{id} ends the session (user_requested): 204, then 410 with the reason", async () => {
    const { url, governance } = await startFullServer();
    const s = await createSession(url);
    const res = await fetch(`${url}/sessions/${s.id}`, { method: "DELETE", headers: bearer(s.token) });
    expect(res.status).toBe(204);
    expect(governance.sessions.get(s.id)?.termination).toMatchObject({ reason: "user_requested", actor: `session:${s.id}` });
    const again = await fetch(`${url}/sessions/${s.id}`, { method: "DELETE", headers: bearer(s.token) });
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ status: 410, sessionId: s.id, reason: "user_requested" });
  });
});

describe("GET /sessions/{id}/channels/{n}/stream.ts (governed)", () => {
  it("streams MPEG-TS with the bearer header or ?token=, holding a slot while open and freeing it when the client leaves", async () => {
    const { url, governance } = await startFullServer();
    const s = await createSession(url);
    const viaHeader = await openStream(`${url}/sessions/${s.id}/channels/1/stream.ts`, bearer(s.token));
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.headers["content-type"]).toBe("video/mp2t");
    const viaQuery = await openStream(`${url}/sessions/${s.id}/channels/1/stream.ts?token=${encodeURIComponent(s.token)}`);
    expect(viaQuery.status).toBe(200);
    expect(probeTransportStream(await viaQuery.waitForBytes(188 * 50)).valid).toBe(true);
    expect(governance.governor.activeSlots(s.id as never)).toBe(2);
    const status = (await (await fetch(`${url}/sessions/${s.id}`, { headers: bearer(s.token) })).json()) as Record<string, any>;
    expect(status.openStreams).toHaveLength(2);

    viaHeader.destroy();
    viaQuery.destroy();
    await eventually("slots released", () => governance.governor.activeSlots(s.id as never) === 0);
  });

  it("401 without a token, 404 for an unknown channel (slot released)", async () => {
    const { url, governance } = await startFullServer();
    const s = await createSession(url);
    expect((await fetch(`${url}/sessions/${s.id}/channels/1/stream.ts`)).status).toBe(401);
    expect((await fetch(`${url}/sessions/${s.id}/channels/1/stream.ts?token=wrong`)).status).toBe(401);
    const unknown = await fetch(`${url}/sessions/${s.id}/channels/77/stream.ts`, { headers: bearer(s.token) });
    expect(unknown.status).toBe(404);
    expect(governance.governor.activeSlots(s.id as never)).toBe(0);
  });

  it("ends the stream when an operator terminates the session, then answers 410", async () => {
    const { url, adminToken, director } = await startFullServer();
    const s = await createSession(url);
    const stream = await openStream(`${url}/sessions/${s.id}/channels/2/stream.ts`, bearer(s.token));
    await stream.waitForBytes(188 * 10);
    const res = await fetch(`${url}/admin/sessions/${s.id}/terminate`, { method: "POST", headers: bearer(adminToken) });
    expect(res.status).toBe(200);
    const bytes = await stream.ended;
    expect(probeTransportStream(bytes).syncErrors).toBe(0);
    await eventually("viewer left", () => director.viewerCount === 0);
    const after = await fetch(`${url}/sessions/${s.id}/channels/2/stream.ts`, { headers: bearer(s.token) });
    expect(after.status).toBe(410);
    expect(await after.json()).toMatchObject({ sessionId: s.id, reason: "admin_terminated" });
  });

  it("ends the stream when the session passes its max lifetime (max_lifetime)", async () => {
    const { url, governance } = await startFullServer();
    const s = await createSession(url, { limits: { maxLifetimeMs: 2_500 } });
    const stream = await openStream(`${url}/sessions/${s.id}/channels/1/stream.ts`, bearer(s.token));
    expect(stream.status).toBe(200);
    await stream.ended;
    expect(governance.sessions.get(s.id)?.termination?.reason).toBe("max_lifetime");
    expect((await fetch(`${url}/sessions/${s.id}`, { headers: bearer(s.token) })).status).toBe(410);
  });

  it("terminate policy: a stream over the limit terminates the session (410 concurrency_limit) and ends its open stream", async () => {
    const { url } = await startFullServer(["--max-streams-per-session", "1"]);
    const s = await createSession(url);
    const first = await openStream(`${url}/sessions/${s.id}/channels/1/stream.ts`, bearer(s.token));
    expect(first.status).toBe(200);
    const second = await fetch(`${url}/sessions/${s.id}/channels/2/stream.ts`, { headers: bearer(s.token) });
    expect(second.status).toBe(410);
    expect(await second.json()).toMatchObject({ reason: "concurrency_limit", sessionId: s.id });
    await first.ended;
  });

  it("reject policy: a stream over the limit is 429 with Retry-After and {limit, active}; the session and its stream live on", async () => {
    const { url, governance } = await startFullServer(["--max-streams-per-session", "1", "--concurrency-policy", "reject"]);
    const s = await createSession(url);
    const first = await openStream(`${url}/sessions/${s.id}/channels/1/stream.ts`, bearer(s.token));
    const second = await fetch(`${url}/sessions/${s.id}/channels/1/stream.ts`, { headers: bearer(s.token) });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("5");
    expect(await second.json()).toMatchObject({ limit: 1, active: 1, sessionId: s.id });
    expect(governance.sessions.get(s.id)?.state).toBe("live");
    const more = first.received;
    await first.waitForBytes(more + 188);
  });
});
