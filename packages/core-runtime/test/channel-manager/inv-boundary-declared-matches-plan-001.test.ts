import { describe, expect, it } from "vitest";
import { FixedSchedule } from "../helpers/fixed-schedule.js";
import { createHarness } from "../helpers/harness.js";

describe("INV-BOUNDARY-DECLARED-MATCHES-PLAN-001", () => {
  it("declares the planned boundary as the target, and the issuance instant as issued_at", async () => {
    const h = createHarness();
    await h.startLive();
    await h.runUntil("LIVE");
    const call = h.engine.callsOf("switchToLive")[1]!;
    expect(call.params).toEqual({ channelId: 1, targetBoundaryTimeMs: 1_020_000, issuedAtTimeMs: 1_014_500 });
    expect(h.manager.snapshot().currentSegment).toMatchObject({ startMs: 1_020_000 });
  });

  it("goes FAILED_TERMINAL instead of switching when the schedule moved the boundary after planning", async () => {
    const schedule = new FixedSchedule();
    const h = createHarness({ schedule });
    await h.startLive();
    await h.runUntil("SWITCH_SCHEDULED"); // planned for 1,020,000
    // The schedule now shifts every segment by one second.
    schedule.anchorMs = 1000;
    await h.runUntil("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toContain("no longer a schedule boundary");
    expect(h.engine.count("switchToLive")).toBe(1);
    expect(h.logger.withInvariant("INV-BOUNDARY-DECLARED-MATCHES-PLAN-001")).toHaveLength(1);
  });

  it("goes FAILED_TERMINAL when the asset planned for the boundary changed", async () => {
    const schedule = new FixedSchedule();
    const h = createHarness({ schedule });
    await h.startLive();
    await h.runUntil("SWITCH_SCHEDULED");
    schedule.override = (_c, _at, normal) => ({ ...normal, assetPath: "/media/other.ts" });
    await h.runUntil("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toContain("Schedule changed for boundary 1020000");
    expect(h.engine.count("switchToLive")).toBe(1);
  });
});
