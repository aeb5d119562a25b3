import { describe, expect, it } from "vitest";
import { framesIn, planAfterLive, planImmediateStart, planNextBoundary, planStartupBoundary, switchIssueAtMs } from "../../src/index.js";
import { FixedSchedule } from "../helpers/fixed-schedule.js";

const TIMING = { preloadLeadMs: 7000, minPrefeedLeadMs: 5000, switchIssueMarginMs: 500 };

describe("boundary planning", () => {
  it("counts frames rounding down, exactly for NTSC rates", () => {
    expect(framesIn(1000, { numerator: 30, denominator: 1 })).toBe(30);
    expect(framesIn(1001, { numerator: 30000, denominator: 1001 })).toBe(30);
    expect(framesIn(1000, { numerator: 30000, denominator: 1001 })).toBe(29);
    expect(framesIn(33, { numerator: 30, denominator: 1 })).toBe(0);
  });

  it("puts switch issuance at boundary − MIN_PREFEED − margin", () => {
    expect(switchIssueAtMs(100_000, TIMING)).toBe(94_500);
  });

  it("plans the start-up switch at now + preload lead, mid-segment", () => {
    const plan = planStartupBoundary(new FixedSchedule(), 1, 1_000_000.4, TIMING);
    expect(plan).toMatchObject({
      kind: "startup",
      boundaryMs: 1_007_001, // ceil(now) + lead: integer ms
      preloadAtMs: 1_000_001,
      switchIssueAtMs: 1_001_501,
      startFrame: 510,
      frameCount: 390,
      skippedBoundariesMs: [],
      segment: { startMs: 990_000 },
    });
  });

  it("plans the next scheduled boundary at the end of the live segment", () => {
    const live = planStartupBoundary(new FixedSchedule(), 1, 1_000_000, TIMING);
    expect(live.coverUntilMs).toBe(1_020_000);
    expect(planNextBoundary(new FixedSchedule(), 1, live, TIMING)).toMatchObject({
      kind: "scheduled",
      boundaryMs: 1_020_000,
      preloadAtMs: 1_013_000,
      startFrame: 0,
      frameCount: 900,
      coverUntilMs: 1_050_000,
      skippedBoundariesMs: [],
    });
  });

  it("treats a boundary exactly one preload lead away as honourable (covers only to it)", () => {
    // Switch at 1,013,000: the boundary at 1,020,000 has its preload instant exactly then.
    const plan = planStartupBoundary(new FixedSchedule(), 1, 1_006_000, TIMING);
    expect(plan).toMatchObject({ boundaryMs: 1_013_000, coverUntilMs: 1_020_000, skippedBoundariesMs: [], frameCount: 210 });
  });

  it("plays the item on over boundaries too close to honour: its frame count covers to the next honourable one", () => {
    // Switch at 1,015,000 into the segment ending at 1,020,000 (5 s < 7 s lead): played over.
    const plan = planStartupBoundary(new FixedSchedule(), 1, 1_008_000, TIMING);
    expect(plan).toMatchObject({
      boundaryMs: 1_015_000,
      segment: { startMs: 990_000, endMs: 1_020_000 },
      startFrame: 750,
      coverUntilMs: 1_050_000,
      skippedBoundariesMs: [1_020_000],
      frameCount: 150 + 900, // 5 s of its own, then the 30 s it plays over
    });
    expect(planNextBoundary(new FixedSchedule(), 1, plan, TIMING)).toMatchObject({ boundaryMs: 1_050_000, startFrame: 0, frameCount: 900 });
  });

  it("plays over several short segments up to the first honourable boundary", () => {
    // 2 s segments: from a switch at 1,000,500 the boundaries 1,002,000 … 1,006,000 are too close.
    const plan = planStartupBoundary(new FixedSchedule(1, 2000), 1, 993_500, TIMING);
    expect(plan).toMatchObject({
      boundaryMs: 1_000_500,
      skippedBoundariesMs: [1_002_000, 1_004_000, 1_006_000],
      coverUntilMs: 1_008_000,
      startFrame: 15,
      frameCount: 45 + 180,
    });
  });

  it("plans the immediate start at the expected live instant, preload and issuance at once, with its deadline", () => {
    const plan = planImmediateStart(new FixedSchedule(), 1, 1_000_000, 1_000_200, 1_004_000, TIMING);
    expect(plan).toMatchObject({
      kind: "startup",
      boundaryMs: 1_000_200,
      preloadAtMs: 1_000_000,
      switchIssueAtMs: 1_000_000,
      startDeadlineMs: 1_004_000,
      startFrame: 306, // 10.2 s into the segment that started at 990,000
      frameCount: 900 - 306,
      coverUntilMs: 1_020_000,
    });
  });

  it("plans after a LIVE: the covered boundary, unless the switch went live too late for half its preload window", () => {
    const live = planStartupBoundary(new FixedSchedule(), 1, 1_000_000, TIMING); // covers to 1,020,000: preload 1,013,000, issuance 1,014,500
    expect(planAfterLive(new FixedSchedule(), 1, live, 1_013_749, TIMING)).toMatchObject({ plan: { boundaryMs: 1_020_000 }, lateSkippedBoundariesMs: [] });
    expect(planAfterLive(new FixedSchedule(), 1, live, 1_013_750, TIMING)).toMatchObject({
      plan: { boundaryMs: 1_050_000, preloadAtMs: 1_043_000 },
      lateSkippedBoundariesMs: [1_020_000],
    });
  });
});
