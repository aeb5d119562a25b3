import type { SessionId } from "./identifiers.js";
import type { TerminationReason } from "./termination-reason.js";

/**
 * The session is terminated (now or earlier): HTTP 410. `reason`, `terminatedAtMs` and
 * `actor` are the ones that stand (the first termination's), whoever asked.
 */
export interface GoneDecision {
  readonly kind: "gone";
  readonly sessionId: SessionId;
  readonly reason: TerminationReason;
  /** When the termination was recorded, UTC epoch ms. */
  readonly terminatedAtMs: number;
  readonly actor: string;
}

/** No session has this id (never created): HTTP 404. Terminated sessions are never "not found". */
export interface NotFoundDecision {
  readonly kind: "not_found";
  readonly sessionId: SessionId;
}

/**
 * The operation would exceed the session's `maxConcurrentOps` and its policy is `reject`:
 * HTTP 429 with `Retry-After`. The session stays alive; nothing was recorded.
 */
export interface RejectedDecision {
  readonly kind: "rejected";
  readonly sessionId: SessionId;
  /** The session's `maxConcurrentOps`. */
  readonly limit: number;
  /** Slots held at the time of the decision (in this process). */
  readonly active: number;
  /** Suggested wait before retrying, ms (policy `rejectRetryAfterMs`). */
  readonly retryAfterMs: number;
}

/** Admitted: the operation may run. Activity was recorded; release the handle when done. */
export interface AdmittedDecision {
  readonly kind: "admitted";
  readonly handle: OperationHandle;
}

/** Every answer of the gate (`SessionGovernor.admit`). */
export type AdmissionDecision = AdmittedDecision | GoneDecision | NotFoundDecision | RejectedDecision;

/** Every refusal of the gate. */
export type GateRefusal = GoneDecision | NotFoundDecision | RejectedDecision;

/** Answer of `SessionGovernor.stillAllowed` for a running operation. */
export type RecheckDecision =
  | { readonly kind: "allowed" }
  | { readonly kind: "released" }
  | GoneDecision
  | NotFoundDecision;

/** Why a running operation's `signal` was aborted (its `signal.reason`). */
export type OperationEnd =
  | GoneDecision
  | { readonly kind: "aborted"; readonly cause: unknown }
  | { readonly kind: "closed" };

/**
 * An admitted operation. A slot-holding one (e.g. `stream`) keeps its slot, counts as
 * session activity and is rechecked until `release()`: release it on every path
 * (`finally`). For an operation that takes no slot the handle is informational: its
 * activity was recorded at admission and `release()` is optional and harmless.
 */
export interface OperationHandle {
  readonly sessionId: SessionId;
  readonly operation: string;
  /** When the gate admitted it, UTC epoch ms. */
  readonly admittedAtMs: number;
  /** True when it holds one of the session's `maxConcurrentOps` slots. */
  readonly holdsSlot: boolean;
  /**
   * Slot-holding operations only: aborted when the operation must stop: its session is
   * gone (`signal.reason` is the {@link GoneDecision}), the caller's signal aborted, or the
   * governor closed (see {@link OperationEnd}). The slot is already free by then. Never
   * aborted by a normal `release()`.
   */
  readonly signal: AbortSignal;
  /** True once released (by `release()` or by an end above). */
  readonly released: boolean;
  /** Frees the slot and records activity at the release instant. Idempotent; never throws. */
  release(): void;
}

/** Outcome of `SessionGovernor.run`: the refusal, or the callback's value. */
export type RunOutcome<T> = GateRefusal | { readonly kind: "completed"; readonly value: T };
