import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, createSession, eventually, startFullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked, makeTempDir } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

const owned = (owner: string) => ({ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ owner }) });

// Issue 14: a new `owner` per request must not lift the limits; the client address does.
describe("session admission per client address", () => {
  it("a new owner per request still meets the per-address limit: 429 with Retry-After and a problem body", async () => {
    const { url } = await startFullServer(["--max-sessions-per-client", "5", "--max-sessions-per-owner", "100"]);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetch(`${url}/sessions`, owned(`device:flood-${i}`))).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const refused = await fetch(`${url}/sessions`, owned("device:another"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("60");
    expect(await refused.json()).toMatchObject({ status: 429, reason: "client_limit", clientAddress: "127.0.0.1", limit: 5, active: 5 });
  });

  it("creation rate per address: a burst beyond it gets 429 + Retry-After, whatever the owner", async () => {
    const { url } = await startFullServer(["--session-create-rate", "3", "--max-sessions-per-owner", "100"]);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await fetch(`${url}/sessions`, owned(`device:r${i}`)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429, 429]);
    expect(Number(answers[3]?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await answers[3]?.json()).toMatchObject({ reason: "create_rate", clientAddress: "127.0.0.1" });
  });

  it("X-Forwarded-For is ignored unless the peer is a trusted proxy", async () => {
    const untrusted = await startFullServer(["--max-sessions-per-client", "2", "--max-sessions-per-owner", "100"]);
    const spoof = (i: number) => ({ ...owned(`device:x${i}`), headers: { "Content-Type": "application/json", "X-Forwarded-For": `203.0.113.${i}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${untrusted.url}/sessions`, spoof(i))).status);
    expect(statuses).toEqual([201, 201, 429]);
    const trusted = await startFullServer(["--max-sessions-per-client", "2", "--max-sessions-per-owner", "100", "--trusted-proxies", "127.0.0.1"]);
    const through: number[] = [];
    for (let i = 0; i < 3; i++) through.push((await fetch(`${trusted.url}/sessions`, spoof(i))).status);
    expect(through).toEqual([201, 201, 201]);
  });

  it("a global cap on live sessions answers 503 with Retry-After", async () => {
    const { url } = await startFullServer(["--max-live-sessions", "2", "--max-sessions-per-owner", "100"]);
    await createSession(url);
    await createSession(url);
    const res = await fetch(`${url}/sessions`, { method: "POST" });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(await res.json()).toMatchObject({ reason: "session_capacity", limit: 2 });
  });
});

// Issue 14 "the store can vanish unnoticed" and "files".
describe("the session store over HTTP", () => {
  it("data dir 0700, database files and admin token 0600", async () => {
    const dataDir = join(makeTempDir(), "data");
    const { url } = await startFullServer([], dataDir);
    await createSession(url);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of ["sessions.db", "sessions.db-wal", "sessions.db-shm", "admin-token"]) expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);
  });

  it("sessions.db deleted while running: /readyz not ready, writes 503, an ERROR log; after restart an acknowledged termination still answers 410", async () => {
    const dataDir = makeTempDir();
    const first = await startFullServer([], dataDir);
    const ended = await createSession(first.url);
    expect((await fetch(`${first.url}/sessions/${ended.id}`, { method: "DELETE", headers: bearer(ended.token) })).status).toBe(204);
    const kept = await createSession(first.url);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(join(dataDir, `sessions.db${suffix}`), { force: true });

    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { sessions: { ok: false, detail: expect.stringMatching(/^gone: the database file .* was deleted while open/) } } });
    const create = await fetch(`${first.url}/sessions`, { method: "POST" });
    expect(create.status).toBe(503);
    expect(create.headers.get("content-type")).toBe("application/problem+json");
    expect((await fetch(`${first.url}/sessions/${kept.id}`, { method: "DELETE", headers: bearer(kept.token) })).status).toBe(503);
    await eventually("the ERROR log and the saved copy", () =>
      first.logLines.some((l) => l.level === 50 && String(l.msg).includes("was deleted while open")) &&
      first.logLines.some((l) => String(l.msg).startsWith("every acknowledged session write was saved to")),
    );
    await first.server.close();

    const second = await startFullServer([], dataDir);
    const gone = await fetch(`${second.url}/sessions/${ended.id}`, { headers: bearer(ended.token) });
    expect(gone.status).toBe(410);
    expect(await gone.json()).toMatchObject({ reason: "user_requested" });
    // The termination refused with 503 was never acknowledged, and indeed did not happen.
    expect((await fetch(`${second.url}/sessions/${kept.id}`, { headers: bearer(kept.token) })).status).toBe(200);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
  });
});
