import { describe, expect, it } from "vitest";
import { createHarness } from "../helpers/harness.js";

describe("INV-TERMINAL-SCHEDULER-HALT-001", () => {
  it("forms no scheduling intent in FAILED_TERMINAL: no planning, no RPC, no timer, for an hour", async () => {
    const h = createHarness();
    await h.startLive();
    h.engine.script("switchToLive", { kind: "rejected", code: "not_ready" });
    await h.runUntil("FAILED_TERMINAL");
    const calls = h.engineCalls();
    const armedTotal = h.tracked.armedTotal;
    for (let i = 0; i < 60; i++) {
      await h.advance(60_000);
      h.manager.tick();
    }
    expect(h.engineCalls()).toBe(calls);
    expect(h.tracked.armedTotal).toBe(armedTotal);
    expect(h.tracked.armedCount).toBe(0);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.manager.snapshot().nextBoundaryMs).toBeUndefined();
    expect(h.logger.withInvariant("INV-TERMINAL-SCHEDULER-HALT-001")[0]!.message).toContain("scheduling is halted");
  });

  it("is absorbing: no move leaves it, and a second failure does not replace the fatal reason", async () => {
    const h = createHarness();
    await h.driveTo("FAILED_TERMINAL");
    const reason = h.manager.fatalReason;
    expect(reason).toContain("PROTOCOL_VIOLATION");
    for (const to of ["NONE", "PLANNED", "LIVE", "FAILED_TERMINAL"] as const) {
      expect(h.manager.attempt(to)).toBe("FAILED_TERMINAL");
    }
    expect(h.manager.fatalReason).toBe(reason);
    expect(h.events.filter((e) => e.type === "terminal")).toHaveLength(1);
  });

  it("still serves health, diagnostics and teardown", async () => {
    const h = createHarness();
    await h.driveTo("FAILED_TERMINAL");
    expect(h.manager.snapshot()).toMatchObject({ state: "FAILED_TERMINAL", isLive: false, fatalReason: expect.stringContaining("SwitchToLive") });
    expect(h.manager.requestTeardown("terminal_restart")).toBe(true);
    h.manager.dispose();
    h.manager.dispose();
  });
});
