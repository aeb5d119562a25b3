import { describe, expect, test } from "vitest";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// SMALL_POLICY: idle 10 000 ms, max lifetime 60 000 ms. GOVERNANCE guarantee 6: deadlines
// compare with >= ; each is tested 1 ms before, exactly at, and 1 ms after.
const IDLE = 10_000;
const LIFETIME = 60_000;

describe("SessionGovernor deadlines on a real file", () => {
  const fx = useFixture();

  describe("max lifetime", () => {
    /** Keeps the session busy-free but never idle: a heartbeat every 9 s up to `at`. */
    function reach(clock: ManualClock, gov: ReturnType<typeof fx.open>, id: string, at: number): void {
      while (clock.now() + 9_000 < at) {
        clock.advance(9_000);
        expect(gov.governor.admit(id, "heartbeat").kind).toBe("admitted");
      }
      clock.advanceTo(at);
    }

    test("1 ms before the deadline: admitted", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      reach(clock, gov, id, T0 + LIFETIME - 1);
      expect(gov.governor.admit(id, "status").kind).toBe("admitted");
      expect(gov.sessions.get(id)?.state).toBe("live");
    });

    test("exactly at the deadline: terminated max_lifetime, gone", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      reach(clock, gov, id, T0 + LIFETIME);
      expect(gov.governor.admit(id, "status")).toEqual({
        kind: "gone",
        sessionId: id,
        reason: "max_lifetime",
        terminatedAtMs: T0 + LIFETIME,
        actor: "system:governor",
      });
      expect(gov.sessions.get(id)?.termination?.reason).toBe("max_lifetime");
    });

    test("1 ms after the deadline: terminated max_lifetime, gone", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      reach(clock, gov, id, T0 + LIFETIME + 1);
      expect(gov.governor.admit(id, "status")).toMatchObject({ kind: "gone", reason: "max_lifetime", terminatedAtMs: T0 + LIFETIME + 1 });
    });
  });

  describe("idle timeout", () => {
    test("1 ms before last activity + timeout: admitted, and the admission restarts the idle clock", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      clock.advance(IDLE - 1);
      expect(gov.governor.admit(id, "status").kind).toBe("admitted");
      expect(gov.sessions.get(id)).toMatchObject({ lastActivityAtMs: T0 + IDLE - 1, lastActivityKind: "status", idleDeadlineAtMs: T0 + 2 * IDLE - 1 });
      clock.advance(IDLE - 1);
      expect(gov.governor.admit(id, "status").kind).toBe("admitted");
    });

    test("exactly at last activity + timeout: terminated idle_timeout, gone", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      clock.advance(3_000);
      gov.governor.admit(id, "heartbeat");
      clock.advance(IDLE);
      expect(gov.governor.admit(id, "status")).toEqual({
        kind: "gone",
        sessionId: id,
        reason: "idle_timeout",
        terminatedAtMs: T0 + 3_000 + IDLE,
        actor: "system:governor",
      });
    });

    test("1 ms after last activity + timeout: terminated idle_timeout, gone", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      clock.advance(IDLE + 1);
      expect(gov.governor.admit(id, "heartbeat")).toMatchObject({ kind: "gone", reason: "idle_timeout" });
    });

    test("a refused admission records no activity (a gone session's idle clock is not restarted)", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      clock.advance(IDLE);
      gov.governor.admit(id, "heartbeat");
      expect(gov.sessions.get(id)?.lastActivityAtMs).toBe(T0);
    });
  });

  describe("sweep uses the same boundaries and order", () => {
    test("idle: kept at deadline − 1 ms, terminated at the deadline; a second sweep finds nothing", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      expect(gov.governor.sweep(T0 + IDLE - 1).terminated).toEqual([]);
      expect(gov.governor.sweep(T0 + IDLE).terminated).toEqual([{ sessionId: id, reason: "idle_timeout" }]);
      expect(gov.governor.sweep(T0 + IDLE).terminated).toEqual([]);
      expect(gov.governor.sweep(T0 + 10 * IDLE).terminated).toEqual([]);
      expect(gov.sessions.get(id)?.termination).toEqual({ reason: "idle_timeout", terminatedAtMs: T0 + IDLE, actor: "system:governor" });
    });

    test("lifetime: kept at deadline − 1 ms, max_lifetime at the deadline", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      for (let at = T0 + 9_000; at < T0 + LIFETIME; at += 9_000) {
        clock.advanceTo(at);
        gov.sessions.heartbeat(id);
      }
      expect(gov.governor.sweep(T0 + LIFETIME - 1).terminated).toEqual([]);
      expect(gov.governor.sweep(T0 + LIFETIME).terminated).toEqual([{ sessionId: id, reason: "max_lifetime" }]);
    });

    test("a session past both limits is terminated max_lifetime (lifetime is checked first)", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY });
      const { id } = createSession(gov);
      expect(gov.governor.sweep(T0 + LIFETIME + IDLE).terminated).toEqual([{ sessionId: id, reason: "max_lifetime" }]);
    });

    test("sweep skips a session whose operation is running (a running stream is activity)", () => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
      const { id } = createSession(gov);
      const stream = gov.governor.admit(id, "stream");
      expect(stream.kind).toBe("admitted");
      expect(gov.governor.sweep(T0 + 3 * IDLE).terminated).toEqual([]);
      expect(gov.sessions.get(id)?.state).toBe("live");
    });
  });
});
