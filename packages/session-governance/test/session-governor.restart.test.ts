import { describe, expect, test } from "vitest";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// GOVERNANCE guarantees 1, 2 and 4: the DB is the truth; a new process (new store, new
// governor) on the same file gives the same answers; tombstones stay "gone", never "not found".
const IDLE = 10_000;

describe("restart: close the DB, open a new store and governor on the same file", () => {
  const fx = useFixture();

  test("a terminated session answers gone with the same reason, time and actor after restart", () => {
    const clock = new ManualClock(T0);
    const before = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(before);
    clock.advance(1_234);
    const result = before.termination.terminate(id, "user_requested", "session:self");
    const answerBefore = before.governor.admit(id, "status");
    before.close();

    clock.advance(5 * 86_400_000);
    const after = fx.open(clock, { policy: SMALL_POLICY });
    const answerAfter = after.governor.admit(id, "status");
    expect(answerAfter).toEqual(answerBefore);
    expect(answerAfter).toEqual({ kind: "gone", sessionId: id, reason: "user_requested", terminatedAtMs: T0 + 1_234, actor: "session:self" });
    expect(after.termination.terminate(id, "admin_terminated", "operator:ann")).toEqual({ ...result, won: false });
    expect(after.sessions.events(id).events.map((e) => e.kind)).toEqual(["created", "terminated"]);
  });

  test("a session that went idle before the restart is terminated idle_timeout after it", () => {
    const clock = new ManualClock(T0);
    const before = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(before);
    clock.advance(3_000);
    expect(before.governor.admit(id, "heartbeat").kind).toBe("admitted");
    clock.advance(IDLE);
    expect(before.governor.admit(id, "status")).toMatchObject({ kind: "gone", reason: "idle_timeout", terminatedAtMs: T0 + 13_000 });
    before.close();

    clock.advance(1);
    const after = fx.open(clock, { policy: SMALL_POLICY });
    expect(after.governor.admit(id, "status")).toMatchObject({ kind: "gone", reason: "idle_timeout", terminatedAtMs: T0 + 13_000 });
  });

  test("the idle clock keeps running while the process is down: 1 ms before the deadline admitted, at it gone", () => {
    const clock = new ManualClock(T0);
    const first = fx.open(clock, { policy: SMALL_POLICY });
    const a = createSession(first, "device:a").id;
    const b = createSession(first, "device:b").id;
    clock.advance(2_000);
    first.governor.admit(a, "heartbeat");
    first.governor.admit(b, "heartbeat");
    first.close();

    clock.advanceTo(T0 + 2_000 + IDLE - 1);
    const second = fx.open(clock, { policy: SMALL_POLICY });
    expect(second.governor.admit(a, "status").kind).toBe("admitted");
    second.close();

    clock.advanceTo(T0 + 2_000 + IDLE);
    const third = fx.open(clock, { policy: SMALL_POLICY });
    expect(third.governor.admit(b, "status")).toMatchObject({ kind: "gone", reason: "idle_timeout", terminatedAtMs: T0 + 2_000 + IDLE });
  });

  test("the frozen policy survives a restart with a different configuration", () => {
    const clock = new ManualClock(T0);
    const before = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(before);
    before.close();
    const after = fx.open(clock, { policy: { ...SMALL_POLICY, defaults: { ...SMALL_POLICY.defaults, idleTimeoutMs: 20_000 } } });
    clock.advance(IDLE);
    expect(after.governor.admit(id, "status")).toMatchObject({ kind: "gone", reason: "idle_timeout" });
  });

  test("a session streaming when the process stopped is not found idle after a restart within the refresh window", () => {
    const clock = new ManualClock(T0);
    const before = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(before);
    const stream = before.governor.admit(id, "stream");
    expect(stream.kind).toBe("admitted");
    clock.advance(40_000); // rechecks refreshed last_activity_at every 5 000 ms meanwhile
    before.store.close(); // crash: no release, no goodbye
    const after = fx.open(clock, { policy: SMALL_POLICY });
    clock.advance(IDLE - 1);
    expect(after.governor.admit(id, "stream").kind).toBe("admitted");
  });

  test("slots are not persisted: a restart starts every session at zero active operations", () => {
    const clock = new ManualClock(T0);
    const before = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    const { id } = createSession(before);
    before.governor.admit(id, "stream");
    before.governor.admit(id, "stream");
    before.close();
    const after = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
    expect(after.governor.activeSlots(id)).toBe(0);
    expect(after.governor.admit(id, "stream").kind).toBe("admitted");
    expect(after.sessions.get(id)?.state).toBe("live");
  });
});
