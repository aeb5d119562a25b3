import { describe, expect, it } from "vitest";
import type { FakeAnswer } from "../helpers/fake-engine.js";
import { createHarness, T0 } from "../helpers/harness.js";

describe("ChannelManager LoadPreview retries", () => {
  it.each<[string, FakeAnswer]>([
    ["REJECTED_BUSY", { kind: "rejected", code: "rejected_busy" }],
    ["NOT_READY", { kind: "rejected", code: "not_ready" }],
    ["unavailable", { kind: "error", error: "unavailable" }],
    ["deadline_exceeded", { kind: "error", error: "deadline_exceeded" }],
    ["internal", { kind: "error", error: "internal" }],
  ])("retries after %s with the retry delay, and the boundary still lands on time", async (_name, answer) => {
    const h = createHarness();
    h.engine.script("loadPreview", answer, answer);
    await h.start();
    expect(h.manager.boundaryState).toBe("PLANNED");
    await h.advance(500);
    const attempts = h.engine.callsOf("loadPreview").map((c) => c.atMs);
    expect(attempts).toEqual([T0, T0 + 250, T0 + 500]);
    expect(h.manager.boundaryState).toBe("SWITCH_SCHEDULED");
    expect(await h.runUntil("LIVE")).toBe(T0 + 7000);
    const retries = h.logger.matching("LoadPreview failed and will be retried");
    expect(retries).toHaveLength(2);
    expect(retries.every((r) => r.level === "info")).toBe(true);
  });

  it("goes FAILED_TERMINAL when LoadPreview still fails at the switch issuance instant", async () => {
    const h = createHarness();
    h.engine.setDefault("loadPreview", { kind: "rejected", code: "rejected_busy" });
    await h.start();
    await h.advance(1499);
    expect(h.manager.boundaryState).toBe("PLANNED");
    // Attempts at 0, 250, ..., 1250: a retry at 1500 would not come before issuance.
    expect(h.engine.count("loadPreview")).toBe(6);
    expect(h.logger.matching("no time left to retry")).toHaveLength(1);
    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.engine.count("switchToLive")).toBe(0);
  });

  it.each<[string, FakeAnswer]>([
    ["PROTOCOL_VIOLATION", { kind: "rejected", code: "protocol_violation" }],
    ["unspecified (unknown channel)", { kind: "rejected", code: "unspecified" }],
    ["not_found", { kind: "error", error: "not_found" }],
  ])("does not retry a permanent failure (%s): terminal at once", async (_name, answer) => {
    const h = createHarness();
    h.engine.script("loadPreview", answer);
    await h.start();
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toContain(`LoadPreview for boundary ${T0 + 7000} failed`);
    await h.advance(10_000);
    expect(h.engine.count("loadPreview")).toBe(1);
  });

  it("bounds each LoadPreview by the engine call timeout and by the switch issuance instant", async () => {
    const h = createHarness({ options: { engineCallTimeoutMs: 1000 } });
    h.engine.script("loadPreview", { kind: "error", error: "unavailable" });
    await h.start();
    await h.advance(250);
    const [first, second] = h.engine.callsOf("loadPreview");
    expect(first!.timeoutMs).toBe(1000);
    expect(second!.timeoutMs).toBe(1000);
    const h2 = createHarness();
    await h2.start();
    expect(h2.engine.callsOf("loadPreview")[0]!.timeoutMs).toBe(1500); // capped at issuance
  });

  it("ignores a LoadPreview answer that arrives after terminal entry", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "ok", delayMs: 5000 });
    await h.start();
    await h.advance(1500); // preload missed → terminal, the call is aborted
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    const events = h.events.length;
    await h.advance(10_000);
    expect(h.events.length).toBe(events);
  });

  it("observes the prefeed lead when LoadPreview is accepted", async () => {
    const h = createHarness();
    h.engine.script("loadPreview", { kind: "ok", delayMs: 120 });
    await h.startLive();
    expect(h.metrics.prefeedLeadMs).toEqual([7000 - 120]);
  });
});
