import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { StoreVersionError } from "../src/errors.js";
import { MIGRATIONS, SCHEMA_VERSION, migrate } from "../src/migrations.js";
import { SessionStore } from "../src/session-store.js";
import { ManualClock, SMALL_POLICY, T0, counts, createSession, useFixture } from "./helpers.js";

describe("SessionStore on a real file", () => {
  const fx = useFixture();

  test("opens in WAL mode with the busy timeout and full sync, at the current schema version", () => {
    const store = SessionStore.open({ path: fx.dbPath(), busyTimeoutMs: 1234 });
    try {
      expect(store.journalMode).toBe("wal");
      expect(store.busyTimeoutMs).toBe(1234);
      expect(store.synchronousLevel).toBe(2);
      expect(store.schemaVersion).toBe(SCHEMA_VERSION);
      const raw = fx.raw();
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(raw.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      store.close();
    }
  });

  test("stores every instant as an INTEGER of UTC epoch ms", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    clock.advance(5);
    gov.termination.terminate(id, "admin_terminated", "operator:ann");
    const row = fx.raw().prepare(`SELECT typeof(created_at) AS c, typeof(last_activity_at) AS a, typeof(hard_deadline_at) AS h,
      typeof(terminated_at) AS t, created_at, terminated_at FROM sessions`).get() as Record<string, unknown>;
    expect(row).toMatchObject({ c: "integer", a: "integer", h: "integer", t: "integer", created_at: T0, terminated_at: T0 + 5 });
    const ev = fx.raw().prepare("SELECT DISTINCT typeof(at) AS t FROM session_events").all();
    expect(ev).toEqual([{ t: "integer" }]);
  });

  test("a newer release opens an older file: a version-1 file with a session is migrated, data intact", () => {
    const path = fx.dbPath();
    const v1 = new Database(path);
    migrate(v1, MIGRATIONS.slice(0, 1));
    v1.prepare(`INSERT INTO sessions (id, owner_id, token_hash, created_at, last_activity_at, last_activity_kind,
        idle_timeout_ms, hard_deadline_at, max_deadline_at, max_concurrent_ops, concurrency_policy)
      VALUES (?, 'device:old', ?, ?, ?, 'create', 10000, ?, ?, 2, 'terminate')`).run("a".repeat(32), "0".repeat(64), T0, T0, T0 + 60_000, T0 + 120_000);
    expect(v1.pragma("user_version", { simple: true })).toBe(1);
    v1.close();

    const clock = new ManualClock(T0 + 9_999);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    expect(gov.store.schemaVersion).toBe(SCHEMA_VERSION);
    const indexes = fx.raw().prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'sessions_%'").all();
    expect(indexes.length).toBeGreaterThanOrEqual(4);
    // The old row answers like any other: live at 9 999 ms idle, and the sweep uses the new index.
    expect(gov.sessions.get("a".repeat(32))?.state).toBe("live");
    clock.advance(1);
    expect(gov.governor.sweep().terminated).toEqual([{ sessionId: "a".repeat(32), reason: "idle_timeout" }]);
  });

  test("migration applies only missing steps and is idempotent", () => {
    const db = new Database(fx.dbPath());
    try {
      expect(migrate(db)).toBe(SCHEMA_VERSION);
      expect(migrate(db)).toBe(SCHEMA_VERSION);
      const extra = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, description: "test", sql: "CREATE TABLE later (x INTEGER) STRICT;" }];
      expect(migrate(db, extra)).toBe(SCHEMA_VERSION + 1);
      expect(migrate(db, extra)).toBe(SCHEMA_VERSION + 1);
    } finally {
      db.close();
    }
  });

  test("refuses a file written by a newer release, before writing anything", () => {
    const path = fx.dbPath();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let error: unknown;
    try {
      SessionStore.open({ path });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreVersionError);
    expect(error).toMatchObject({ code: "store_version", fileVersion: SCHEMA_VERSION + 1, supportedVersion: SCHEMA_VERSION });
    const raw = fx.raw(path);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("delete");
  });

  test("the schema itself forbids clearing or rewriting a termination, editing the audit, and deleting a live session or its audit", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const live = createSession(gov).id;
    gov.termination.terminate(id, "user_requested", "session:self");
    const rw = new Database(fx.dbPath());
    try {
      expect(() => rw.prepare("UPDATE sessions SET terminated_at = NULL, termination_reason = NULL, termination_actor = NULL WHERE id = ?").run(id)).toThrow(/irreversible/);
      expect(() => rw.prepare("UPDATE sessions SET termination_reason = 'idle_timeout' WHERE id = ?").run(id)).toThrow(/irreversible/);
      expect(() => rw.prepare("UPDATE session_events SET kind = 'created'").run()).toThrow(/append-only/);
      // One statement touching a live session's audit is refused whole.
      expect(() => rw.prepare("DELETE FROM session_events").run()).toThrow(/append-only/);
      expect(() => rw.prepare("DELETE FROM session_events WHERE session_id = ?").run(live)).toThrow(/append-only/);
      expect(() => rw.prepare("DELETE FROM sessions WHERE id = ?").run(live)).toThrow(/live session cannot be deleted/);
      expect(() => rw.prepare("UPDATE sessions SET terminated_at = 1 WHERE id = 'x'").run()).not.toThrow();
    } finally {
      rw.close();
    }
    expect(counts(fx.raw())).toEqual({ sessions: 2, events: 3, terminated: 1 });
    expect(gov.sessions.get(id)?.termination?.reason).toBe("user_requested");
  });

  test("the schema rejects a reason outside the closed list", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const rw = new Database(fx.dbPath());
    try {
      expect(() => rw.prepare("UPDATE sessions SET terminated_at = 1, termination_reason = 'bored', termination_actor = 'x' WHERE id = ?").run(id)).toThrow(/CHECK/);
    } finally {
      rw.close();
    }
  });

  test("synchronous: normal is available as an option", () => {
    const store = SessionStore.open({ path: fx.dbPath(), synchronous: "normal" });
    try {
      expect(store.synchronousLevel).toBe(1);
      expect(store.busyTimeoutMs).toBe(5_000);
    } finally {
      store.close();
    }
  });

  test("calls after close throw StoreClosedError", () => {
    const store = SessionStore.open({ path: fx.dbPath() });
    store.close();
    store.close();
    expect(() => store.getSession("a".repeat(32))).toThrow(expect.objectContaining({ code: "store_closed" }));
  });
});
