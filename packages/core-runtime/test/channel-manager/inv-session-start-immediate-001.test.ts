import { describe, expect, it } from "vitest";
import type { EngineOutcome } from "../../src/index.js";
import { createHarness, T0, type HarnessOptions } from "../helpers/harness.js";

const NOT_READY = { kind: "rejected", code: "not_ready" } as const;

function immediate(options: HarnessOptions = {}) {
  return createHarness({ ...options, options: { sessionStart: "immediate", ...options.options } });
}

function targets(h: ReturnType<typeof createHarness>): number[] {
  return h.engine.callsOf("switchToLive").map((c) => (c.params as { targetBoundaryTimeMs: number }).targetBoundaryTimeMs);
}

describe("INV-SESSION-START-IMMEDIATE-001", () => {
  it("walks NONE→PLANNED→PRELOAD_ISSUED→SWITCH_SCHEDULED→SWITCH_ISSUED→LIVE with target 0, the item on air at the expected live instant", async () => {
    const h = immediate();
    const outcome = await h.manager.start();
    expect(outcome).toEqual({ ok: true, value: undefined });
    expect(h.states()).toEqual(["PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED", "SWITCH_ISSUED", "LIVE"]);
    // Expected live at T0 + 200: 10.2 s into the segment that started at 990,000 (a.ts), covering to 1,020,000.
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/media/a.ts", startFrame: 306, frameCount: 594 });
    expect(h.engine.callsOf("switchToLive")[0]!.params).toEqual({ channelId: 1, targetBoundaryTimeMs: 0, issuedAtTimeMs: T0 });
    expect(h.manager.provisional).toBe(false);
    expect(h.manager.lifePhase).toBe("running");
    expect(h.logger.matching("session start is live")[0]!.fields).toMatchObject({ invariant: "INV-SESSION-START-IMMEDIATE-001" });
  });

  it("names the item on air at the expected live instant as StartChannel's plan handle (not the one a preload lead later)", async () => {
    // Start 5 s before the boundary at 1,020,000: the item on air then is a.ts; 7 s later it would be b.ts.
    const h = immediate({ startMs: 1_015_000 });
    await h.manager.start();
    expect(h.engine.callsOf("startChannel")[0]!.params).toMatchObject({ planHandle: "/media/a.ts" });
    expect(h.engine.callsOf("loadPreview")[0]!.params).toMatchObject({ assetPath: "/media/a.ts" });
  });

  it("polls NOT_READY at the poll interval until OK; start() resolves only then", async () => {
    const h = immediate();
    h.engine.script("switchToLive", NOT_READY, NOT_READY);
    let settled: EngineOutcome | undefined;
    void h.manager.start().then((o) => (settled = o));
    await h.advance(99);
    expect(settled).toBeUndefined();
    expect(h.manager.boundaryState).toBe("SWITCH_ISSUED");
    await h.advance(1);
    expect(settled).toEqual({ ok: true, value: undefined });
    expect(h.engine.callsOf("switchToLive").map((c) => c.atMs)).toEqual([T0, T0 + 50, T0 + 100]);
    expect(targets(h)).toEqual([0, 0, 0]);
    expect(h.manager.boundaryState).toBe("LIVE");
  });

  it("goes live on an OK 1 ms before the start deadline", async () => {
    const h = immediate();
    h.engine.script("switchToLive", { kind: "ok", delayMs: 3999 });
    const started = h.manager.start();
    await h.advance(3999);
    expect(await started).toEqual({ ok: true, value: undefined });
    expect(h.manager.boundaryState).toBe("LIVE");
  });

  it("fails the start at the deadline exactly (not 1 ms before) and does nothing 1 ms after", async () => {
    const h = immediate();
    h.engine.setDefault("switchToLive", NOT_READY);
    let settled: EngineOutcome | undefined;
    void h.manager.start().then((o) => (settled = o));
    await h.advance(3999);
    expect(h.manager.boundaryState).toBe("SWITCH_ISSUED");
    expect(settled).toBeUndefined();
    expect(h.engine.count("switchToLive")).toBe(80); // T0, T0 + 50, …, T0 + 3950
    await h.advance(1);
    expect(h.manager.boundaryState).toBe("FAILED_TERMINAL");
    expect(settled).toMatchObject({ ok: false, failure: { kind: "error", error: "deadline_exceeded" } });
    expect(h.manager.lifePhase).toBe("start_failed");
    expect(h.manager.fatalReason).toContain("start deadline");
    const calls = h.engineCalls();
    await h.advance(1);
    expect(h.engineCalls()).toBe(calls);
    expect(h.tracked.armedCount).toBe(0);
    expect(h.logger.withInvariant("INV-SESSION-START-IMMEDIATE-001").some((e) => e.level === "warn")).toBe(true);
  });

  it("fails the start on any other answer (PROTOCOL_VIOLATION), typed, without polling", async () => {
    const h = immediate();
    h.engine.script("switchToLive", { kind: "rejected", code: "protocol_violation", violationReason: "no preview" });
    const outcome = await h.manager.start();
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "rejected", code: "protocol_violation" } });
    await h.advance(5000);
    expect(h.engine.count("switchToLive")).toBe(1);
    expect(h.manager.snapshot()).toMatchObject({ phase: "start_failed", state: "FAILED_TERMINAL" });
  });

  it("defers a teardown requested during the start, and releases it at the first LIVE", async () => {
    const h = immediate();
    h.engine.script("switchToLive", NOT_READY, NOT_READY);
    const started = h.manager.start();
    await h.settle();
    expect(h.manager.boundaryState).toBe("SWITCH_ISSUED");
    expect(h.manager.requestTeardown("viewer_inactive")).toBe(false);
    expect(h.manager.teardownPending).toBe(true);
    await h.advance(100);
    expect(await started).toEqual({ ok: true, value: undefined });
    expect(h.events.filter((e) => e.type === "teardown-ready")).toMatchObject([{ reason: "viewer_inactive", stateReached: "LIVE", deferredMs: 100 }]);
    await h.advance(60_000);
    expect(h.engine.count("loadPreview")).toBe(1); // nothing planned after the granted teardown
  });

  it("keeps every scheduled boundary after the start one-shot with target = plan", async () => {
    const h = immediate();
    h.engine.script("switchToLive", NOT_READY);
    const started = h.manager.start();
    await h.advance(50);
    expect((await started).ok).toBe(true);
    await h.advance(60_000);
    expect(targets(h)).toEqual([0, 0, 1_020_000, 1_050_000]);
    const scheduled = h.engine.callsOf("switchToLive").slice(2);
    expect(scheduled.map((c) => c.atMs)).toEqual([1_014_500, 1_044_500]);
  });

  it("keeps the previous path selectable: sessionStart scheduled switches at now + preload lead", async () => {
    const h = createHarness({ options: { sessionStart: "scheduled" } });
    await h.start();
    expect(h.manager.boundaryState).toBe("SWITCH_SCHEDULED");
    expect(await h.runUntil("LIVE")).toBe(T0 + 7000);
    expect(targets(h)).toEqual([T0 + 7000]);
  });
});
