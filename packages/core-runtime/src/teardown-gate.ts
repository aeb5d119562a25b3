import { isStableState, type BoundaryState } from "./boundary-state.js";

/** A deferred teardown request (INV-TEARDOWN-STABLE-STATE-001). Instants in epoch ms. */
export interface PendingTeardown {
  readonly reason: string;
  readonly requestedAtMs: number;
  /** requestedAtMs + grace: still transient then (inclusive) → FAILED_TERMINAL. */
  readonly deadlineMs: number;
}

/**
 * The gate's answer to a teardown request:
 * - `permit` — stable state, nothing pending: tear down now;
 * - `defer` — transient state: `pending` records the request;
 * - `repeat` — a request is already pending: nothing changes, its deadline and reason stand.
 */
export type TeardownDecision =
  | { readonly kind: "permit" }
  | { readonly kind: "defer"; readonly pending: PendingTeardown }
  | { readonly kind: "repeat"; readonly pending: PendingTeardown };

/**
 * Decides a teardown request (INV-VIEWER-COUNT-ADVISORY-001, INV-TEARDOWN-STABLE-STATE-001).
 * Pure: the deadline is exactly `nowMs + graceMs`.
 */
export function decideTeardown(
  state: BoundaryState,
  pending: PendingTeardown | undefined,
  reason: string,
  nowMs: number,
  graceMs: number,
): TeardownDecision {
  if (pending !== undefined) return { kind: "repeat", pending };
  if (isStableState(state)) return { kind: "permit" };
  return { kind: "defer", pending: { reason, requestedAtMs: nowMs, deadlineMs: nowMs + graceMs } };
}

/** A pending teardown released by a stable state: run it now. */
export interface ReleasedTeardown {
  readonly reason: string;
  readonly stateReached: BoundaryState;
  /** now − request instant. */
  readonly deferredMs: number;
}

/**
 * What entering `state` does to a pending request: any stable state (NONE, LIVE,
 * FAILED_TERMINAL) releases it at once — event-driven, not on a later poll; a transient
 * state keeps it waiting. Pure.
 */
export function releaseOnEntry(
  state: BoundaryState,
  pending: PendingTeardown | undefined,
  nowMs: number,
): ReleasedTeardown | undefined {
  if (pending === undefined || !isStableState(state)) return undefined;
  return { reason: pending.reason, stateReached: state, deferredMs: nowMs - pending.requestedAtMs };
}
