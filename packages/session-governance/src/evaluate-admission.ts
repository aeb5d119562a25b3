import type { ConcurrencyPolicy } from "./policy.js";
import type { TerminationReason } from "./termination-reason.js";

/** What the enforcement pipeline needs to know about a session. Instants are UTC epoch ms. */
export interface AdmissionFacts {
  readonly terminatedAtMs: number | null;
  readonly terminationReason: TerminationReason | null;
  readonly terminationActor: string | null;
  readonly hardDeadlineAtMs: number;
  /**
   * Last activity as the idle check must see it: the stored `last_activity_at`, or "now"
   * while the session has a running operation (a running stream is activity).
   */
  readonly effectiveLastActivityAtMs: number;
  readonly idleTimeoutMs: number;
  readonly maxConcurrentOps: number;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  /** Slots the session holds right now. */
  readonly activeSlots: number;
}

/** The pipeline's verdict; the governor carries it out (write, then answer). */
export type AdmissionVerdict =
  | { readonly kind: "already_terminated"; readonly reason: TerminationReason; readonly terminatedAtMs: number; readonly actor: string }
  | { readonly kind: "terminate"; readonly reason: "max_lifetime" | "idle_timeout" | "concurrency_limit" }
  | { readonly kind: "reject"; readonly limit: number; readonly active: number }
  | { readonly kind: "admit" };

/**
 * THE enforcement order (GOVERNANCE guarantee 5, INV-SESSION-ENFORCEMENT-ORDER-001), written
 * once and used by every operation, recheck and sweep: (1) terminated → gone; (2) max
 * lifetime; (3) idle timeout; (4) concurrency, only for an operation that takes a slot;
 * (5) admit. Deadlines are inclusive: at exactly `deadline` the limit is exceeded (`>=`).
 * Pure: no clock, no I/O.
 */
export function evaluateAdmission(facts: AdmissionFacts, nowMs: number, takesSlot: boolean): AdmissionVerdict {
  if (facts.terminatedAtMs !== null) {
    // The schema's CHECKs make reason and actor non-null whenever terminated_at is set.
    return {
      kind: "already_terminated",
      reason: facts.terminationReason as TerminationReason,
      terminatedAtMs: facts.terminatedAtMs,
      actor: facts.terminationActor as string,
    };
  }
  if (nowMs >= facts.hardDeadlineAtMs) return { kind: "terminate", reason: "max_lifetime" };
  if (nowMs >= facts.effectiveLastActivityAtMs + facts.idleTimeoutMs) return { kind: "terminate", reason: "idle_timeout" };
  if (takesSlot && facts.activeSlots >= facts.maxConcurrentOps) {
    return facts.concurrencyPolicy === "terminate"
      ? { kind: "terminate", reason: "concurrency_limit" }
      : { kind: "reject", limit: facts.maxConcurrentOps, active: facts.activeSlots };
  }
  return { kind: "admit" };
}
