import { describe, expect, it } from "vitest";
import { createHarness } from "../helpers/harness.js";

describe("INV-LIVE-SESSION-AUTHORITY-001", () => {
  it("isLive is true exactly when the state is LIVE, at every move of a session", async () => {
    const h = createHarness();
    const seen: Array<[string, boolean]> = [];
    h.manager.subscribe((e) => {
      if (e.type === "state") seen.push([e.to, h.manager.isLive]);
    });
    expect(h.manager.isLive).toBe(false);
    await h.startLive();
    await h.advance(200_000);
    h.engine.script("switchToLive", { kind: "error", error: "unavailable" });
    await h.runUntil("FAILED_TERMINAL");
    expect(seen.length).toBeGreaterThan(25);
    for (const [state, live] of seen) expect(live).toBe(state === "LIVE");
    expect(h.manager.isLive).toBe(false);
  });

  it("is provisional until the first LIVE, and reports the segment that went live", async () => {
    const h = createHarness();
    await h.start();
    expect(h.manager.provisional).toBe(true);
    expect(h.manager.isLive).toBe(false);
    await h.runUntil("LIVE");
    expect(h.manager.provisional).toBe(false);
    expect(h.manager.isLive).toBe(true);
    const live = h.events.find((e) => e.type === "live")!;
    expect(live).toMatchObject({ type: "live", kind: "startup", boundaryMs: h.clock.now(), segment: { assetPath: "/media/a.ts" } });
    expect(h.manager.snapshot()).toMatchObject({ isLive: true, provisional: false, liveBoundaryCount: 1, currentSegment: { assetPath: "/media/a.ts" } });
  });

  it("is not live after dispose", async () => {
    const h = createHarness();
    await h.startLive();
    h.manager.dispose();
    expect(h.manager.isLive).toBe(false);
  });
});
