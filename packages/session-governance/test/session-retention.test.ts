import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { InvalidArgumentError } from "../src/errors.js";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

const DAY = 86_400_000;

// GOVERNANCE guarantee 4: tombstones answer "gone" for the retention period, then they and
// their audit are purged in small batches; live sessions are never touched.
describe("retention", () => {
  const fx = useFixture();
  const policy = { ...SMALL_POLICY, maxSessionsPerOwner: 1000, defaults: { ...SMALL_POLICY.defaults, idleTimeoutMs: 20_000 }, maxTotalLifetimeMs: 120 * DAY, ceilings: { ...SMALL_POLICY.ceilings, maxLifetimeMs: 90 * DAY } };

  function count(path: string): { sessions: number; events: number } {
    const db = new Database(path, { readonly: true });
    try {
      const one = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      return { sessions: one("SELECT count(*) AS n FROM sessions"), events: one("SELECT count(*) AS n FROM session_events") };
    } finally {
      db.close();
    }
  }

  test("terminated sessions are kept until the retention period has passed, then purged with their audit, in batches", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy, retention: { sessionRetentionMs: 2 * DAY, auditRetentionMs: 2 * DAY } });
    const ended = Array.from({ length: 5 }, () => createSession(gov).id);
    for (const id of ended) gov.termination.terminate(id, "user_requested", "session:self");
    const live = createSession(gov, "device:live", { maxLifetimeMs: 80 * DAY, idleTimeoutMs: 20_000 }).id;
    clock.advance(2 * DAY - 1);
    expect(gov.retention.purgeBatch(2)).toEqual({ sessions: 0, events: 0, more: false });
    expect(gov.sessions.get(ended[0])?.state).toBe("terminated");
    clock.advance(1);
    expect(gov.retention.purgeBatch(2)).toEqual({ sessions: 2, events: 0, more: true });
    expect(gov.retention.purgeBatch(2)).toEqual({ sessions: 2, events: 0, more: true });
    expect(gov.retention.purgeBatch(2)).toMatchObject({ sessions: 1, more: false });
    expect(gov.sessions.get(ended[0])).toBeUndefined();
    // The live session (created 2 days ago) and its audit are untouched.
    expect(gov.sessions.get(live)?.state).toBe("live");
    expect(count(fx.dbPath())).toEqual({ sessions: 1, events: 1 });
  });

  test("audit rows of a tombstone older than the audit retention go first; the tombstone still answers gone", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy, retention: { sessionRetentionMs: 10 * DAY, auditRetentionMs: 1 * DAY } });
    const { id } = createSession(gov);
    gov.termination.terminate(id, "user_requested", "session:self");
    clock.advance(DAY + 1);
    expect(gov.retention.purgeBatch(100)).toEqual({ sessions: 0, events: 2, more: false });
    expect(gov.governor.admit(id, "status")).toMatchObject({ kind: "gone", reason: "user_requested" });
    expect(count(fx.dbPath())).toEqual({ sessions: 1, events: 0 });
  });

  test("audit retention longer than the session retention, or a batch < 1, is refused", () => {
    const clock = new ManualClock(T0);
    expect(() => fx.open(clock, { policy, retention: { sessionRetentionMs: DAY, auditRetentionMs: 2 * DAY } })).toThrow(InvalidArgumentError);
    const gov = fx.open(clock, { policy });
    expect(gov.retention.policy).toEqual({ sessionRetentionMs: 30 * DAY, auditRetentionMs: 30 * DAY });
    expect(() => gov.retention.purgeBatch(0)).toThrow(InvalidArgumentError);
  });
});
