import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// GOVERNANCE guarantee 2: activity is no promise, so short operations (status, heartbeat)
// record it in memory and write it for all sessions in one transaction per flush interval,
// without an fsync. Terminations stay durable at once. A crash loses at most the activity
// of the last flush interval.
const CHILD = fileURLToPath(new URL("./fixtures/activity-crash-child.ts", import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

describe("activity written in batches", () => {
  const fx = useFixture();
  const stored = (id: string): number => (fx.raw().prepare("SELECT last_activity_at AS t FROM sessions WHERE id = ?").get(id) as { t: number }).t;

  test("a heartbeat is seen at once by the gate and the view, and written within the flush interval", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null, activityFlushMs: 1_000 });
    const { id } = createSession(gov);
    clock.advance(500);
    expect(gov.sessions.heartbeat(id).kind).toBe("ok");
    expect(gov.sessions.get(id)?.lastActivityAtMs).toBe(T0 + 500);
    expect(stored(id)).toBe(T0);
    expect(gov.governor.pendingActivity).toBe(1);
    clock.advance(999);
    expect(stored(id)).toBe(T0);
    clock.advance(1);
    expect(stored(id)).toBe(T0 + 500);
    expect(gov.governor.pendingActivity).toBe(0);
    // The idle clock ran from the heartbeat, not from the row as first written.
    clock.advanceTo(T0 + 500 + 10_000 - 1);
    expect(gov.governor.admit(id, "status").kind).toBe("admitted");
  });

  test("viewOf(handle) answers what get() would, from the row the gate read", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    clock.advance(700);
    const decision = gov.governor.admit(id, "status");
    if (decision.kind !== "admitted") throw new Error(decision.kind);
    expect(gov.sessions.viewOf(decision.handle)).toEqual(gov.sessions.get(id));
    expect(gov.sessions.viewOf(decision.handle).lastActivityAtMs).toBe(T0 + 700);
  });

  test("an admission that changes nothing writes nothing", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    gov.governor.admit(id, "create").kind === "admitted" || expect.unreachable();
    expect(gov.governor.pendingActivity).toBe(0);
    expect(clock.armedTimerCount).toBe(0);
  });

  test("pending activity keeps a session alive through a sweep, and close writes it", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null, activityFlushMs: 5_000 });
    const { id } = createSession(gov);
    clock.advance(9_000);
    gov.sessions.heartbeat(id); // written by T0 + 11 500 (the flush interval is capped at idle / 4)
    clock.advanceTo(T0 + 10_000); // idle by the stored row, not by the heartbeat
    expect(stored(id)).toBe(T0);
    expect(gov.governor.sweep().terminated).toEqual([]);
    expect(stored(id)).toBe(T0 + 9_000); // the sweep wrote pending activity before asking the DB
    expect(gov.sessions.get(id)?.state).toBe("live");
    clock.advance(1);
    gov.sessions.heartbeat(id);
    gov.close();
    expect(stored(id)).toBe(T0 + 10_001);
  });

  test("sweep works in batches and says when more remain", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: { ...SMALL_POLICY, maxSessionsPerOwner: 100 }, recheckIntervalMs: null });
    for (let i = 0; i < 5; i++) createSession(gov);
    clock.advance(10_000);
    expect(gov.governor.sweep(undefined, { maxSessions: 2 })).toMatchObject({ more: true });
    expect(gov.governor.sweep(undefined, { maxSessions: 2 }).terminated).toHaveLength(2);
    expect(gov.governor.sweep(undefined, { maxSessions: 2 })).toMatchObject({ more: false });
    expect(gov.sessions.list({ state: "live" }).sessions).toHaveLength(0);
  });

  test("kill -9: activity older than the flush interval survives; the idle clock restarts at most that much early", async () => {
    const path = fx.dbPath();
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, path, String(T0)], { cwd: PACKAGE_DIR, stdio: ["pipe", "pipe", "inherit"] });
    try {
      const lines: string[] = [];
      let wake: (() => void) | undefined;
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        lines.push(...chunk.split("\n").filter((l) => l !== ""));
        wake?.();
      });
      const next = async (): Promise<string> => {
        while (lines.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        return lines.shift() as string;
      };
      const send = async (line: string): Promise<string> => {
        child.stdin.write(`${line}\n`);
        return next();
      };
      expect(await next()).toBe("ready");
      const id = await send("create");
      await send("advance 3000");
      await send(`heartbeat ${id}`); // T0 + 3000: flushed at T0 + 4000
      await send("advance 1000");
      await send("advance 500");
      await send(`heartbeat ${id}`); // T0 + 4500: only in memory when the process dies
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGKILL");
      await gone;
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    const db = new Database(path, { readonly: true });
    const row = db.prepare("SELECT last_activity_at AS t, terminated_at AS ended FROM sessions").get() as { t: number; ended: number | null };
    db.close();
    // Lost: the heartbeat of the last 1 000 ms only. Kept: everything flushed.
    expect(row).toEqual({ t: T0 + 3_000, ended: null });
    const clock = new ManualClock(T0 + 4_500);
    const after = fx.open(clock, { policy: { defaults: { idleTimeoutMs: 10_000 }, maxSessionsPerOwner: 10 }, recheckIntervalMs: null });
    const [session] = after.sessions.list().sessions;
    clock.advanceTo(T0 + 3_000 + 10_000 - 1);
    expect(after.governor.admit(session?.id, "status").kind).toBe("admitted");
  }, 30_000);
});
