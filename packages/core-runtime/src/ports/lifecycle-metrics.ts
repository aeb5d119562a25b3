import type { BoundaryState } from "../boundary/boundary-state.js";

/**
 * The metrics a ChannelManager reports. core-server backs it with prom-client using the
 * names fixed in LIFECYCLE.md (given per method); `channel` is the channel number label.
 * Implementations must not throw.
 */
export interface LifecycleMetrics {
  /** `retrovue_teardown_deferred_total` (counter): a request was deferred. */
  teardownDeferred(channel: number): void;
  /** `retrovue_teardown_immediate_total` (counter): a request was permitted at once. */
  teardownImmediate(channel: number): void;
  /** `retrovue_teardown_grace_timeout_total` (counter): a deferral hit the grace deadline. */
  teardownGraceTimeout(channel: number): void;
  /** `retrovue_teardown_deferred_duration_seconds` (histogram): request → deferred execution. */
  observeTeardownDeferredSeconds(channel: number, seconds: number): void;
  /** `retrovue_prefeed_lead_time_ms`: boundary − instant the engine accepted LoadPreview. */
  observePrefeedLeadMs(channel: number, ms: number): void;
  /** `retrovue_switch_lead_time_ms`: SwitchToLive target − issued_at. */
  observeSwitchLeadMs(channel: number, ms: number): void;
  /** Optional: `retrovue_switch_issued_late_total` (counter): a SwitchToLive issued late but still with lead ≥ MIN_PREFEED (sent). */
  switchIssuedLate?(channel: number, lateByMs: number): void;
  /** Optional: `retrovue_bad_media_total` (counter): a LoadPreview failed permanently (FAILED); the item was replaced. */
  badMedia?(channel: number, assetPath: string): void;
  /** Optional: every boundary move (e.g. a `retrovue_boundary_transitions_total` counter). */
  boundaryTransition?(channel: number, from: BoundaryState, to: BoundaryState): void;
}

/** A {@link LifecycleMetrics} that records nothing (the default). */
export const noopLifecycleMetrics: LifecycleMetrics = Object.freeze({
  teardownDeferred() {},
  teardownImmediate() {},
  teardownGraceTimeout() {},
  observeTeardownDeferredSeconds() {},
  observePrefeedLeadMs() {},
  observeSwitchLeadMs() {},
});
