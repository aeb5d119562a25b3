import { describe, expect, it } from "vitest";
import { createHarness, T0 } from "../helpers/harness.js";

describe("ChannelManager session", () => {
  it("governs the session start as a boundary and reaches LIVE at the planned instant", async () => {
    const h = createHarness();
    await h.start();
    expect(h.engine.count("startChannel")).toBe(1);
    // Preload is due at once: the switch instant is now + preload lead (7 s).
    expect(h.manager.boundaryState).toBe("SWITCH_SCHEDULED");
    const lp = h.engine.callsOf("loadPreview")[0]!;
    expect(lp.atMs).toBe(T0);
    // 1,007,000 is 17 s into the segment that started at 990,000: frame 510 at 30 fps.
    expect(lp.params).toMatchObject({ assetPath: "/media/a.ts", startFrame: 510, frameCount: 900 - 510 });
    const liveAt = await h.runUntil("LIVE");
    expect(liveAt).toBe(T0 + 7000);
    const sw = h.engine.callsOf("switchToLive")[0]!;
    expect(sw.params).toEqual({ channelId: 1, targetBoundaryTimeMs: T0 + 7000, issuedAtTimeMs: T0 + 1500 });
    expect(h.manager.provisional).toBe(false);
    expect(h.states()).toEqual(["PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED", "SWITCH_ISSUED", "LIVE"]);
    // Then the next scheduled boundary (1,020,000) at its exact instant.
    await h.runUntil("PLANNED");
    expect(h.clock.now()).toBe(1_020_000 - 7000);
    await h.runUntil("LIVE");
    expect(h.clock.now()).toBe(1_020_000);
    expect(h.engine.callsOf("switchToLive")[1]!.params).toEqual({ channelId: 1, targetBoundaryTimeMs: 1_020_000, issuedAtTimeMs: 1_014_500 });
  });

  it("defers a teardown requested in a transient state and signals on LIVE", async () => {
    const h = createHarness();
    await h.start();
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(false);
    expect(h.manager.teardownDeadlineMs).toBe(T0 + 10_000);
    await h.runUntil("LIVE");
    const ready = h.events.filter((e) => e.type === "teardown-ready");
    expect(ready).toEqual([{ type: "teardown-ready", reason: "viewer_inactive", deferredMs: 7000, stateReached: "LIVE", atMs: T0 + 7000 }]);
    expect(h.tracked.armedCount).toBe(0);
  });
});
