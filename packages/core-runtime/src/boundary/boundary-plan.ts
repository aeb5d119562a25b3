import type { Rational } from "../ports/rational.js";
import type { ScheduledSegment, ScheduleSource } from "../ports/schedule-source.js";

/** The timing figures planning needs (a subset of the resolved ChannelManagerOptions). */
export interface BoundaryTiming {
  readonly preloadLeadMs: number;
  readonly minPrefeedLeadMs: number;
  readonly switchIssueMarginMs: number;
}

/**
 * How a boundary came about:
 * - `startup`: the session's first switch, at an arbitrary instant, into the segment playing then;
 * - `scheduled`: a boundary of the schedule (a segment start);
 * - `resync`: an instant chosen after skipping a boundary too close to govern, into the
 *   segment playing then (keeps the channel on schedule).
 */
export type BoundaryKind = "startup" | "scheduled" | "resync";

/** One boundary to govern: what goes live, when, and when to prepare it. All instants epoch ms. */
export interface BoundaryPlan {
  readonly kind: BoundaryKind;
  readonly channelNumber: number;
  /** The switch instant: SwitchToLive's `target_boundary_time_ms`, exactly. */
  readonly boundaryMs: number;
  /** The segment playing at `boundaryMs`. */
  readonly segment: ScheduledSegment;
  /** LoadPreview start frame: the segment's frame at `boundaryMs`. */
  readonly startFrame: number;
  /** LoadPreview frame count: from `startFrame` to the segment's end (at least 1). */
  readonly frameCount: number;
  /** When LoadPreview is due (PLANNED is entered then): boundary − preload lead. */
  readonly preloadAtMs: number;
  /** When SwitchToLive is issued: boundary − MIN_PREFEED − margin. */
  readonly switchIssueAtMs: number;
  /** Scheduled boundaries passed over because their lead could not be honoured. */
  readonly skippedBoundariesMs: readonly number[];
}

/** Frames of `fps` in `ms` milliseconds, rounded down: floor(ms × fps / 1000). */
export function framesIn(ms: number, fps: Rational): number {
  return Math.floor((ms * fps.numerator) / (1000 * fps.denominator));
}

/** The switch issuance instant of a boundary: boundary − MIN_PREFEED − margin. */
export function switchIssueAtMs(boundaryMs: number, timing: BoundaryTiming): number {
  return boundaryMs - timing.minPrefeedLeadMs - timing.switchIssueMarginMs;
}

function planAt(
  schedule: ScheduleSource,
  channelNumber: number,
  kind: BoundaryKind,
  boundaryMs: number,
  timing: BoundaryTiming,
  skippedBoundariesMs: readonly number[],
): BoundaryPlan {
  const segment = schedule.segmentAt(channelNumber, boundaryMs);
  const offsetFrames = Math.min(framesIn(boundaryMs - segment.startMs, segment.fps), segment.frameCount - 1);
  return {
    kind,
    channelNumber,
    boundaryMs,
    segment,
    startFrame: segment.assetStartFrame + offsetFrames,
    frameCount: Math.max(1, segment.frameCount - offsetFrames),
    preloadAtMs: boundaryMs - timing.preloadLeadMs,
    switchIssueAtMs: switchIssueAtMs(boundaryMs, timing),
    skippedBoundariesMs,
  };
}

/**
 * The session's first boundary: the switch instant is `nowMs` + preload lead, so the
 * preload is due at once and the switch keeps its full lead; the preview is the segment
 * playing at that instant, from its frame at that instant (the channel is on schedule
 * from its first frame). Throws whatever the schedule throws (e.g. an unknown channel).
 */
export function planStartupBoundary(
  schedule: ScheduleSource,
  channelNumber: number,
  nowMs: number,
  timing: BoundaryTiming,
): BoundaryPlan {
  return planAt(schedule, channelNumber, "startup", Math.ceil(nowMs) + timing.preloadLeadMs, timing, []);
}

/**
 * The boundary after the one that went live at `liveBoundaryMs`: the end of the segment
 * playing then. A boundary is governable only if its preload instant is not before
 * `liveBoundaryMs`; one closer than that cannot honour the lead and is skipped, never
 * forced: the next switch is then at `liveBoundaryMs` + preload lead, into the segment
 * playing at that instant (kind `resync`).
 */
export function planNextBoundary(
  schedule: ScheduleSource,
  channelNumber: number,
  liveBoundaryMs: number,
  timing: BoundaryTiming,
): BoundaryPlan {
  const next = schedule.segmentAt(channelNumber, liveBoundaryMs).endMs;
  if (next - timing.preloadLeadMs >= liveBoundaryMs) {
    return planAt(schedule, channelNumber, "scheduled", next, timing, []);
  }
  const resyncMs = liveBoundaryMs + timing.preloadLeadMs;
  const skipped: number[] = [];
  for (let b = next; b <= resyncMs; b = schedule.segmentAt(channelNumber, b).endMs) {
    if (b === resyncMs) return planAt(schedule, channelNumber, "scheduled", b, timing, skipped);
    skipped.push(b);
  }
  return planAt(schedule, channelNumber, "resync", resyncMs, timing, skipped);
}
