// Session governance through the server, end to end: a session terminated by an operator,
// by its idle timeout or by its max lifetime answers 410 problem+json on every session
// route; its open stream ends; its channel then tears down through the teardown gate
// (at once in LIVE, deferred in a transient state); and a server restarted on the same
// data directory (the same SQLite file) still answers 410 for it.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startContractServer, type ContractServer } from "./support/contract-server.js";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { startScenario, TIMING, tuneUntil, type Scenario } from "./support/scenario.js";
import { openViewer, type Viewer } from "./support/viewer.js";
import { sleep, waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

interface Session {
  readonly id: string;
  readonly token: string;
}

async function createSession(s: ContractServer, limits?: Record<string, number>): Promise<Session> {
  const answer = await s.http("/sessions", { method: "POST", body: limits === undefined ? {} : { limits } });
  expect(answer.status, answer.text).toBe(201);
  const body = answer.json as { id: string; token: string };
  return { id: body.id, token: body.token };
}

function watch(s: ContractServer, session: Session, n: number): Promise<Viewer> {
  return openViewer(`${s.baseUrl}/sessions/${session.id}/channels/${n}/stream.ts?token=${encodeURIComponent(session.token)}`);
}

/** Every session-scoped route of the server's own route table, as a request for `session`. */
function sessionRoutes(s: ContractServer): Array<{ method: string; path: string }> {
  const routes = s.server.routes.filter((r) => r.path.startsWith("/sessions/:id"));
  expect(routes.length).toBeGreaterThanOrEqual(5);
  return routes.map((r) => ({ method: r.method, path: r.path }));
}

/** Asserts 410 problem+json naming the session and the first reason on every session route (and HEAD of the stream). */
async function expectGoneEverywhere(s: ContractServer, session: Session, reason: string): Promise<void> {
  for (const r of sessionRoutes(s)) {
    const path = r.path.replace(":id", session.id).replace(":n", "1");
    const answer = await s.http(path, {
      method: r.method,
      headers: { authorization: `Bearer ${session.token}` },
      ...(r.method === "POST" ? { body: path.endsWith("/extend") ? { byMs: 1_000 } : {} } : {}),
    });
    const what = `${r.method} ${r.path}`;
    expect(answer.status, `${what}: ${answer.text}`).toBe(410);
    expect(String(answer.headers["content-type"]), what).toContain("application/problem+json");
    expect(answer.json, what).toMatchObject({ status: 410, sessionId: session.id, reason });
    expect(typeof (answer.json as { terminatedAt: unknown }).terminatedAt, what).toBe("string");
  }
}

/** The channel's teardown after `atMs`: DetachStream then StopChannel, not before `notBeforeMs`, and at once after it. */
async function expectTeardownThroughGate(sc: Scenario, n: number, atMs: number, notBeforeMs: number): Promise<void> {
  await sc.waitIdle();
  const t = await sc.timeline(n);
  expect(t.between(atMs, notBeforeMs, "DetachStream", "StopChannel"), t.describe(atMs)).toEqual([]);
  const teardown = t.since(atMs, "DetachStream", "StopChannel");
  expect(teardown.map((c) => c.method), t.describe(atMs)).toEqual(["DetachStream", "StopChannel"]);
  expect(teardown[0]!.receivedAtMs - notBeforeMs).toBeLessThanOrEqual(TIMING.atOnceMs);
}

describe("session governance through the server (server + fake AIR process + SQLite file)", () => {
  it("an operator-terminated session: 410 on every route, its stream ends, the LIVE channel tears down at once", async () => {
    const sc = await startScenario();
    const s = sc.server;
    const session = await createSession(s);
    const viewer = await watch(s, session, 1);
    expect(viewer.status).toBe(200);
    await sc.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    await viewer.waitForBytes(188 * 10);
    const terminatedAtMs = Date.now();
    const answer = await s.admin(`/admin/sessions/${session.id}/terminate`, { method: "POST" });
    expect(answer.json).toMatchObject({ sessionId: session.id, won: true, reason: "admin_terminated" });
    const end = await viewer.waitForEnd(TIMING.atOnceMs);
    expect(end.how).toBe("ended");
    await expectGoneEverywhere(s, session, "admin_terminated");
    await expectTeardownThroughGate(sc, 1, terminatedAtMs, terminatedAtMs);
    // A second termination is a no-op that reports the first.
    const again = await s.admin(`/admin/sessions/${session.id}/terminate`, { method: "POST" });
    expect(again.json).toMatchObject({ won: false, reason: "admin_terminated" });
  });

  it("a session terminated while its channel is mid-transition: the stream ends at once, the teardown waits for LIVE", async () => {
    const sc = await startScenario({ teardownGraceMs: 8_000 });
    const s = sc.server;
    const session = await createSession(s);
    const viewer = await watch(s, session, 1);
    expect(viewer.status).toBe(200);
    await sc.waitChannel(1, (c) => c.boundaryState === "SWITCH_SCHEDULED", "SWITCH_SCHEDULED");
    const terminatedAtMs = Date.now();
    await s.admin(`/admin/sessions/${session.id}/terminate`, { method: "POST" });
    await viewer.waitForEnd(TIMING.atOnceMs);
    const pending = await sc.waitChannel(1, (c) => c.teardownPending, "teardown pending");
    expect(pending.viewers).toBe(0);
    await expectGoneEverywhere(s, session, "admin_terminated");
    const sw = (await sc.waitCalls(1, (t) => t.first("SwitchToLive")?.answeredAtMs !== undefined, "the switch answered")).first("SwitchToLive")!;
    await expectTeardownThroughGate(sc, 1, terminatedAtMs, sw.answeredAtMs!);
  });

  it("a session past its max lifetime while streaming: the stream ends at the deadline, 410 max_lifetime, the channel tears down", async () => {
    const sc = await startScenario();
    const s = sc.server;
    const session = await createSession(s, { maxLifetimeMs: 4_000 });
    const createdAtMs = Date.now();
    const viewer = await watch(s, session, 1);
    expect(viewer.status).toBe(200);
    await sc.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    const end = await viewer.waitForEnd(4_000 + TIMING.atOnceMs);
    expect(end.how).toBe("ended");
    expect(end.atMs - createdAtMs).toBeGreaterThanOrEqual(4_000 - 100);
    expect(end.atMs - createdAtMs).toBeLessThanOrEqual(4_000 + TIMING.atOnceMs);
    await expectGoneEverywhere(s, session, "max_lifetime");
    await expectTeardownThroughGate(sc, 1, end.atMs - 50, end.atMs - 50);
    console.info(`[sessions] max lifetime 4000 ms: stream ended ${end.atMs - createdAtMs} ms after creation`);
  });

  it("an idle session answers 410 idle_timeout everywhere; all three terminations survive a restart on the same data dir", async () => {
    const sc = await startScenario();
    const s = sc.server;
    const idle = await createSession(s, { idleTimeoutMs: 1_000 });
    const operator = await createSession(s);
    const lifetime = await createSession(s, { maxLifetimeMs: 1_500 });
    const alive = await createSession(s);
    await s.admin(`/admin/sessions/${operator.id}/terminate`, { method: "POST" });
    await sleep(1_600);
    await expectGoneEverywhere(s, idle, "idle_timeout");
    await expectGoneEverywhere(s, operator, "admin_terminated");
    await expectGoneEverywhere(s, lifetime, "max_lifetime");
    const before = await s.http(`/sessions/${idle.id}`, { headers: { authorization: `Bearer ${idle.token}` } });
    // A live session still answers.
    expect((await s.http(`/sessions/${alive.id}`, { headers: { authorization: `Bearer ${alive.token}` } })).status).toBe(200);

    await s.close();
    const restarted = await startContractServer({ air: { mode: "connect", address: sc.air!.address }, dataDir: s.dataDir });
    await expectGoneEverywhere(restarted, idle, "idle_timeout");
    await expectGoneEverywhere(restarted, operator, "admin_terminated");
    await expectGoneEverywhere(restarted, lifetime, "max_lifetime");
    const after = await restarted.http(`/sessions/${idle.id}`, { headers: { authorization: `Bearer ${idle.token}` } });
    // Same tombstone: same reason and termination instant.
    expect(after.json).toMatchObject({ terminatedAt: (before.json as { terminatedAt: string }).terminatedAt });
    const stillAlive = await restarted.http(`/sessions/${alive.id}`, { headers: { authorization: `Bearer ${alive.token}` } });
    expect(stillAlive.status).toBe(200);
    await waitFor(async () => (await restarted.http("/readyz")).status === 200, { what: "restarted server ready" });
  });
});
