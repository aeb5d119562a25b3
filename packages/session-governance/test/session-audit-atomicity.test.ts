import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { StoreFailureError } from "../src/errors.js";
import { SessionStore } from "../src/session-store.js";
import { ManualClock, SMALL_POLICY, T0, counts, createSession, useFixture } from "./helpers.js";

// GOVERNANCE guarantee 10: every audit row is written in the same transaction as the change
// it records, so if the audit row cannot be written the change does not happen either.
// Store failures surface as typed StoreFailureError, never as a raw SQLite error.
describe("audit rows share the transaction of their change", () => {
  const fx = useFixture();

  function breakAudit(): Database.Database {
    const rw = new Database(fx.dbPath());
    rw.exec("CREATE TRIGGER test_audit_broken BEFORE INSERT ON session_events BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;");
    return rw;
  }

  test("terminate: no audit row → no termination (and no hook)", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    let hooks = 0;
    gov.termination.onTerminated(() => void (hooks += 1));
    const rw = breakAudit();
    try {
      expect(() => gov.termination.terminate(id, "admin_terminated", "operator:ann")).toThrow(StoreFailureError);
      expect(gov.sessions.get(id)?.state).toBe("live");
      expect(hooks).toBe(0);
      rw.exec("DROP TRIGGER test_audit_broken");
    } finally {
      rw.close();
    }
    expect(gov.termination.terminate(id, "admin_terminated", "operator:ann")).toMatchObject({ won: true });
    expect(hooks).toBe(1);
  });

  test("a governor-decided termination: no audit row → error, session untouched", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    clock.advance(10_000);
    const rw = breakAudit();
    try {
      expect(() => gov.governor.admit(id, "status")).toThrow(expect.objectContaining({ code: "store_failure", sqliteCode: "SQLITE_CONSTRAINT_TRIGGER" }));
      expect(gov.sessions.get(id)?.state).toBe("live");
    } finally {
      rw.close();
    }
  });

  test("create: no audit row → no session", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    const rw = breakAudit();
    try {
      expect(() => gov.sessions.create({ ownerId: "device:tv-1" })).toThrow(StoreFailureError);
    } finally {
      rw.close();
    }
    expect(counts(fx.raw())).toEqual({ sessions: 0, events: 0, terminated: 0 });
  });

  test("extend: no audit row → deadline unchanged", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const rw = breakAudit();
    try {
      expect(() => gov.sessions.extend(id, 5_000, "session:self")).toThrow(StoreFailureError);
    } finally {
      rw.close();
    }
    expect(gov.sessions.get(id)?.hardDeadlineAtMs).toBe(T0 + 60_000);
  });

  test("a write lock held elsewhere beyond the busy timeout → StoreFailureError(SQLITE_BUSY), nothing written", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY, busyTimeoutMs: 0 });
    const { id } = createSession(gov);
    const rw = new Database(fx.dbPath());
    try {
      rw.exec("BEGIN IMMEDIATE");
      let error: unknown;
      try {
        gov.termination.terminate(id, "admin_terminated", "operator:ann");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreFailureError);
      expect((error as StoreFailureError).sqliteCode).toMatch(/^SQLITE_BUSY/);
      rw.exec("ROLLBACK");
    } finally {
      rw.close();
    }
    expect(gov.sessions.get(id)?.state).toBe("live");
    expect(gov.termination.terminate(id, "admin_terminated", "operator:ann")).toMatchObject({ won: true });
  });

  test("an unopenable path → StoreFailureError(SQLITE_CANTOPEN)", () => {
    expect(() => SessionStore.open({ path: join(fx.dir(), "missing-dir", "x.db") })).toThrow(
      expect.objectContaining({ code: "store_failure", sqliteCode: "SQLITE_CANTOPEN" }),
    );
  });
});
