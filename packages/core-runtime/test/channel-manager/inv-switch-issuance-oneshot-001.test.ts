import { describe, expect, it } from "vitest";
import { createHarness } from "../helpers/harness.js";

describe("INV-SWITCH-ISSUANCE-ONESHOT-001", () => {
  it("sends exactly one SwitchToLive per boundary", async () => {
    const h = createHarness();
    await h.startLive();
    for (let i = 0; i < 40; i++) {
      await h.advance(15_000);
      h.manager.tick();
      h.manager.tick();
    }
    const targets = h.engine.callsOf("switchToLive").map((c) => (c.params as { targetBoundaryTimeMs: number }).targetBoundaryTimeMs);
    expect(targets.length).toBe(21);
    expect(new Set(targets).size).toBe(targets.length);
  });

  it("never retries a failed SwitchToLive", async () => {
    const h = createHarness();
    h.engine.script("switchToLive", { kind: "rejected", code: "not_ready" });
    await h.start();
    await h.runUntil("FAILED_TERMINAL");
    await h.advance(600_000);
    expect(h.engine.count("switchToLive")).toBe(1);
  });

  it("ignores a SwitchToLive answer that arrives after terminal entry", async () => {
    const h = createHarness({ options: { switchAnswerTimeoutMs: 100 } });
    h.engine.script("switchToLive", { kind: "ok", delayMs: 20_000 });
    await h.start();
    await h.runUntil("FAILED_TERMINAL"); // unanswered 100 ms after target
    const events = h.events.length;
    await h.advance(60_000);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.events.length).toBe(events);
  });
});
