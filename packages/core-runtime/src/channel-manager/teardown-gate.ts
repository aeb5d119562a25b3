import { Invariant, isStableState, type BoundaryState } from "../boundary/boundary-state.js";
import type { LifecycleMetrics } from "../ports/lifecycle-metrics.js";
import type { Logger } from "../ports/logger.js";

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

/**
 * The teardown gate of one channel: holds the pending request and does the gate's logging
 * and metrics (LIFECYCLE.md "Logs and metrics"). The ChannelManager decides what to do
 * with each answer; this class never touches the boundary state.
 * @internal
 */
export class TeardownGate {
  private current: PendingTeardown | undefined;

  constructor(
    private readonly channel: number,
    private readonly graceMs: number,
    private readonly logger: Logger,
    private readonly metrics: LifecycleMetrics,
  ) {}

  /** The pending request, if any. */
  get pending(): PendingTeardown | undefined {
    return this.current;
  }

  /** Decides a request in `state` (see {@link decideTeardown}); `firstPermit` counts an immediate teardown. */
  request(reason: string, state: BoundaryState, nowMs: number, firstPermit: boolean): TeardownDecision {
    const decision = decideTeardown(state, this.current, reason, nowMs, this.graceMs);
    if (decision.kind === "repeat") {
      this.logger.debug(
        { invariant: Invariant.ViewerCountAdvisory, state, reason, pendingReason: decision.pending.reason },
        "teardown already pending; repeat request ignored",
      );
    } else if (decision.kind === "defer") {
      this.current = decision.pending;
      this.metrics.teardownDeferred(this.channel);
      this.logger.info(
        { invariant: Invariant.TeardownStableState, state, reason, deadlineMs: decision.pending.deadlineMs },
        `${Invariant.TeardownStableState}: teardown DEFERRED`,
      );
    } else {
      if (firstPermit) this.metrics.teardownImmediate(this.channel);
      this.logger.info({ invariant: Invariant.TeardownStableState, state, reason }, `${Invariant.TeardownStableState}: teardown permitted`);
    }
    return decision;
  }

  /** Drops the pending request (a viewer returned); returns it, or undefined if none. */
  cancel(state: BoundaryState): PendingTeardown | undefined {
    const pending = this.current;
    if (pending === undefined) return undefined;
    this.current = undefined;
    this.logger.info(
      { invariant: Invariant.ViewerCountAdvisory, state, reason: pending.reason },
      "pending teardown cancelled: a viewer returned",
    );
    return pending;
  }

  /** On entering `state`: releases the pending request if `state` is stable (see {@link releaseOnEntry}). */
  releaseOnEntry(state: BoundaryState, atMs: number): ReleasedTeardown | undefined {
    const released = releaseOnEntry(state, this.current, atMs);
    if (released === undefined) return undefined;
    this.current = undefined;
    this.metrics.observeTeardownDeferredSeconds(this.channel, released.deferredMs / 1000);
    this.logger.info(
      { invariant: Invariant.TeardownStableState, stateReached: state, reason: released.reason, deferredMs: released.deferredMs },
      `${Invariant.TeardownStableState}: executing deferred teardown`,
    );
    return released;
  }

  /** The grace deadline passed in `stuck` (INV-TEARDOWN-GRACE-TIMEOUT-001): logs, counts, returns the fatal reason. */
  expire(stuck: BoundaryState, nowMs: number): string {
    const waitedMs = this.current === undefined ? 0 : nowMs - this.current.requestedAtMs;
    this.metrics.teardownGraceTimeout(this.channel);
    this.logger.warn(
      { invariant: Invariant.TeardownGraceTimeout, stuckState: stuck, waitedMs, reason: this.current?.reason },
      `${Invariant.TeardownGraceTimeout}: grace expired`,
    );
    return `Teardown grace timeout: stuck in ${stuck} for ${waitedMs} ms`;
  }

  /** Forgets the pending request without releasing it (dispose). */
  clear(): void {
    this.current = undefined;
  }
}
