import { describe, expect, it } from "vitest";
import { framesIn, planNextBoundary, planStartupBoundary, switchIssueAtMs } from "../../src/index.js";
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
    expect(planNextBoundary(new FixedSchedule(), 1, 1_007_000, TIMING)).toMatchObject({
      kind: "scheduled",
      boundaryMs: 1_020_000,
      preloadAtMs: 1_013_000,
      startFrame: 0,
      frameCount: 900,
      skippedBoundariesMs: [],
    });
  });

  it("treats a boundary exactly one preload lead away as governable", () => {
    expect(planNextBoundary(new FixedSchedule(), 1, 1_013_000, TIMING)).toMatchObject({ kind: "scheduled", boundaryMs: 1_020_000, preloadAtMs: 1_013_000 });
  });

  it("skips boundaries too close to honour the lead and resyncs into the segment playing then", () => {
    // 2 s segments: from 1,000,500 the boundaries at 1,002,000 … 1,006,000 are skipped.
    const plan = planNextBoundary(new FixedSchedule(1, 2000), 1, 1_000_500, TIMING);
    expect(plan).toMatchObject({
      kind: "resync",
      boundaryMs: 1_007_500,
      skippedBoundariesMs: [1_002_000, 1_004_000, 1_006_000],
      startFrame: 45,
      frameCount: 15,
      segment: { startMs: 1_006_000 },
    });
  });

  it("resyncs onto a schedule boundary when the resync instant is one", () => {
    const plan = planNextBoundary(new FixedSchedule(1, 3500), 1, 1_001_000, TIMING);
    expect(plan).toMatchObject({ kind: "scheduled", boundaryMs: 1_008_000, startFrame: 0, skippedBoundariesMs: [1_004_500] });
  });
});
