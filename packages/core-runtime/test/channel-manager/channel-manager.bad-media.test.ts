import { describe, expect, it } from "vitest";
import { FixedSchedule } from "../helpers/fixed-schedule.js";
import { createHarness, T0 } from "../helpers/harness.js";

const FAILED = { kind: "rejected", code: "failed" } as const;

function loads(h: ReturnType<typeof createHarness>) {
  return h.engine.callsOf("loadPreview").map((c) => c.params as { assetPath: string; startFrame: number; frameCount: number });
}

describe("ChannelManager bad media (a LoadPreview that fails permanently fails only its item)", () => {
  it("keeps the item on air (continued) when the next item is bad, switches on time, and resumes the schedule after it", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "ok" }, FAILED);
    expect(await h.startLive()).toBe(T0 + 7000); // a.ts from frame 510 (390 frames, to 1,020,000)
    expect(await h.runUntil("LIVE")).toBe(1_020_000);
    expect(loads(h).slice(1)).toEqual([
      expect.objectContaining({ assetPath: "/media/b.ts", startFrame: 0, frameCount: 900 }),
      // The item on air continued over the bad item's slot, never past what it was loaded with.
      expect.objectContaining({ assetPath: "/media/a.ts", startFrame: 899, frameCount: 900 }),
    ]);
    expect(h.manager.boundaryState).toBe("LIVE");
    expect(h.events.some((e) => e.type === "terminal")).toBe(false);
    expect(await h.runUntil("LIVE")).toBe(1_050_000);
    expect(loads(h)[3]).toMatchObject({ assetPath: "/media/c.ts", startFrame: 0, frameCount: 900 });
  });

  it("reports the bad item: WARN naming the file, a bad-item event, the snapshot and the metric", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "ok" }, FAILED);
    await h.startLive();
    await h.runUntil("LIVE");
    const warn = h.logger.matching("cannot play /media/b.ts")[0]!;
    expect(warn.level).toBe("warn");
    expect(warn.fields).toMatchObject({ assetPath: "/media/b.ts", boundaryMs: 1_020_000, substitute: "continuation" });
    const item = { assetPath: "/media/b.ts", boundaryMs: 1_020_000, atMs: 1_013_000, substitute: "continuation", reason: "rejected FAILED: fake failed" };
    expect(h.events.filter((e) => e.type === "bad-item")).toEqual([{ type: "bad-item", item, atMs: 1_013_000 }]);
    expect(h.manager.snapshot()).toMatchObject({ badItems: [item], lastBadItem: item });
    expect(h.metrics.badMediaPaths).toEqual(["/media/b.ts"]);
    expect(h.logger.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("plays the channel's fallback clip instead of the bad item, for the bad item's slot", async () => {
    const schedule = new FixedSchedule();
    schedule.fallback = "/media/slate.ts";
    const h = createHarness({ schedule });
    h.engine.script("loadPreview", { kind: "ok" }, FAILED);
    await h.startLive();
    expect(await h.runUntil("LIVE")).toBe(1_020_000);
    expect(loads(h)[2]).toEqual({ channelId: 1, assetPath: "/media/slate.ts", startFrame: 0, frameCount: 900, fps: { numerator: 30, denominator: 1 } });
    expect(h.manager.snapshot().lastBadItem).toMatchObject({ substitute: "fallback" });
    expect(await h.runUntil("LIVE")).toBe(1_050_000);
  });

  it("tries the next substitute when a substitute fails too (bad fallback → item on air continued)", async () => {
    const schedule = new FixedSchedule();
    schedule.fallback = "/media/slate.ts";
    const h = createHarness({ schedule });
    h.engine.script("loadPreview", { kind: "ok" }, FAILED, FAILED);
    await h.startLive();
    expect(await h.runUntil("LIVE")).toBe(1_020_000);
    expect(loads(h).slice(1).map((l) => l.assetPath)).toEqual(["/media/b.ts", "/media/slate.ts", "/media/a.ts"]);
    expect(h.manager.snapshot().badItems.map((b) => b.assetPath)).toEqual(["/media/b.ts", "/media/slate.ts"]);
  });

  it("skips a bad current item at the immediate session start to the next playable item, instead of failing the start", async () => {
    const h = createHarness({ options: { sessionStart: "immediate" } });
    h.engine.script("loadPreview", FAILED);
    expect(await h.manager.start()).toEqual({ ok: true, value: undefined });
    // b.ts from its first frame, covering to its scheduled end 1,050,000 (49.8 s from the expected live instant).
    expect(loads(h)[1]).toMatchObject({ assetPath: "/media/b.ts", startFrame: 0, frameCount: 1494 });
    expect(h.manager.snapshot().lastBadItem).toMatchObject({ assetPath: "/media/a.ts", substitute: "next-item" });
    expect(await h.runUntil("LIVE")).toBe(1_050_000);
    expect(loads(h)[2]).toMatchObject({ assetPath: "/media/c.ts", startFrame: 0 });
  });

  it("fails the start (typed FAILED) only when no item nor fallback can play", async () => {
    const h = createHarness({ options: { sessionStart: "immediate" } });
    h.engine.setDefault("loadPreview", FAILED);
    const outcome = await h.manager.start();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "rejected", code: "failed" } });
    expect(loads(h).map((l) => l.assetPath)).toEqual(["/media/a.ts", "/media/b.ts", "/media/c.ts", "/media/a.ts"]);
    expect(h.manager.snapshot().badItems.at(-1)).toMatchObject({ substitute: "none" });
    expect(h.manager.lifePhase).toBe("start_failed");
  });

  it("keeps the terminal rule for switch failures", async () => {
    const h = createHarness();
    h.engine.script("switchToLive", { kind: "ok" }, { kind: "rejected", code: "failed" });
    await h.startLive();
    expect(await h.runUntil("FAILED_TERMINAL")).toBe(1_014_500); // the fake rejects at issuance
    expect(h.manager.snapshot().badItems).toEqual([]);
  });

  it("retries StartChannel with the next item when the engine cannot open the current one (INTERNAL, as the real engine answers)", async () => {
    const h = createHarness({ options: { sessionStart: "immediate" } });
    h.engine.script("startChannel", { kind: "error", error: "internal" });
    expect(await h.manager.start()).toEqual({ ok: true, value: undefined });
    expect(h.engine.callsOf("startChannel").map((c) => (c.params as { planHandle: string }).planHandle)).toEqual(["/media/a.ts", "/media/b.ts"]);
    expect(loads(h)[0]).toMatchObject({ assetPath: "/media/b.ts", startFrame: 0 });
    expect(h.manager.snapshot().lastBadItem).toMatchObject({ assetPath: "/media/a.ts", substitute: "next-item" });
    expect(h.manager.snapshot().lastBadItem!.reason).toContain("StartChannel failed: error internal");
    expect(h.metrics.badMediaPaths).toEqual(["/media/a.ts"]);
  });

  it("gives up after the next items and the fallback: the start fails with StartChannel's error", async () => {
    const schedule = new FixedSchedule();
    schedule.fallback = "/media/slate.ts";
    const h = createHarness({ schedule, options: { sessionStart: "immediate" } });
    h.engine.setDefault("startChannel", { kind: "error", error: "internal" });
    expect(await h.manager.start()).toMatchObject({ ok: false, failure: { kind: "error", error: "internal" } });
    expect(h.engine.callsOf("startChannel").map((c) => (c.params as { planHandle: string }).planHandle)).toEqual([
      "/media/a.ts",
      "/media/b.ts",
      "/media/c.ts",
      "/media/a.ts",
      "/media/slate.ts",
    ]);
    expect(h.manager.lifePhase).toBe("start_failed");
    expect(h.engine.count("loadPreview")).toBe(0);
  });
});
