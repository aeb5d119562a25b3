import { describe, expect, it } from "vitest";
import { createHarness, T0 } from "../helpers/harness.js";

describe("INV-TEARDOWN-NO-NEW-WORK-001", () => {
  it("sends no LoadPreview retry while a teardown is pending (PLANNED)", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "rejected", code: "rejected_busy", delayMs: 200 });
    await h.start();
    h.manager.requestTeardown("viewer_inactive");
    await h.advance(200); // the LoadPreview fails now; a retry would be due 250 ms later
    expect(h.manager.boundaryState).toBe("PLANNED");
    await h.advance(1299); // up to 1 ms before the switch issuance instant
    expect(h.engine.count("loadPreview")).toBe(1);
    expect(h.engine.count("switchToLive")).toBe(0);
    expect(h.logger.withInvariant("INV-TEARDOWN-NO-NEW-WORK-001")).toHaveLength(1);
    // The only armed timer is the switch issuance check (before the grace deadline).
    expect(h.tracked.armedDueAtMs()).toEqual([T0 + 1500]);
    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.events.at(-1)).toMatchObject({ type: "teardown-ready", stateReached: "FAILED_TERMINAL" });
    expect(h.engine.count("loadPreview")).toBe(1);
  });

  it("schedules no switch while a teardown is pending (PRELOAD_ISSUED), so SwitchToLive is never sent", async () => {
    const h = createHarness();
    await h.driveTo("PRELOAD_ISSUED");
    const calls = h.engineCalls();
    // A repeat request here keeps the first deadline and reason.
    expect(h.manager.requestTeardown("operator_stop")).toBe(false);
    expect(h.manager.teardownDeadlineMs).toBe(T0 + 10_000);
    expect(h.manager.teardownReason).toBe("viewer_inactive");
    expect(h.tracked.armedDueAtMs()).toEqual([T0 + 1500]);
    await h.advance(1399);
    expect(h.manager.boundaryState).toBe("PRELOAD_ISSUED");
    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toContain("no switch may be scheduled while a teardown is pending");
    expect(h.engineCalls()).toBe(calls);
    expect(h.engine.count("switchToLive")).toBe(0);
  });

  it("lets an already armed switch fire (in-flight work), then plans nothing", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_SCHEDULED");
    h.manager.requestTeardown("viewer_inactive");
    await h.runUntil("LIVE");
    expect(h.engine.count("switchToLive")).toBe(1);
    const calls = h.engineCalls();
    await h.advance(600_000);
    expect(h.engineCalls()).toBe(calls);
    expect(h.tracked.armedCount).toBe(0);
    expect(h.manager.snapshot()).toMatchObject({ phase: "teardown_granted", state: "LIVE" });
    expect(h.manager.snapshot().nextBoundaryMs).toBeUndefined();
  });

  it("forms no new work once a teardown was permitted in a stable state", async () => {
    const h = createHarness();
    await h.startLive();
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(true);
    expect(h.tracked.armedCount).toBe(0);
    const calls = h.engineCalls();
    await h.advance(600_000);
    h.manager.tick();
    expect(h.engineCalls()).toBe(calls);
    expect(h.manager.boundaryState).toBe("LIVE");
  });

  it("refuses a new session start after a teardown was granted", async () => {
    const h = createHarness();
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(true);
    const outcome = await h.manager.start();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "error", error: "aborted" } });
    expect(h.engineCalls()).toBe(0);
  });

  it("plans nothing when a teardown is permitted while StartChannel is in flight", async () => {
    const h = createHarness();
    h.engine.script("startChannel", { kind: "ok", delayMs: 300 });
    const started = h.manager.start();
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(true);
    await h.advance(300);
    expect((await started).ok).toBe(true);
    await h.advance(60_000);
    expect(h.engine.count("loadPreview")).toBe(0);
    expect(h.tracked.armedCount).toBe(0);
  });
});
