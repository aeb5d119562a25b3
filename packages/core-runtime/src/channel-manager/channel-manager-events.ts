import type { BoundaryKind, BoundarySubstitute } from "../boundary/boundary-plan.js";
import type { BoundaryState } from "../boundary/boundary-state.js";
import type { ScheduledSegment } from "../ports/schedule-source.js";

/** Why a channel session ends; the named ones are those Core uses. */
export type TeardownReason =
  | "viewer_inactive"
  | "operator_stop"
  | "session_terminated"
  | "shutdown"
  | "terminal_restart"
  | (string & {});

/**
 * An item whose LoadPreview failed permanently (FAILED: media the engine cannot play). It
 * failed only itself: `substitute` says what played instead (`none`: nothing could, the
 * boundary then failed).
 */
export interface BadItem {
  readonly assetPath: string;
  /** The engine's answer, e.g. "rejected FAILED: …". */
  readonly reason: string;
  readonly atMs: number;
  /** The boundary it was due at. */
  readonly boundaryMs: number;
  readonly substitute: BoundarySubstitute | "none";
}

/**
 * What a ChannelManager tells its subscribers, in the order it happened:
 * - `state`: every boundary move (illegal ones show `to: "FAILED_TERMINAL"`);
 * - `live`: the engine confirmed a switch (INV-LIVE-SESSION-AUTHORITY-001);
 * - `terminal`: FAILED_TERMINAL was entered, with the fatal reason (once);
 * - `bad-item`: an item's media failed; something else plays instead (see {@link BadItem});
 * - `teardown-ready`: a deferred teardown may run now (once per deferred request;
 *   INV-TEARDOWN-STABLE-STATE-001). `deferredMs` = now − request instant.
 */
export type ChannelManagerEvent =
  | { readonly type: "state"; readonly from: BoundaryState; readonly to: BoundaryState; readonly atMs: number }
  | {
      readonly type: "live";
      readonly atMs: number;
      readonly boundaryMs: number;
      readonly kind: BoundaryKind;
      readonly segment: ScheduledSegment;
    }
  | { readonly type: "terminal"; readonly reason: string; readonly atMs: number }
  | { readonly type: "bad-item"; readonly item: BadItem; readonly atMs: number }
  | {
      readonly type: "teardown-ready";
      readonly reason: string;
      readonly deferredMs: number;
      readonly stateReached: BoundaryState;
      readonly atMs: number;
    };

/**
 * Where a manager is in its own life (beside the boundary state):
 * `idle` (constructed) → `starting` (StartChannel in flight, and for the immediate start
 * until the first LIVE) → `running`; or
 * `start_failed`; `teardown_granted` once a teardown was permitted (immediately or
 * deferred) — no scheduling intent is formed after that; `disposed`.
 */
export type ChannelManagerPhase = "idle" | "starting" | "running" | "start_failed" | "teardown_granted" | "disposed";

/** Plain-data view of a manager for the admin API and diagnostics. */
export interface ChannelManagerSnapshot {
  readonly channelNumber: number;
  readonly phase: ChannelManagerPhase;
  readonly state: BoundaryState;
  readonly isLive: boolean;
  readonly provisional: boolean;
  readonly teardownPending: boolean;
  readonly teardownDeadlineMs?: number;
  readonly teardownReason?: string;
  readonly fatalReason?: string;
  /** The segment that went live at the last LIVE. */
  readonly currentSegment?: ScheduledSegment;
  /** The segment planned for the next boundary. */
  readonly nextSegment?: ScheduledSegment;
  readonly nextBoundaryMs?: number;
  /** The instant the manager's one timer is armed for, if any. */
  readonly nextDueAtMs?: number;
  /** The most recent bad item, if any. */
  readonly lastBadItem?: BadItem;
  /** The last bad items of this session (at most 10, oldest first). */
  readonly badItems: readonly BadItem[];
  /** Boundaries that reached LIVE in this session (the first one included). */
  readonly liveBoundaryCount: number;
  readonly nowMs: number;
}

/** Copies `base` and adds the entries of `optional` that are defined (no `key: undefined` in plain data). @internal */
export function withDefined<T extends object>(base: T, optional: Record<string, unknown>): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) out[key] = value;
  return out as T;
}
