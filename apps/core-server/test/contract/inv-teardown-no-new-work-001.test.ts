// INV-TEARDOWN-NO-NEW-WORK-001 end to end: while a teardown is pending, no LoadPreview or
// SwitchToLive for new work reaches the engine — no switch is armed after a preload that
// lands while pending, a failed LoadPreview is not retried, the next boundary is not
// prepared when the pending teardown resolves, and no new session is started while an
// operator stop is pending. Each case has a control run (no pending teardown) showing the
// same situation does reach the engine, so an absent call means something.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { startScenario, startupSwitchIssueAtMs, TIMING, tuneUntil } from "./support/scenario.js";
import { sleep } from "./support/wait.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);


// A start-up boundary 4 s after tune-in: the switch is due 2.5 s after the LoadPreview, so a
// preload the fake holds for 0.5 s (or refuses once and is retried) still lands well before
// it on a loaded machine.
const PRELOAD_LEAD_MS = 4_000;

describe("INV-TEARDOWN-NO-NEW-WORK-001 (server + fake AIR process)", () => {
  it("INV-TEARDOWN-NO-NEW-WORK-001: a preload accepted while a teardown is pending never leads to a SwitchToLive", async () => {
    const s = await startScenario({ preloadLeadMs: PRELOAD_LEAD_MS, teardownGraceMs: 8_000 });
    await s.air!.script("LoadPreview", { delayMs: 500, times: 1 });
    const viewer = await tuneUntil(s, 1, "PLANNED");
    const leftAtMs = Date.now();
    viewer.leave();
    await s.waitChannel(1, (c) => c.teardownPending && c.boundaryState === "PRELOAD_ISSUED", "preload accepted while pending");
    await s.waitIdle();
    const t = await s.timeline(1);
    const loadPreview = t.first("LoadPreview")!;
    expect(loadPreview.outcome).toMatchObject({ kind: "response", response: { success: true } });
    // The armed-switch instant passed while pending; no switch went out, only the teardown.
    expect(t.of("SwitchToLive"), t.describe(leftAtMs)).toEqual([]);
    expect(t.of("LoadPreview")).toHaveLength(1);
    expect(t.methods(leftAtMs)).toEqual(["DetachStream", "StopChannel"]);
    expect(t.first("DetachStream")!.receivedAtMs).toBeGreaterThanOrEqual(startupSwitchIssueAtMs(loadPreview, s) - 50);
  });

  it("INV-TEARDOWN-NO-NEW-WORK-001: control — without a pending teardown the same preload is followed by its SwitchToLive", async () => {
    const s = await startScenario({ preloadLeadMs: PRELOAD_LEAD_MS });
    await s.air!.script("LoadPreview", { delayMs: 500, times: 1 });
    const viewer = await tuneUntil(s, 1, "PLANNED");
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    const t = await s.timeline(1);
    expect(t.of("SwitchToLive")).toHaveLength(1);
    viewer.leave();
    await s.waitIdle();
  });

  it("INV-TEARDOWN-NO-NEW-WORK-001: a LoadPreview refused (NOT_READY) while a teardown is pending is not retried", async () => {
    const s = await startScenario({ preloadLeadMs: PRELOAD_LEAD_MS, teardownGraceMs: 8_000 });
    await s.air!.script("LoadPreview", { delayMs: 400, resultCode: "NOT_READY", times: 1 });
    const viewer = await tuneUntil(s, 1, "PLANNED");
    const leftAtMs = Date.now();
    viewer.leave();
    await s.waitChannel(1, (c) => c.teardownPending, "teardown pending");
    await s.waitIdle();
    const t = await s.timeline(1);
    expect(t.of("LoadPreview").map((c) => c.outcome), t.describe(leftAtMs)).toEqual([
      expect.objectContaining({ kind: "response", response: expect.objectContaining({ success: false, result_code: "RESULT_CODE_NOT_READY" }) }),
    ]);
    expect(t.of("SwitchToLive")).toEqual([]);
    expect(t.methods(leftAtMs)).toEqual(["DetachStream", "StopChannel"]);
  });

  it("INV-TEARDOWN-NO-NEW-WORK-001: control — without a pending teardown a NOT_READY LoadPreview is retried and the channel goes live", async () => {
    const s = await startScenario({ preloadLeadMs: PRELOAD_LEAD_MS });
    await s.air!.script("LoadPreview", { delayMs: 400, resultCode: "NOT_READY", times: 1 });
    const viewer = await tuneUntil(s, 1, "PLANNED");
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    const t = await s.timeline(1);
    expect(t.of("LoadPreview").length).toBeGreaterThanOrEqual(2);
    viewer.leave();
    await s.waitIdle();
  });

  // Segments of 1.5 s (shorter than the 2 s preload lead): the item switched in at start-up
  // plays over the boundaries too close to honour, and the first one that can be honoured has
  // its preload due within one segment (1.5 s) of the channel going LIVE.
  const shortSegments = { segmentMs: 1_500 };

  it("INV-TEARDOWN-NO-NEW-WORK-001: a pending teardown that resolves on LIVE leaves the next boundary unprepared (no LoadPreview)", async () => {
    const s = await startScenario({ lineup: shortSegments, teardownGraceMs: 8_000 });
    const viewer = await tuneUntil(s, 1, "SWITCH_SCHEDULED");
    const leftAtMs = Date.now();
    viewer.leave();
    await s.waitIdle();
    const t = await s.timeline(1);
    const sw = t.first("SwitchToLive")!;
    expect(sw.outcome).toMatchObject({ kind: "response", response: { success: true } });
    expect(t.since(sw.receivedAtMs, "LoadPreview"), t.describe(leftAtMs)).toEqual([]);
    expect(t.methods(sw.receivedAtMs)).toEqual(["SwitchToLive", "DetachStream", "StopChannel"]);
  });

  it("INV-TEARDOWN-NO-NEW-WORK-001: control — with the viewer still there the next boundary's LoadPreview follows LIVE (within one segment)", async () => {
    const s = await startScenario({ lineup: shortSegments });
    const viewer = await tuneUntil(s, 1, "SWITCH_SCHEDULED");
    const t = await s.waitCalls(1, (x) => x.of("LoadPreview").length >= 2, "the next boundary's LoadPreview");
    const sw = t.first("SwitchToLive")!;
    const next = t.of("LoadPreview")[1]!;
    expect(next.receivedAtMs).toBeGreaterThanOrEqual(sw.answeredAtMs!);
    expect(next.receivedAtMs - sw.answeredAtMs!).toBeLessThanOrEqual(shortSegments.segmentMs + TIMING.atOnceMs);
    viewer.leave();
    await s.waitIdle();
  });

  it("INV-TEARDOWN-NO-NEW-WORK-001: no new session starts while an operator stop is pending; the newcomer gets a fresh one after StopChannel", async () => {
    const s = await startScenario({ teardownGraceMs: 8_000 });
    const first = await tuneUntil(s, 1, "SWITCH_SCHEDULED");
    const stopping = s.server.admin("/admin/channels/1/stop", { method: "POST", timeoutMs: 15_000 });
    await s.waitChannel(1, (c) => c.teardownPending && c.teardownReason === "operator_stop", "operator stop pending");
    const requestedAtMs = Date.now();
    // A new viewer while the stop is pending: it may not cancel it, and must not start anything.
    const second = s.tune(1);
    await sleep(300);
    const stop = await stopping;
    expect(stop.status).toBe(200);
    const newcomer = await second;
    expect(newcomer.status).toBe(200);
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE" && c.viewers === 1, "the newcomer's fresh session live");
    const t = await s.timeline(1);
    const stopCall = t.first("StopChannel", requestedAtMs)!;
    expect(stopCall, t.describe(requestedAtMs)).toBeDefined();
    // Between the pending stop and its StopChannel: only the old session's switch and teardown.
    expect(t.between(requestedAtMs, stopCall.receivedAtMs).map((c) => c.method), t.describe(requestedAtMs)).not.toContain("StartChannel");
    expect(t.between(requestedAtMs, stopCall.receivedAtMs, "AttachStream", "LoadPreview")).toEqual([]);
    // After it: a whole new session for the newcomer.
    expect(t.methods(stopCall.receivedAtMs).slice(0, 5)).toEqual(["StopChannel", "AttachStream", "StartChannel", "LoadPreview", "SwitchToLive"]);
    expect(first.isOpen).toBe(false);
    newcomer.leave();
    await s.waitIdle();
  });
});
