import { describe, expect, it } from "vitest";
import { createHarness, T0 } from "../helpers/harness.js";

describe("INV-TEARDOWN-GRACE-TIMEOUT-001", () => {
  it("forces FAILED_TERMINAL at exactly the deadline, not 1 ms before, then releases the teardown", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_ISSUED"); // SwitchToLive hangs
    const requestedAt = h.clock.now();
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(false);
    const deadline = h.manager.teardownDeadlineMs!;
    expect(deadline).toBe(requestedAt + 10_000);

    await h.advanceTo(deadline - 1);
    h.manager.tick();
    h.manager.tick();
    expect(h.manager.boundaryState).toBe("SWITCH_ISSUED");
    expect(h.manager.teardownPending).toBe(true);
    expect(h.events.filter((e) => e.type === "teardown-ready")).toEqual([]);
    expect(h.metrics.graceTimeouts).toBe(0);

    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toBe("Teardown grace timeout: stuck in SWITCH_ISSUED for 10000 ms");
    expect(h.events.filter((e) => e.type === "teardown-ready")).toEqual([
      { type: "teardown-ready", reason: "viewer_inactive", deferredMs: 10_000, stateReached: "FAILED_TERMINAL", atMs: deadline },
    ]);
    expect(h.metrics.graceTimeouts).toBe(1);
    expect(h.metrics.deferredSeconds).toEqual([10]);
    const warn = h.logger.matching("grace expired")[0]!;
    expect(warn.level).toBe("warn");
    expect(warn.fields).toMatchObject({ invariant: "INV-TEARDOWN-GRACE-TIMEOUT-001", stuckState: "SWITCH_ISSUED", waitedMs: 10_000 });
    // The hung SwitchToLive was aborted; nothing is left armed.
    expect(h.engine.callsOf("switchToLive")[0]!.outcome).toMatchObject({ ok: false, failure: { error: "aborted" } });
    expect(h.tracked.armedCount).toBe(0);
  });

  it("treats the deadline as inclusive when only tick() drives time (no timer needed)", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_ISSUED");
    h.manager.requestTeardown("viewer_inactive");
    const deadline = h.manager.teardownDeadlineMs!;
    // Move the clock without firing timers: only an explicit tick evaluates.
    h.clock.advanceTo(deadline - 1);
    h.manager.tick();
    expect(h.manager.boundaryState).toBe("SWITCH_ISSUED");
    h.clock.advanceTo(deadline); // ManualClock fires the manager's timer here
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
  });

  it("names the stuck state: PLANNED with a hung LoadPreview", async () => {
    // A long preload lead keeps the switch issuance instant beyond the grace deadline.
    const h = createHarness({ options: { preloadLeadMs: 20_000 } });
    await h.driveTo("PLANNED");
    await h.advance(500);
    h.manager.requestTeardown("shutdown");
    await h.advance(9_999);
    expect(h.manager.boundaryState).toBe("PLANNED");
    await h.advance(1);
    expect(h.manager.fatalReason).toBe("Teardown grace timeout: stuck in PLANNED for 10000 ms");
    expect(h.events.at(-1)).toMatchObject({ type: "teardown-ready", stateReached: "FAILED_TERMINAL", deferredMs: 10_000, atMs: T0 + 10_500 });
  });

  it("does not fire when the transient state resolves first", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_SCHEDULED");
    h.manager.requestTeardown("viewer_inactive");
    await h.advance(60_000);
    expect(h.metrics.graceTimeouts).toBe(0);
    expect(h.manager.boundaryState).toBe("LIVE");
    expect(h.manager.fatalReason).toBeUndefined();
  });

  it("honours a configured grace", async () => {
    const h = createHarness({ options: { teardownGraceMs: 3000 } });
    await h.driveTo("SWITCH_ISSUED");
    h.manager.requestTeardown("viewer_inactive");
    expect(h.manager.teardownDeadlineMs).toBe(h.clock.now() + 3000);
    await h.advance(3000);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
  });
});
