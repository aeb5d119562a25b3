import { describe, expect, test } from "vitest";
import type { ConcurrencyPolicy } from "../src/policy.js";
import { ManualClock, SMALL_POLICY, T0, createSession, useFixture } from "./helpers.js";

// INV-SESSION-ENFORCEMENT-ORDER-001 end to end: terminated → max lifetime → idle →
// concurrency, for every combination of violations the governor can meet. (Idle together
// with concurrency cannot occur: held slots are running operations, which are activity.
// evaluate-admission.test.ts covers all 16 combinations of the pure pipeline.)
const IDLE = 10_000;
const LIFETIME = 60_000;

interface Violations {
  terminated: boolean;
  lifetime: boolean;
  idle: boolean;
  concurrency: boolean;
}

const combos: Violations[] = [];
for (let bits = 0; bits < 16; bits++) {
  const v = { terminated: (bits & 8) !== 0, lifetime: (bits & 4) !== 0, idle: (bits & 2) !== 0, concurrency: (bits & 1) !== 0 };
  if (!(v.idle && v.concurrency)) combos.push(v);
}

describe("SessionGovernor enforcement order on a real file", () => {
  const fx = useFixture();

  for (const policy of ["terminate", "reject"] as ConcurrencyPolicy[]) {
    test.each(combos)(`stream admission with violations %o (${policy} policy)`, (v) => {
      const clock = new ManualClock(T0);
      const gov = fx.open(clock, { policy: { ...SMALL_POLICY, defaults: { ...SMALL_POLICY.defaults, concurrencyPolicy: policy } }, recheckIntervalMs: null });
      const { id } = createSession(gov);
      if (v.concurrency) {
        expect(gov.governor.admit(id, "stream").kind).toBe("admitted");
        expect(gov.governor.admit(id, "stream").kind).toBe("admitted");
      }
      const at = v.lifetime ? T0 + LIFETIME + 7 : T0 + 30_000;
      // Keep the session fresh with heartbeats, stopping early enough to be idle at `at` when asked.
      const lastBeat = v.idle ? at - IDLE - 3 : Math.min(at, T0 + LIFETIME) - 1;
      for (let t = T0 + 9_000; t <= lastBeat; t += 9_000) {
        clock.advanceTo(t);
        expect(gov.governor.admit(id, "heartbeat").kind).toBe("admitted");
      }
      clock.advanceTo(Math.max(clock.now(), lastBeat));
      if (!v.idle) expect(gov.governor.admit(id, "heartbeat").kind).toBe("admitted");
      if (v.terminated) {
        // Another connection (another process) terminates it: this governor still holds the slots.
        const other = fx.open(clock, { policy: SMALL_POLICY, recheckIntervalMs: null });
        expect(other.termination.terminate(id, "admin_terminated", "operator:ann")).toMatchObject({ won: true });
      }
      clock.advanceTo(at);

      const decision = gov.governor.admit(id, "stream");
      if (v.terminated) expect(decision).toMatchObject({ kind: "gone", reason: "admin_terminated", actor: "operator:ann" });
      else if (v.lifetime) expect(decision).toMatchObject({ kind: "gone", reason: "max_lifetime", terminatedAtMs: at });
      else if (v.idle) expect(decision).toMatchObject({ kind: "gone", reason: "idle_timeout", terminatedAtMs: at });
      else if (v.concurrency && policy === "terminate") expect(decision).toMatchObject({ kind: "gone", reason: "concurrency_limit" });
      else if (v.concurrency) expect(decision).toEqual({ kind: "rejected", sessionId: id, limit: 2, active: 2, retryAfterMs: 2_000 });
      else expect(decision.kind).toBe("admitted");
      // Whatever was decided is what the DB says.
      const stored = gov.sessions.get(id)?.termination?.reason ?? "live";
      expect(stored).toBe(decision.kind === "gone" ? decision.reason : "live");
    });
  }
});
