import { describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../helpers/harness.js";

/** After terminal entry: nothing armed, and nothing fires or calls the engine later. */
async function expectNoGhosts(h: Harness): Promise<void> {
  expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
  expect(h.tracked.armedCount).toBe(0);
  const armedTotal = h.tracked.armedTotal;
  const calls = h.engineCalls();
  const events = h.events.length;
  await h.advance(3_600_000);
  expect(h.tracked.armedTotal).toBe(armedTotal);
  expect(h.engineCalls()).toBe(calls);
  expect(h.events.length).toBe(events);
}

describe("INV-TERMINAL-TIMER-CLEARED-001", () => {
  it("clears the retry timer on a legal move into FAILED_TERMINAL (permanent LoadPreview failure)", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "rejected", code: "rejected_busy" }, { kind: "rejected", code: "protocol_violation", delayMs: 100 });
    await h.start();
    expect(h.tracked.armedDueAtMs()).toContain(h.clock.now() + 250); // retry armed
    await h.advance(250);
    await h.advance(100);
    await expectNoGhosts(h);
    expect(h.manager.fatalReason).toContain("PROTOCOL_VIOLATION");
  });

  it("clears the armed switch timer on an illegal move (SWITCH_SCHEDULED -> LIVE)", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_SCHEDULED");
    expect(h.tracked.armedCount).toBe(1);
    expect(h.manager.attempt("LIVE")).toBe("FAILED_TERMINAL");
    await expectNoGhosts(h);
    expect(h.engine.count("switchToLive")).toBe(0);
  });

  it("clears the preload timer on an illegal move out of LIVE (LIVE -> FAILED_TERMINAL)", async () => {
    const h = createHarness();
    await h.driveTo("LIVE");
    expect(h.tracked.armedCount).toBe(1);
    expect(h.manager.attempt("FAILED_TERMINAL")).toBe("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toBe("Illegal boundary state transition: LIVE -> FAILED_TERMINAL");
    await expectNoGhosts(h);
  });

  it("clears timers and aborts the in-flight call on the grace timeout", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_ISSUED");
    h.manager.requestTeardown("viewer_inactive");
    await h.advance(10_000);
    await expectNoGhosts(h);
  });

  it("clears timers on a SwitchToLive failure, and ignores a late answer", async () => {
    const h = createHarness();
    await h.startLive();
    h.engine.script("switchToLive", { kind: "error", error: "internal", delayMs: 1000 });
    await h.runUntil("FAILED_TERMINAL");
    await expectNoGhosts(h);
  });
});
