import Database from "better-sqlite3";
import { describe, expect, test, vi } from "vitest";
import { InvalidActorError, InvalidReasonError, InvalidSessionIdError } from "../src/errors.js";
import type { Logger } from "../src/logger.js";
import type { TerminationEvent } from "../src/session-termination-service.js";
import { TERMINATION_REASONS } from "../src/termination-reason.js";
import { ManualClock, SMALL_POLICY, T0, counts, createSession, useFixture } from "./helpers.js";

function capturingLogger(): Logger & { lines: Array<{ level: string; fields: Record<string, unknown> }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown> }> = [];
  const at = (level: string) => (fields: Record<string, unknown>) => void lines.push({ level, fields });
  const logger = { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => logger };
  return logger;
}

describe("SessionTerminationService.terminate", () => {
  const fx = useFixture();

  test("the first call wins, writes one audit row, and later calls report the first reason (INV-SESSION-TERMINATION-ONCE-001)", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    clock.advance(10);
    const first = gov.termination.terminate(id, "user_requested", "session:self");
    expect(first).toEqual({ kind: "terminated", won: true, sessionId: id, reason: "user_requested", actor: "session:self", terminatedAtMs: T0 + 10 });
    clock.advance(10);
    const second = gov.termination.terminate(id, "admin_terminated", "operator:ann");
    expect(second).toEqual({ ...first, won: false });
    const terminatedRows = fx.raw().prepare("SELECT kind, actor, data FROM session_events WHERE kind = 'terminated'").all();
    expect(terminatedRows).toEqual([{ kind: "terminated", actor: "session:self", data: JSON.stringify({ reason: "user_requested" }) }]);
    expect(gov.sessions.get(id)?.termination).toEqual({ reason: "user_requested", terminatedAtMs: T0 + 10, actor: "session:self" });
  });

  test("is irreversible: a terminated session answers gone to every operation, forever", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    gov.termination.terminate(id, "admin_terminated", "operator:ann");
    for (const op of ["stream", "heartbeat", "status", "extend", "end"]) {
      expect(gov.governor.admit(id, op)).toMatchObject({ kind: "gone", reason: "admin_terminated", terminatedAtMs: T0 });
    }
    expect(gov.sessions.heartbeat(id).kind).toBe("gone");
    expect(gov.sessions.extend(id, 1_000, "operator:ann").kind).toBe("gone");
    expect(gov.sessions.get(id)?.hardDeadlineAtMs).toBe(T0 + 60_000);
  });

  test("unknown (well-formed) ids are not_found and write nothing", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    expect(gov.termination.terminate("f".repeat(32), "admin_terminated", "operator:ann")).toEqual({ kind: "not_found", sessionId: "f".repeat(32) });
    expect(counts(fx.raw())).toEqual({ sessions: 0, events: 0, terminated: 0 });
  });

  test.each([
    ["id", () => ["../etc", "admin_terminated", "operator:ann"], InvalidSessionIdError],
    ["id", () => ["F".repeat(32), "admin_terminated", "operator:ann"], InvalidSessionIdError],
    ["id", () => [42, "admin_terminated", "operator:ann"], InvalidSessionIdError],
    ["reason", (id: string) => [id, "bored", "operator:ann"], InvalidReasonError],
    ["reason", (id: string) => [id, "IDLE_TIMEOUT", "operator:ann"], InvalidReasonError],
    ["reason", (id: string) => [id, null, "operator:ann"], InvalidReasonError],
    ["actor", (id: string) => [id, "admin_terminated", ""], InvalidActorError],
    ["actor", (id: string) => [id, "admin_terminated", "drop table; --"], InvalidActorError],
    ["actor", (id: string) => [id, "admin_terminated", "x".repeat(201)], InvalidActorError],
  ] as const)("garbage %s → typed error, nothing written", (_what, args, ErrorClass) => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const before = counts(fx.raw());
    const [a, b, c] = args(id);
    expect(() => gov.termination.terminate(a, b, c)).toThrow(ErrorClass);
    expect(counts(fx.raw())).toEqual(before);
    expect(gov.sessions.get(id)?.state).toBe("live");
  });

  test("accepts every reason in the closed list", () => {
    const gov = fx.open(new ManualClock(T0), { policy: { ...SMALL_POLICY, maxSessionsPerOwner: 10 } });
    for (const reason of TERMINATION_REASONS) {
      const { id } = createSession(gov);
      expect(gov.termination.terminate(id, reason, "operator:ann")).toMatchObject({ won: true, reason });
    }
  });

  test("hooks run once, for the winning write, after commit", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const seen: Array<{ event: TerminationEvent; committed: unknown }> = [];
    const other = fx.raw();
    gov.termination.onTerminated((event) => {
      // A second connection sees the row already terminated: the hook runs after COMMIT.
      seen.push({ event, committed: other.prepare("SELECT termination_reason AS r FROM sessions WHERE id = ?").get(event.sessionId) });
    });
    gov.termination.terminate(id, "host_shutdown", "system:host");
    gov.termination.terminate(id, "admin_terminated", "operator:ann");
    gov.governor.admit(id, "stream");
    expect(seen).toEqual([
      {
        event: { sessionId: id, ownerId: "device:tv-1", reason: "host_shutdown", actor: "system:host", terminatedAtMs: T0 },
        committed: { r: "host_shutdown" },
      },
    ]);
  });

  test("a failing hook (throw or rejection) never changes the outcome; later hooks still run (INV-SESSION-HOOK-ISOLATION-001)", async () => {
    const logger = capturingLogger();
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, logger });
    const { id } = createSession(gov);
    const after = vi.fn();
    gov.termination.onTerminated(() => {
      throw new Error("boom");
    });
    gov.termination.onTerminated(() => Promise.reject(new Error("async boom")));
    gov.termination.onTerminated(after);
    const result = gov.termination.terminate(id, "admin_terminated", "operator:ann");
    expect(result).toMatchObject({ kind: "terminated", won: true, reason: "admin_terminated" });
    expect(after).toHaveBeenCalledTimes(1);
    await new Promise((resolve) => setImmediate(resolve));
    const failures = logger.lines.filter((l) => l.fields.invariant === "INV-SESSION-HOOK-ISOLATION-001");
    expect(failures).toHaveLength(2);
    expect(gov.sessions.get(id)?.termination?.reason).toBe("admin_terminated");
    expect(counts(fx.raw())).toMatchObject({ terminated: 1, events: 2 });
  });

  test("an unsubscribed hook is not called", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const hook = vi.fn();
    const off = gov.termination.onTerminated(hook);
    off();
    gov.termination.terminate(id, "admin_terminated", "operator:ann");
    expect(hook).not.toHaveBeenCalled();
  });

  test("two connections on one file, interleaved: exactly one winner, one audit row, first reason kept", () => {
    const clock = new ManualClock(T0);
    const a = fx.open(clock, { policy: SMALL_POLICY });
    const b = fx.open(clock, { policy: SMALL_POLICY });
    const hooksA = vi.fn();
    const hooksB = vi.fn();
    a.termination.onTerminated(hooksA);
    b.termination.onTerminated(hooksB);
    const { id } = createSession(a);
    const rb = b.termination.terminate(id, "user_requested", "session:self");
    const ra = a.termination.terminate(id, "admin_terminated", "operator:ann");
    expect(rb).toMatchObject({ won: true, reason: "user_requested" });
    expect(ra).toMatchObject({ won: false, reason: "user_requested", actor: "session:self" });
    expect(hooksB).toHaveBeenCalledTimes(1);
    expect(hooksA).not.toHaveBeenCalled();
    const db = new Database(fx.dbPath(), { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) AS n FROM session_events WHERE kind = 'terminated'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
