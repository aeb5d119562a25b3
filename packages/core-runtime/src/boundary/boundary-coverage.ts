import type { ScheduledSegment, ScheduleSource } from "../ports/schedule-source.js";

/** Bound on the boundaries one item may play over (a schedule of 1 ms items would otherwise loop long). */
const MAX_SKIPPED_BOUNDARIES = 10_000;

/** How far an item switched in at some instant must play. */
export interface BoundaryCoverage {
  /** The first schedule boundary after the switch whose preload instant is not before it. */
  readonly coverUntilMs: number;
  /** The boundaries before that one: too close to honour, played over. */
  readonly skippedBoundariesMs: readonly number[];
}

/**
 * From a switch at `switchMs` into `segment`, the first schedule boundary that can be
 * honoured: its preload instant (boundary − `preloadLeadMs`) is not before the switch, so
 * its LoadPreview and its SwitchToLive (lead ≥ MIN_PREFEED) both fit after it. Boundaries
 * closer than that are not forced and are not a gap: the item on air plays on over them.
 * Pure; throws whatever the schedule throws.
 */
export function coverToHonourableBoundary(
  schedule: ScheduleSource,
  channelNumber: number,
  segment: ScheduledSegment,
  switchMs: number,
  preloadLeadMs: number,
): BoundaryCoverage {
  const skipped: number[] = [];
  let boundaryMs = segment.endMs;
  while (boundaryMs - preloadLeadMs < switchMs && skipped.length < MAX_SKIPPED_BOUNDARIES) {
    skipped.push(boundaryMs);
    boundaryMs = schedule.segmentAt(channelNumber, boundaryMs).endMs;
  }
  return { coverUntilMs: boundaryMs, skippedBoundariesMs: skipped };
}
