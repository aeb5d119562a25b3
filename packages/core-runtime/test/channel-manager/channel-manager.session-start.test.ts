import { describe, expect, it } from "vitest";
import { ChannelManager, ChannelManagerStateError, ManualClock, createLineupSchedule, parseLineup } from "../../src/index.js";
import { FakeEngine } from "../helpers/fake-engine.js";
import { FixedSchedule, TEST_FORMAT } from "../helpers/fixed-schedule.js";
import { createHarness, T0 } from "../helpers/harness.js";
import { validLineupDocument } from "../lineup/fixtures.js";

describe("ChannelManager session start", () => {
  it("sends StartChannel with the first live asset and the channel's program format", async () => {
    const h = createHarness();
    await h.start();
    expect(h.engine.callsOf("startChannel")[0]!.params).toEqual({ channelId: 1, planHandle: "/media/a.ts", programFormat: TEST_FORMAT });
    expect(h.engine.callsOf("startChannel")[0]!.timeoutMs).toBe(5000);
  });

  it("loads the segment playing at the switch instant from its frame at that instant (29.97 fps)", async () => {
    const lineup = parseLineup(validLineupDocument());
    const schedule = createLineupSchedule(lineup, { mediaRoot: "/srv/media" });
    const anchor = lineup.anchorMs;
    // Start 31 s after the anchor: switch at +38 s, 8 s into the 20 s clock item (29.97 fps).
    const h = createHarness({ schedule, startMs: anchor + 31_000 });
    await h.start();
    expect(h.engine.callsOf("loadPreview")[0]!.params).toEqual({
      channelId: 1,
      assetPath: "/srv/media/ch1/clock.ts",
      startFrame: Math.floor((8000 * 30000) / (1000 * 1001)), // 239
      frameCount: 599 - 239,
      fps: { numerator: 30000, denominator: 1001 },
    });
    expect(await h.runUntil("LIVE")).toBe(anchor + 38_000);
    // The next boundary is the schedule's own, at +50 s.
    await h.runUntil("LIVE");
    expect(h.engine.callsOf("switchToLive")[1]!.params).toMatchObject({ targetBoundaryTimeMs: anchor + 50_000 });
    expect(h.engine.callsOf("loadPreview")[1]!.params).toMatchObject({ assetPath: "/srv/media/ch1/bars.ts", startFrame: 0, frameCount: 900 });
  });

  it("plays the first item on over a boundary too close to honour after the start-up switch (INFO), then resumes the schedule", async () => {
    // Switch at 1,047,000; the boundary at 1,050,000 is 3 s later: its lead cannot be honoured.
    const h = createHarness({ startMs: 1_040_000 });
    await h.start();
    // The first item's frames already cover to the next honourable boundary, 1,080,000: 3 s + 30 s.
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/media/b.ts", startFrame: 810, frameCount: 90 + 900 });
    expect(await h.runUntil("LIVE")).toBe(1_047_000);
    const over = h.logger.matching("played over")[0]!;
    expect(over.level).toBe("info");
    expect(over.fields).toMatchObject({ skippedBoundariesMs: [1_050_000], coverUntilMs: 1_080_000 });
    // No switch between: the next one is the schedule's own boundary at 1,080,000, from frame 0.
    expect(await h.runUntil("LIVE")).toBe(1_080_000);
    expect(h.engine.callsOf("switchToLive").map((c) => (c.params as { targetBoundaryTimeMs: number }).targetBoundaryTimeMs)).toEqual([1_047_000, 1_080_000]);
    expect(h.engine.callsOf("loadPreview")[1]!.params).toMatchObject({ assetPath: "/media/a.ts", startFrame: 0, frameCount: 900 });
  });

  it("is provisional until the first LIVE", async () => {
    const h = createHarness();
    const flags: boolean[] = [];
    h.manager.subscribe((e) => e.type === "state" && flags.push(h.manager.provisional));
    await h.startLive();
    expect(flags).toEqual([true, true, true, true, false]);
  });

  it("reports a failed StartChannel and does nothing more (phase start_failed, state NONE)", async () => {
    const h = createHarness();
    h.engine.script("startChannel", { kind: "error", error: "already_exists" });
    const outcome = await h.manager.start();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "error", error: "already_exists" } });
    expect(h.manager.snapshot()).toMatchObject({ phase: "start_failed", state: "NONE", fatalReason: "StartChannel failed: error already_exists: fake already_exists" });
    await h.advance(60_000);
    expect(h.engineCalls()).toBe(1);
    expect(h.tracked.armedCount).toBe(0);
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(true);
    h.manager.dispose();
  });

  it("answers not_found without calling the engine for a channel the schedule does not know", async () => {
    const clock = new ManualClock(T0);
    const engine = new FakeEngine(clock);
    const manager = new ChannelManager({ channelNumber: 7, engine, schedule: new FixedSchedule(1), clock });
    const outcome = await manager.start();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "error", error: "not_found" } });
    expect(engine.calls).toEqual([]);
    expect(manager.lifePhase).toBe("start_failed");
  });

  it("refuses a second start()", async () => {
    const h = createHarness();
    await h.start();
    await expect(h.manager.start()).rejects.toThrow(ChannelManagerStateError);
  });

  it("dispose during StartChannel aborts it and plans nothing", async () => {
    const h = createHarness();
    h.engine.script("startChannel", { kind: "hang" });
    const started = h.manager.start();
    h.manager.dispose();
    expect(await started).toMatchObject({ ok: false, failure: { error: "aborted" } });
    await h.advance(60_000);
    expect(h.engine.count("loadPreview")).toBe(0);
    expect(h.tracked.armedCount).toBe(0);
  });

  it("goes LIVE -> NONE (idle, logged, no timer) when the schedule has nothing more", async () => {
    const schedule = new FixedSchedule();
    const h = createHarness({ schedule });
    await h.start();
    await h.runUntil("SWITCH_ISSUED");
    schedule.override = (_c, atMs, normal) => {
      if (atMs > T0 + 7000) throw new RangeError("end of schedule");
      return normal;
    };
    await h.runUntil("LIVE");
    expect(h.manager.boundaryState).toBe("NONE");
    expect(h.states().slice(-2)).toEqual(["LIVE", "NONE"]);
    expect(h.logger.matching("The schedule has no next boundary")[0]!.level).toBe("warn");
    expect(h.tracked.armedCount).toBe(0);
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(true);
  });
});
