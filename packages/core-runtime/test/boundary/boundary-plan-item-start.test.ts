import { describe, expect, it } from "vitest";
import { fromItemStart, planImmediateStart } from "../../src/index.js";
import { unequalItemsSchedule } from "../helpers/unequal-schedule.js";

const TIMING = { preloadLeadMs: 7000, minPrefeedLeadMs: 5000, switchIssueMarginMs: 500 };

const schedule = unequalItemsSchedule;

const startAt = (liveAtMs: number) => planImmediateStart(schedule, 1, liveAtMs, liveAtMs, liveAtMs + 4000, TIMING);

describe("fromItemStart (start position item-start)", () => {
  it("moves the start to the item's first frame, keeping boundary, frame count and cover", () => {
    const onAir = startAt(3_000); // 3 s into X, its end (15 s) can be honoured
    expect(onAir).toMatchObject({ assetPath: "/m/x.ts", startFrame: 90, frameCount: 360, coverUntilMs: 15_000, skippedBoundariesMs: [] });
    expect(fromItemStart(onAir, schedule)).toEqual({ ...onAir, startFrame: 0 });
  });

  it("a start in the item's last preload lead: the next item from its start when it leaves less black before the cover ends", () => {
    const onAir = startAt(10_000); // 5 s before X ends: 15 s is played over, cover to 35 s (25 s)
    expect(onAir).toMatchObject({ assetPath: "/m/x.ts", skippedBoundariesMs: [15_000], coverUntilMs: 35_000, frameCount: 750 });
    // X from its start covers 15 of the 25 s (10 s black); Y covers 20 (5 s black).
    const plan = fromItemStart(onAir, schedule);
    expect(plan).toEqual({ ...onAir, assetPath: "/m/y.ts", startFrame: 0, frameCount: 750 });
    expect(plan.segment).toBe(onAir.segment); // the schedule's segment at the boundary, for the declared-plan check
  });

  it("keeps the item on air when it leaves no more black than the next (ties too)", () => {
    const onAir = startAt(30_000); // 5 s before Y ends: 35 s played over, cover to 50 s (20 s)
    expect(onAir).toMatchObject({ assetPath: "/m/y.ts", skippedBoundariesMs: [35_000], coverUntilMs: 50_000 });
    // Y from its start covers all 20 s; X only 15.
    expect(fromItemStart(onAir, schedule)).toEqual({ ...onAir, startFrame: 0 });
  });
});
