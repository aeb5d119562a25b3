import type { Rational } from "../ports/rational.js";
import type { ScheduledSegment, ScheduleSource } from "../ports/schedule-source.js";
import { coverToHonourableBoundary } from "./boundary-coverage.js";

/** The timing figures planning needs (a subset of the resolved ChannelManagerOptions). */
export interface BoundaryTiming {
  readonly preloadLeadMs: number;
  readonly minPrefeedLeadMs: number;
  readonly switchIssueMarginMs: number;
}

/**
 * How a boundary came about:
 * - `startup`: the session's first switch, at an arbitrary instant, into the segment playing then
 *   (immediate when `immediate` is set: SwitchToLive target 0, INV-SESSION-START-IMMEDIATE-001);
 * - `scheduled`: a boundary of the schedule (a segment start).
 */
export type BoundaryKind = "startup" | "scheduled";

/**
 * What a plan loads instead of its scheduled segment, after that segment's LoadPreview
 * failed permanently (bad media): the channel's `fallback` clip, the item on air
 * continued, or (at session start) the next item of the schedule.
 */
export type BoundarySubstitute = "fallback" | "continuation" | "next-item";

/** One boundary to govern: what goes live, when, and when to prepare it. All instants epoch ms. */
export interface BoundaryPlan {
  readonly kind: BoundaryKind;
  readonly channelNumber: number;
  /** The switch instant: SwitchToLive's `target_boundary_time_ms`, exactly (the expected live instant for an immediate start). */
  readonly boundaryMs: number;
  /** The segment the schedule plays at `boundaryMs`. */
  readonly segment: ScheduledSegment;
  /** The asset LoadPreview loads: the segment's, or a substitute's. */
  readonly assetPath: string;
  readonly fps: Rational;
  /** LoadPreview start frame: the segment's frame at `boundaryMs` (a substitute's own). */
  readonly startFrame: number;
  /** LoadPreview frame count: from `startFrame` to `coverUntilMs` (at least 1). */
  readonly frameCount: number;
  /**
   * The next boundary that can be honoured: the segment's end, or later when boundaries in
   * between are too close to honour (their preload instant is before `boundaryMs`): the item
   * plays on over them, never a gap.
   */
  readonly coverUntilMs: number;
  /** Schedule boundaries inside (`boundaryMs`, `coverUntilMs`) the item plays over. */
  readonly skippedBoundariesMs: readonly number[];
  /** When LoadPreview is due (PLANNED is entered then): boundary − preload lead (now for an immediate start). */
  readonly preloadAtMs: number;
  /** When SwitchToLive is issued: boundary − MIN_PREFEED − margin (for an immediate start: as soon as the preview is accepted). */
  readonly switchIssueAtMs: number;
  /** Set only for the immediate session start: the start deadline (epoch ms). */
  readonly startDeadlineMs?: number;
  /** Set when this plan replaces a segment whose media failed. */
  readonly substitute?: BoundarySubstitute;
}

/** Frames of `fps` in `ms` milliseconds, rounded down: floor(ms × fps / 1000). */
export function framesIn(ms: number, fps: Rational): number {
  return Math.floor((ms * fps.numerator) / (1000 * fps.denominator));
}

/** The switch issuance instant of a boundary: boundary − MIN_PREFEED − margin. */
export function switchIssueAtMs(boundaryMs: number, timing: BoundaryTiming): number {
  return boundaryMs - timing.minPrefeedLeadMs - timing.switchIssueMarginMs;
}

/** The plan of the segment playing at `boundaryMs`, from its frame at that instant, covering to the next honourable boundary. */
export function planAt(
  schedule: ScheduleSource,
  channelNumber: number,
  kind: BoundaryKind,
  boundaryMs: number,
  timing: BoundaryTiming,
): BoundaryPlan {
  const segment = schedule.segmentAt(channelNumber, boundaryMs);
  const offsetFrames = Math.min(framesIn(boundaryMs - segment.startMs, segment.fps), segment.frameCount - 1);
  const cover = coverToHonourableBoundary(schedule, channelNumber, segment, boundaryMs, timing.preloadLeadMs);
  // Exact segment frames up to its end, plus the stretch it plays over (too-close boundaries).
  const extraFrames = cover.coverUntilMs > segment.endMs ? framesIn(cover.coverUntilMs - segment.endMs, segment.fps) : 0;
  return {
    kind,
    channelNumber,
    boundaryMs,
    segment,
    assetPath: segment.assetPath,
    fps: segment.fps,
    startFrame: segment.assetStartFrame + offsetFrames,
    frameCount: Math.max(1, segment.frameCount - offsetFrames + extraFrames),
    coverUntilMs: cover.coverUntilMs,
    skippedBoundariesMs: cover.skippedBoundariesMs,
    preloadAtMs: boundaryMs - timing.preloadLeadMs,
    switchIssueAtMs: switchIssueAtMs(boundaryMs, timing),
  };
}

/**
 * The session's first boundary on the scheduled start path (`sessionStart: "scheduled"`):
 * the switch instant is `nowMs` + preload lead, so the preload is due at once and the
 * switch keeps its full lead; the preview is the segment playing at that instant, from its
 * frame at that instant. Throws whatever the schedule throws (e.g. an unknown channel).
 */
export function planStartupBoundary(
  schedule: ScheduleSource,
  channelNumber: number,
  nowMs: number,
  timing: BoundaryTiming,
): BoundaryPlan {
  return planAt(schedule, channelNumber, "startup", Math.ceil(nowMs) + timing.preloadLeadMs, timing);
}

/**
 * The immediate session start (INV-SESSION-START-IMMEDIATE-001): the segment on air at the
 * expected live instant `liveAtMs`, from its frame then, covering to the first boundary
 * that can be honoured after it; LoadPreview due at `nowMs`, the switch (target 0) as soon
 * as the preview is accepted, everything within `startDeadlineMs`.
 */
export function planImmediateStart(
  schedule: ScheduleSource,
  channelNumber: number,
  nowMs: number,
  liveAtMs: number,
  startDeadlineMs: number,
  timing: BoundaryTiming,
): BoundaryPlan {
  const plan = planAt(schedule, channelNumber, "startup", Math.ceil(liveAtMs), timing);
  return { ...plan, preloadAtMs: nowMs, switchIssueAtMs: nowMs, startDeadlineMs };
}

/**
 * A session-start plan moved to the first frame of an item (start position `item-start`):
 * same boundary and cover (so the schedule resumes at `coverUntilMs`), start frame = the
 * item's first. Normally the item on air, same frame count. When the start plays over
 * too-close boundaries (a start in an item's last preload lead), an item from its start runs
 * out before the cover ends and the engine pads black: then the asset of the first boundary
 * played over (the next item) is loaded instead if it leaves less black (ties keep the item
 * on air); `segment` stays the one on air. Pure; throws whatever the schedule throws.
 */
export function fromItemStart(plan: BoundaryPlan, schedule: ScheduleSource): BoundaryPlan {
  const onAir: BoundaryPlan = plan.startFrame === plan.segment.assetStartFrame ? plan : { ...plan, startFrame: plan.segment.assetStartFrame };
  const firstPlayedOver = plan.skippedBoundariesMs[0];
  if (firstPlayedOver === undefined) return onAir;
  const coverMs = plan.coverUntilMs - plan.boundaryMs;
  const blackMs = (segment: ScheduledSegment): number => Math.max(0, coverMs - (segment.frameCount * 1000 * segment.fps.denominator) / segment.fps.numerator);
  const next = schedule.segmentAt(plan.channelNumber, firstPlayedOver);
  if (blackMs(next) >= blackMs(plan.segment)) return onAir;
  // `segment` stays the schedule's segment at the boundary (what the declared-plan check
  // compares); only what LoadPreview loads changes.
  return { ...plan, assetPath: next.assetPath, fps: next.fps, startFrame: next.assetStartFrame, frameCount: Math.max(1, framesIn(coverMs, next.fps)) };
}

/**
 * The boundary after `live` (the plan that went live): the one its frames cover to,
 * `live.coverUntilMs`, which can be honoured by construction.
 */
export function planNextBoundary(
  schedule: ScheduleSource,
  channelNumber: number,
  live: Pick<BoundaryPlan, "coverUntilMs">,
  timing: BoundaryTiming,
): BoundaryPlan {
  return planAt(schedule, channelNumber, "scheduled", live.coverUntilMs, timing);
}

/** What {@link planAfterLive} returns: the next plan, and boundaries it had to play over late. */
export interface PlanAfterLive {
  readonly plan: BoundaryPlan;
  /** Boundaries passed over because the switch went live too late for them (normally none). */
  readonly lateSkippedBoundariesMs: readonly number[];
}

/**
 * The next boundary once `live` went live at `nowMs`: normally {@link planNextBoundary}. A
 * switch that went live later than planned (e.g. a slow immediate start) may leave too
 * little of that boundary's preload window: while half of it (preload instant → switch
 * issuance) is already gone, the item on air plays on to the next schedule boundary instead
 * (never forced). Pure; throws whatever the schedule throws.
 */
export function planAfterLive(
  schedule: ScheduleSource,
  channelNumber: number,
  live: Pick<BoundaryPlan, "coverUntilMs">,
  nowMs: number,
  timing: BoundaryTiming,
): PlanAfterLive {
  let plan = planNextBoundary(schedule, channelNumber, live, timing);
  const skipped: number[] = [];
  while (nowMs >= (plan.preloadAtMs + plan.switchIssueAtMs) / 2 && skipped.length < 1000) {
    skipped.push(plan.boundaryMs);
    plan = planAt(schedule, channelNumber, "scheduled", plan.segment.endMs, timing);
  }
  return { plan, lateSkippedBoundariesMs: skipped };
}
