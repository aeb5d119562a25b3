import { describe, expect, it } from "vitest";
import { ChannelManagerOptionsError, resolveChannelManagerOptions } from "../../src/index.js";
import { createHarness, T0 } from "../helpers/harness.js";
import { unequalItemsSchedule } from "../helpers/unequal-schedule.js";

// Start position `item-start`: the session's first LoadPreview loads the item on air from
// its first frame, with the same frame count and boundary as `on-air` (the next boundary
// ends it on schedule). For engines that cannot start inside an item (the real AIR).
describe("ChannelManager start position", () => {
  it("on-air (default): the immediate start loads the frame on air at the expected live instant", async () => {
    const h = createHarness({ options: { sessionStart: "immediate" } });
    await h.manager.start();
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/media/a.ts", startFrame: 306, frameCount: 594 });
  });

  it("item-start, immediate start: the item's first frame, the same frame count, target 0, and the schedule's next boundary from frame 0", async () => {
    const h = createHarness({ options: { sessionStart: "immediate", startPosition: "item-start" } });
    await h.manager.start();
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/media/a.ts", startFrame: 0, frameCount: 594 });
    expect(h.engine.callsOf("switchToLive")[0]!.params).toEqual({ channelId: 1, targetBoundaryTimeMs: 0, issuedAtTimeMs: T0 });
    expect(h.manager.boundaryState).toBe("LIVE");
    expect(h.logger.matching("Session started")[0]!.fields).toMatchObject({ startPosition: "item-start", startFrame: 0 });
    // The item still ends at its scheduled boundary: the next switch targets 1,020,000, b.ts from frame 0.
    expect(await h.runUntil("LIVE")).toBe(1_020_000);
    expect(h.engine.callsOf("switchToLive")[1]!.params).toMatchObject({ targetBoundaryTimeMs: 1_020_000 });
    expect(h.engine.callsOf("loadPreview")[1]!.params).toMatchObject({ assetPath: "/media/b.ts", startFrame: 0, frameCount: 900 });
  });

  it("item-start, scheduled start: the start-up boundary loads its item from the first frame, same boundary", async () => {
    const h = createHarness({ startMs: 1_040_000, options: { startPosition: "item-start" } });
    await h.start();
    // on-air would be b.ts from frame 810 covering 990 frames (the boundary at 1,050,000 is played over).
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/media/b.ts", startFrame: 0, frameCount: 90 + 900 });
    expect(await h.runUntil("LIVE")).toBe(1_047_000);
    expect(await h.runUntil("LIVE")).toBe(1_080_000);
  });

  /** 15 s x then 20 s y from epoch 0: a 35 s cycle; T0 (1,000,000) is 20 s into it, 5 s into y. */
  const unequal = unequalItemsSchedule;

  it("item-start, a start 5 s before the end of the 15 s item: the 20 s item after it loads from its start, goes live, and the schedule resumes at the cover", async () => {
    // Live instant T0 + 25,000 (cycle 45 s: x runs 35–50 s): 50 s is played over, cover to 70 s (T0 + 50,000).
    const h = createHarness({ schedule: unequal, startMs: 1_024_800, options: { sessionStart: "immediate", startPosition: "item-start" } });
    await h.manager.start();
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/m/y.ts", startFrame: 0, frameCount: 750 });
    expect(h.manager.boundaryState).toBe("LIVE");
    expect(await h.runUntil("LIVE")).toBe(1_050_000);
    expect(h.engine.callsOf("loadPreview")[1]!.params).toMatchObject({ assetPath: "/m/x.ts", startFrame: 0, frameCount: 450 });
  });

  it("the same on the scheduled start path: its switch passes the declared-plan check and goes live at the planned boundary", async () => {
    // Start-up boundary = now + 7 s = T0 + 25,000 (cycle 45 s).
    const h = createHarness({ schedule: unequal, startMs: 1_018_000, options: { startPosition: "item-start" } });
    await h.start();
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/m/y.ts", startFrame: 0, frameCount: 750 });
    expect(await h.runUntil("LIVE")).toBe(1_025_000);
    expect(h.manager.fatalReason).toBeUndefined();
    expect(await h.runUntil("LIVE")).toBe(1_050_000);
  });

  it("rejects an unknown start position", () => {
    expect(() => resolveChannelManagerOptions({ startPosition: "middle" as never })).toThrow(ChannelManagerOptionsError);
    expect(resolveChannelManagerOptions().startPosition).toBe("on-air");
  });
});
