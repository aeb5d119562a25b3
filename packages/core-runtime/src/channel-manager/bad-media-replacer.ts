import type { BoundaryPlan, BoundaryTiming } from "../boundary/boundary-plan.js";
import { substitutePlans } from "../boundary/boundary-substitute.js";
import type { LifecycleMetrics } from "../ports/lifecycle-metrics.js";
import type { Logger } from "../ports/logger.js";
import type { ScheduleSource } from "../ports/schedule-source.js";
import { BadItemLog } from "./bad-item-log.js";
import type { BadItem } from "./channel-manager-events.js";

/** What a {@link BadMediaReplacer} needs. */
export interface BadMediaReplacerDeps {
  readonly channelNumber: number;
  readonly schedule: ScheduleSource;
  readonly timing: BoundaryTiming;
  readonly logger: Logger;
  readonly metrics: LifecycleMetrics;
  /** Posts the `bad-item` event. */
  readonly report: (item: BadItem) => void;
}

/**
 * Bad media fails only its item (LIFECYCLE.md): on a LoadPreview FAILED it reports the item
 * (WARN naming the file, the `bad-item` event, `badMedia` metric, the snapshot's list) and
 * hands out the next substitute plan for the same boundary (see `substitutePlans`); the
 * candidates are computed once per boundary, at its first failure.
 * @internal
 */
export class BadMediaReplacer {
  private readonly log = new BadItemLog();
  private candidates: BoundaryPlan[] | undefined;

  constructor(private readonly deps: BadMediaReplacerDeps) {}

  get items(): readonly BadItem[] {
    return this.log.items;
  }

  get last(): BadItem | undefined {
    return this.log.last;
  }

  /** A new boundary is planned: its candidates are computed afresh at its first failure. */
  reset(): void {
    this.candidates = undefined;
  }

  /** Reports `failed` (its LoadPreview answered FAILED) and returns the plan to load instead, or undefined when none is left. */
  replace(failed: BoundaryPlan, live: BoundaryPlan | undefined, failure: string, nowMs: number): BoundaryPlan | undefined {
    const { channelNumber, schedule } = this.deps;
    this.candidates ??= substitutePlans(failed, {
      schedule,
      live,
      fallbackAssetPath: schedule.fallbackAssetPath?.(channelNumber),
      fallbackFps: schedule.programFormat(channelNumber).video.frameRate,
      timing: this.deps.timing,
    });
    const next = this.candidates.shift();
    const item: BadItem = { assetPath: failed.assetPath, reason: failure, atMs: nowMs, boundaryMs: failed.boundaryMs, substitute: next?.substitute ?? "none" };
    this.log.add(item);
    this.deps.metrics.badMedia?.(channelNumber, failed.assetPath);
    this.deps.report(item);
    this.deps.logger.warn(
      { assetPath: failed.assetPath, boundaryMs: failed.boundaryMs, failure, substitute: item.substitute, substituteAssetPath: next?.assetPath },
      next === undefined
        ? `The engine cannot play ${failed.assetPath}, and nothing can play instead.`
        : `The engine cannot play ${failed.assetPath}; ${next.substitute} ${next.assetPath} plays instead.`,
    );
    return next;
  }
}
