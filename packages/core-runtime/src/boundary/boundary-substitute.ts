import type { Rational } from "../ports/rational.js";
import type { ScheduleSource } from "../ports/schedule-source.js";
import { coverToHonourableBoundary } from "./boundary-coverage.js";
import { framesIn, type BoundaryPlan, type BoundaryTiming } from "./boundary-plan.js";

/** Next items tried at session start when the current one is bad. */
export const MAX_NEXT_ITEM_SUBSTITUTES = 3;

/** What substitution needs beside the failed plan. */
export interface SubstituteContext {
  readonly schedule: ScheduleSource;
  /** The plan on air, if any (none at session start). */
  readonly live: BoundaryPlan | undefined;
  /** The channel's fallback clip (absolute path), if its lineup names one. */
  readonly fallbackAssetPath: string | undefined;
  /** Frame rate the fallback clip is loaded at: the channel's output rate. */
  readonly fallbackFps: Rational;
  readonly timing: BoundaryTiming;
}

/**
 * The plans to try, in order, for a boundary whose LoadPreview failed permanently (bad
 * media): each keeps the failed plan's boundary and schedule segment (so the boundary is
 * still switched on time and the schedule resumes at `coverUntilMs`), and loads instead:
 * - at a scheduled boundary: the channel's fallback clip, then the item on air continued
 *   (from its frame at the boundary; the engine pads black past the asset's end);
 * - at session start (nothing on air): the next items of the schedule, each from its first
 *   frame and covering to the first boundary that can be honoured after it, then the fallback.
 * Pure.
 */
export function substitutePlans(failed: BoundaryPlan, ctx: SubstituteContext): BoundaryPlan[] {
  const fallback = ctx.fallbackAssetPath === undefined ? [] : [fallbackPlan(failed, ctx.fallbackAssetPath, ctx.fallbackFps)];
  if (ctx.live !== undefined) return [...fallback, continuationPlan(failed, ctx.live)];
  return [...nextItemPlans(failed, ctx), ...fallback];
}

function fallbackPlan(failed: BoundaryPlan, assetPath: string, fps: Rational): BoundaryPlan {
  return {
    ...failed,
    assetPath,
    fps,
    startFrame: 0,
    frameCount: Math.max(1, framesIn(failed.coverUntilMs - failed.boundaryMs, fps)),
    substitute: "fallback",
  };
}

function continuationPlan(failed: BoundaryPlan, live: BoundaryPlan): BoundaryPlan {
  // Never ask for a frame past what the item on air was loaded with: the asset may end there.
  const lastLoaded = live.startFrame + live.frameCount - 1;
  return {
    ...failed,
    assetPath: live.assetPath,
    fps: live.fps,
    startFrame: Math.min(lastLoaded, live.startFrame + framesIn(failed.boundaryMs - live.boundaryMs, live.fps)),
    frameCount: Math.max(1, framesIn(failed.coverUntilMs - failed.boundaryMs, live.fps)),
    substitute: "continuation",
  };
}

function nextItemPlans(failed: BoundaryPlan, ctx: SubstituteContext): BoundaryPlan[] {
  const plans: BoundaryPlan[] = [];
  let segment = failed.segment;
  for (let i = 0; i < MAX_NEXT_ITEM_SUBSTITUTES; i++) {
    segment = ctx.schedule.segmentAt(failed.channelNumber, segment.endMs);
    const cover = coverToHonourableBoundary(ctx.schedule, failed.channelNumber, segment, failed.boundaryMs, ctx.timing.preloadLeadMs);
    plans.push({
      ...failed,
      segment,
      assetPath: segment.assetPath,
      fps: segment.fps,
      startFrame: segment.assetStartFrame,
      frameCount: Math.max(1, framesIn(cover.coverUntilMs - failed.boundaryMs, segment.fps)),
      coverUntilMs: cover.coverUntilMs,
      skippedBoundariesMs: cover.skippedBoundariesMs,
      substitute: "next-item",
    });
  }
  return plans;
}
