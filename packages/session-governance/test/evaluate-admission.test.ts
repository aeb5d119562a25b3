import { describe, expect, test } from "vitest";
import { evaluateAdmission, type AdmissionFacts, type AdmissionVerdict } from "../src/evaluate-admission.js";
import type { ConcurrencyPolicy } from "../src/policy.js";
import { T0 } from "./helpers.js";

// INV-SESSION-ENFORCEMENT-ORDER-001: the pipeline every operation, recheck and sweep uses.
const CREATED = T0;
const LIFETIME = 60_000;
const IDLE = 10_000;

function facts(over: Partial<AdmissionFacts> = {}): AdmissionFacts {
  return {
    terminatedAtMs: null,
    terminationReason: null,
    terminationActor: null,
    hardDeadlineAtMs: CREATED + LIFETIME,
    effectiveLastActivityAtMs: CREATED,
    idleTimeoutMs: IDLE,
    maxConcurrentOps: 2,
    concurrencyPolicy: "terminate",
    activeSlots: 0,
    ...over,
  };
}

interface Violations {
  terminated: boolean;
  lifetime: boolean;
  idle: boolean;
  concurrency: boolean;
}

/** Builds facts and an instant where exactly the given limits are broken. */
function scenario(v: Violations, policy: ConcurrencyPolicy): { f: AdmissionFacts; now: number } {
  const now = v.lifetime ? CREATED + LIFETIME + 5 : CREATED + 30_000;
  return {
    now,
    f: facts({
      concurrencyPolicy: policy,
      ...(v.terminated ? { terminatedAtMs: CREATED + 1, terminationReason: "admin_terminated", terminationActor: "operator:ann" } : {}),
      effectiveLastActivityAtMs: v.idle ? now - IDLE - 3 : now - 1,
      activeSlots: v.concurrency ? 2 : 1,
    }),
  };
}

function expected(v: Violations, policy: ConcurrencyPolicy): AdmissionVerdict["kind"] | string {
  if (v.terminated) return "already_terminated";
  if (v.lifetime) return "terminate:max_lifetime";
  if (v.idle) return "terminate:idle_timeout";
  if (v.concurrency) return policy === "terminate" ? "terminate:concurrency_limit" : "reject";
  return "admit";
}

const label = (verdict: AdmissionVerdict): string => (verdict.kind === "terminate" ? `terminate:${verdict.reason}` : verdict.kind);

const combos: Violations[] = [];
for (let bits = 0; bits < 16; bits++) {
  combos.push({ terminated: (bits & 8) !== 0, lifetime: (bits & 4) !== 0, idle: (bits & 2) !== 0, concurrency: (bits & 1) !== 0 });
}

describe("evaluateAdmission (INV-SESSION-ENFORCEMENT-ORDER-001)", () => {
  for (const policy of ["terminate", "reject"] as const) {
    test.each(combos)(`applies terminated → lifetime → idle → concurrency for every combination (${policy}): %o`, (v) => {
      const { f, now } = scenario(v, policy);
      expect(label(evaluateAdmission(f, now, true))).toBe(expected(v, policy));
      // Operations that take no slot are never judged on concurrency.
      expect(label(evaluateAdmission(f, now, false))).toBe(expected({ ...v, concurrency: false }, policy));
    });
  }

  test("reports the standing termination of an already terminated session", () => {
    const f = facts({ terminatedAtMs: T0 + 7, terminationReason: "user_requested", terminationActor: "session:x" });
    expect(evaluateAdmission(f, T0 + LIFETIME * 10, true)).toEqual({
      kind: "already_terminated",
      reason: "user_requested",
      terminatedAtMs: T0 + 7,
      actor: "session:x",
    });
  });

  test("max lifetime: admitted 1 ms before the deadline, exceeded exactly at it and 1 ms after", () => {
    const deadline = CREATED + LIFETIME;
    const busy = (now: number) => facts({ effectiveLastActivityAtMs: now });
    expect(evaluateAdmission(busy(deadline - 1), deadline - 1, false).kind).toBe("admit");
    expect(evaluateAdmission(busy(deadline), deadline, false)).toEqual({ kind: "terminate", reason: "max_lifetime" });
    expect(evaluateAdmission(busy(deadline + 1), deadline + 1, false)).toEqual({ kind: "terminate", reason: "max_lifetime" });
  });

  test("idle timeout: admitted 1 ms before, exceeded exactly at last activity + timeout and 1 ms after", () => {
    const last = CREATED + 1_000;
    const f = facts({ effectiveLastActivityAtMs: last });
    expect(evaluateAdmission(f, last + IDLE - 1, false).kind).toBe("admit");
    expect(evaluateAdmission(f, last + IDLE, false)).toEqual({ kind: "terminate", reason: "idle_timeout" });
    expect(evaluateAdmission(f, last + IDLE + 1, false)).toEqual({ kind: "terminate", reason: "idle_timeout" });
  });

  test("concurrency: admits below the limit, acts at the limit", () => {
    expect(evaluateAdmission(facts({ activeSlots: 1 }), CREATED + 1, true).kind).toBe("admit");
    expect(evaluateAdmission(facts({ activeSlots: 2, concurrencyPolicy: "reject" }), CREATED + 1, true)).toEqual({
      kind: "reject",
      limit: 2,
      active: 2,
    });
  });
});
