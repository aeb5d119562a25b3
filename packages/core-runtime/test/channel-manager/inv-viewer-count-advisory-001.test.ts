import { describe, expect, it } from "vitest";
import { createHarness, T0 } from "../helpers/harness.js";

describe("INV-VIEWER-COUNT-ADVISORY-001", () => {
  it("a request only asks: in a transient state nothing is stopped or detached and the boundary proceeds", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_SCHEDULED");
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(false);
    expect(h.manager.boundaryState).toBe("SWITCH_SCHEDULED");
    await h.runUntil("LIVE");
    expect(h.engine.count("stopChannel")).toBe(0);
    expect(h.engine.count("detachStream")).toBe(0);
  });

  it("a repeated request while pending is a no-op: the first deadline and reason stand", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_ISSUED");
    const first = h.clock.now();
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(false);
    await h.advance(2_000);
    expect(h.manager.requestTeardown("operator_stop")).toBe(false);
    expect(h.manager.requestTeardown("shutdown")).toBe(false);
    expect(h.manager.teardownDeadlineMs).toBe(first + 10_000);
    expect(h.manager.teardownReason).toBe("viewer_inactive");
    expect(h.metrics.deferred).toBe(1);
    await h.advance(10_000);
    expect(h.events.filter((e) => e.type === "teardown-ready")).toEqual([
      expect.objectContaining({ reason: "viewer_inactive", deferredMs: 10_000 }),
    ]);
  });

  it("a returning viewer cancels a pending teardown and normal work resumes", async () => {
    const h = createHarness();
    await h.driveTo("PRELOAD_ISSUED"); // pending, switch not scheduled
    expect(h.manager.cancelPendingTeardown()).toBe(true);
    expect(h.manager.teardownPending).toBe(false);
    expect(h.manager.boundaryState).toBe("SWITCH_SCHEDULED");
    expect(h.logger.matching("pending teardown cancelled")[0]!.fields).toMatchObject({ invariant: "INV-VIEWER-COUNT-ADVISORY-001", reason: "viewer_inactive" });
    const liveAt = await h.runUntil("LIVE");
    expect(liveAt).toBe(T0 + 7000);
    await h.runUntil("LIVE"); // and the next boundary too
    expect(h.events.filter((e) => e.type === "teardown-ready")).toEqual([]);
    expect(h.manager.cancelPendingTeardown()).toBe(false);
  });

  it("a cancelled LoadPreview retry resumes after cancel", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "rejected", code: "rejected_busy" });
    await h.start();
    h.manager.requestTeardown("viewer_inactive"); // after the failure: no retry is armed
    await h.advance(500);
    expect(h.engine.count("loadPreview")).toBe(1);
    h.manager.cancelPendingTeardown();
    // The retry instant passed while pending: it is due now.
    await h.settle();
    expect(h.engine.count("loadPreview")).toBe(2);
    expect(await h.runUntil("LIVE")).toBe(T0 + 7000);
  });

  it("cancel returns false when nothing is pending, including after the teardown ran", async () => {
    const h = createHarness();
    expect(h.manager.cancelPendingTeardown()).toBe(false);
    await h.driveTo("SWITCH_SCHEDULED");
    h.manager.requestTeardown("viewer_inactive");
    await h.runUntil("LIVE");
    expect(h.manager.cancelPendingTeardown()).toBe(false);
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(true);
  });
});
