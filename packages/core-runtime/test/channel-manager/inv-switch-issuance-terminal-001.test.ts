import { describe, expect, it } from "vitest";
import type { FakeAnswer } from "../helpers/fake-engine.js";
import { createHarness, T0 } from "../helpers/harness.js";

const FAILURES: Array<[string, FakeAnswer, string]> = [
  ["PROTOCOL_VIOLATION", { kind: "rejected", code: "protocol_violation", violationReason: "Insufficient prefeed lead time" }, "rejected PROTOCOL_VIOLATION (Insufficient prefeed lead time)"],
  ["NOT_READY", { kind: "rejected", code: "not_ready" }, "rejected NOT_READY"],
  ["FAILED", { kind: "rejected", code: "failed" }, "rejected FAILED"],
  ["REJECTED_BUSY", { kind: "rejected", code: "rejected_busy" }, "rejected REJECTED_BUSY"],
  ["success=false (older engine)", { kind: "rejected", code: "unspecified" }, "rejected UNSPECIFIED"],
  ["transport: unavailable", { kind: "error", error: "unavailable" }, "error unavailable"],
  ["transport: deadline", { kind: "error", error: "deadline_exceeded" }, "error deadline_exceeded"],
  ["gRPC internal", { kind: "error", error: "internal" }, "error internal"],
  ["gRPC not found", { kind: "error", error: "not_found" }, "error not_found"],
  ["unknown error", { kind: "error", error: "unknown" }, "error unknown"],
];

describe("INV-SWITCH-ISSUANCE-TERMINAL-001", () => {
  it.each(FAILURES)("a SwitchToLive failure (%s) is terminal and never retried", async (_name, answer, described) => {
    const h = createHarness();
    h.engine.script("switchToLive", answer);
    await h.start();
    const at = await h.runUntil("FAILED_TERMINAL");
    expect(at).toBe(T0 + 1500);
    expect(h.manager.fatalReason).toContain(`SwitchToLive for boundary ${T0 + 7000} failed: ${described}`);
    expect(h.events.filter((e) => e.type === "terminal")).toEqual([{ type: "terminal", reason: h.manager.fatalReason, atMs: at }]);
    expect(h.logger.withInvariant("INV-SWITCH-ISSUANCE-TERMINAL-001")).toHaveLength(1);
    await h.advance(300_000);
    expect(h.engine.count("switchToLive")).toBe(1);
    expect(h.engine.count("loadPreview")).toBe(1);
  });

  it("a failure on a later boundary is terminal too", async () => {
    const h = createHarness();
    await h.startLive();
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation", delayMs: 10 });
    const at = await h.runUntil("FAILED_TERMINAL");
    expect(at).toBe(1_014_510);
    expect(h.manager.isLive).toBe(false);
  });

  it("an unanswered SwitchToLive is terminal at target + answer timeout exactly, and the call is aborted", async () => {
    const h = createHarness();
    await h.driveTo("SWITCH_ISSUED");
    const call = h.engine.callsOf("switchToLive")[0]!;
    expect(call.timeoutMs).toBe(5500 + 5000);
    await h.advanceTo(T0 + 7000 + 4999);
    expect(h.manager.boundaryState).toBe("SWITCH_ISSUED");
    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(h.manager.fatalReason).toContain("unanswered");
    expect(call.outcome).toMatchObject({ ok: false, failure: { error: "aborted" } });
  });
});
