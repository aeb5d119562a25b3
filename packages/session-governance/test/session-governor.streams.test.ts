import { describe, expect, test } from "vitest";
import { InvalidArgumentError } from "../src/errors.js";
import { SessionStore } from "../src/session-store.js";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// GOVERNANCE guarantee 7: a long-running operation is evaluated again while it runs, so a
// session cannot outlive its max lifetime while streaming (INV-SESSION-LIFETIME-STREAM-001).
// SMALL_POLICY: idle 10 000 ms, lifetime 60 000 ms.
describe("SessionGovernor: running (slot-holding) operations", () => {
  const fx = useFixture();

  function admitStream(gov: ReturnType<typeof fx.open>, id: string) {
    const d = gov.governor.admit(id, "stream");
    if (d.kind !== "admitted") throw new Error(`stream refused: ${JSON.stringify(d)}`);
    return d.handle;
  }

  test("a running stream is activity: the idle timeout does not fire while it runs", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    clock.advance(45_000);
    expect(gov.sessions.get(id)?.idleDeadlineAtMs).toBeNull();
    expect(gov.governor.admit(id, "heartbeat").kind).toBe("admitted");
    stream.release();
  });

  test("release records activity at the release instant, restarting the idle clock from there", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    clock.advance(40_000);
    stream.release();
    expect(gov.sessions.get(id)).toMatchObject({ lastActivityAtMs: T0 + 40_000, lastActivityKind: "stream", idleDeadlineAtMs: T0 + 50_000 });
    clock.advance(9_999);
    expect(gov.governor.admit(id, "status").kind).toBe("admitted");
  });

  test("automatic recheck ends a stream exactly at the max-lifetime deadline, not 1 ms before", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    clock.advanceTo(T0 + 60_000 - 1);
    expect(stream.signal.aborted).toBe(false);
    expect(gov.sessions.get(id)?.state).toBe("live");
    clock.advance(1);
    const gone = { kind: "gone", sessionId: id, reason: "max_lifetime", terminatedAtMs: T0 + 60_000, actor: "system:governor" };
    expect(stream.signal.aborted).toBe(true);
    expect(stream.signal.reason).toEqual(gone);
    expect(stream.released).toBe(true);
    expect(gov.governor.activeSlots(id)).toBe(0);
    expect(gov.sessions.get(id)?.termination).toEqual({ reason: "max_lifetime", terminatedAtMs: T0 + 60_000, actor: "system:governor" });
    expect(clock.armedTimerCount).toBe(0);
  });

  test("automatic rechecks refresh last_activity_at in the DB while streaming (at most half the idle timeout apart)", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    clock.advance(5_000);
    expect(gov.store.getSession(id)?.lastActivityAtMs).toBe(T0 + 5_000);
    clock.advance(22_000);
    expect(gov.store.getSession(id)?.lastActivityAtMs).toBe(T0 + 25_000);
    stream.release();
    expect(clock.armedTimerCount).toBe(0);
  });

  test("stillAllowed: allowed before the deadline (and refreshes activity), gone at it, released after release", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    clock.advanceTo(T0 + 59_999);
    expect(gov.governor.stillAllowed(stream)).toEqual({ kind: "allowed" });
    expect(gov.store.getSession(id)?.lastActivityAtMs).toBe(T0 + 59_999);
    clock.advance(1);
    expect(gov.governor.stillAllowed(stream)).toMatchObject({ kind: "gone", reason: "max_lifetime", terminatedAtMs: T0 + 60_000 });
    expect(stream.released).toBe(true);
    expect(gov.governor.stillAllowed(stream)).toEqual({ kind: "released" });
  });

  test("stillAllowed rejects a handle issued by another governor", () => {
    const clock = new ManualClock(T0);
    const a = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const b = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(a);
    const stream = admitStream(a, id);
    expect(() => b.governor.stillAllowed(stream)).toThrow(InvalidArgumentError);
    expect(() => b.governor.stillAllowed({ ...stream })).toThrow(InvalidArgumentError);
  });

  test("a termination won in this process ends the session's streams at once, with the standing reason", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const s1 = admitStream(gov, id);
    const s2 = admitStream(gov, id);
    gov.termination.terminate(id, "admin_terminated", "operator:ann");
    for (const s of [s1, s2]) expect(s.signal.reason).toMatchObject({ kind: "gone", reason: "admin_terminated", actor: "operator:ann" });
    expect(gov.governor.activeSlots(id)).toBe(0);
    expect(clock.armedTimerCount).toBe(0);
  });

  test("a termination by another connection is noticed by the next automatic recheck", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: 1_000 });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    const other = SessionStore.open({ path: fx.dbPath() });
    try {
      other.markTerminated(id, T0 + 10, "host_shutdown", "system:other");
    } finally {
      other.close();
    }
    clock.advance(999);
    expect(stream.signal.aborted).toBe(false);
    clock.advance(1);
    expect(stream.signal.reason).toMatchObject({ kind: "gone", reason: "host_shutdown", terminatedAtMs: T0 + 10 });
  });

  test("extend moves a running stream's deadline: it survives the old deadline and ends at the new one", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    clock.advance(50_000);
    expect(gov.sessions.extend(id, 20_000, "session:self")).toMatchObject({ kind: "extended", hardDeadlineAtMs: T0 + 80_000 });
    clock.advanceTo(T0 + 79_999);
    expect(stream.signal.aborted).toBe(false);
    clock.advance(1);
    expect(stream.signal.reason).toMatchObject({ kind: "gone", reason: "max_lifetime", terminatedAtMs: T0 + 80_000 });
  });

  test("close ends running operations with { kind: 'closed' } and clears every timer", () => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    const stream = admitStream(gov, id);
    expect(clock.armedTimerCount).toBe(1);
    gov.close();
    expect(stream.signal.reason).toEqual({ kind: "closed" });
    expect(clock.armedTimerCount).toBe(0);
    expect(() => gov.governor.admit(id, "stream")).toThrow(expect.objectContaining({ code: "store_closed" }));
  });
});
