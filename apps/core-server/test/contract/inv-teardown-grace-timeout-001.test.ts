// INV-TEARDOWN-GRACE-TIMEOUT-001 end to end: a SwitchToLive the engine never answers, and
// the last viewer leaves → at request + grace the boundary is forced to FAILED_TERMINAL
// (the reason names the stuck state), the deferred teardown runs, and the engine is told
// to stop. Once with a short grace, once at the real 10 s default.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { startScenario, TIMING, transitionAtMs, type Scenario } from "./support/scenario.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

/** Scheduling/timer jitter allowed around the grace deadline, ms (measured figures are printed). */
const TOLERANCE_MS = 250;

async function graceScenario(s: Scenario): Promise<{ leftAtMs: number; deadlineMs: number; terminalAtMs: number; detachAtMs: number }> {
  await s.air!.script("SwitchToLive", { hang: true });
  const viewer = await s.tune(1);
  expect(viewer.status).toBe(200);
  await s.waitCalls(1, (t) => t.first("SwitchToLive") !== undefined, "SwitchToLive received (and hung)", 15_000);
  const leftAtMs = Date.now();
  viewer.leave();
  const pending = await s.waitChannel(1, (c) => c.teardownPending, "teardown pending");
  expect(pending.boundaryState).toBe("SWITCH_ISSUED");
  expect(pending.teardownReason).toBe("viewer_inactive");
  const deadlineMs = Date.parse(pending.teardownDeadline!);
  // The deadline is the request instant + grace; the request follows the leave within ms.
  expect(deadlineMs - leftAtMs).toBeGreaterThanOrEqual(s.graceMs);
  expect(deadlineMs - leftAtMs).toBeLessThanOrEqual(s.graceMs + TOLERANCE_MS);
  await s.waitIdle(s.graceMs + 10_000);

  const t = await s.timeline(1);
  const sw = t.first("SwitchToLive")!;
  // The engine never answered the switch; the manager gave up on it (cancelled) at terminal.
  expect(sw.outcome?.kind ?? "hung").not.toBe("response");
  const terminalAtMs = transitionAtMs(s.server, 1, "FAILED_TERMINAL")!;
  expect(terminalAtMs, "FAILED_TERMINAL was entered").toBeDefined();
  const expired = s.server.logsMatching("INV-TEARDOWN-GRACE-TIMEOUT-001").find((l) => String(l["msg"]).includes("grace expired"));
  expect(expired?.["stuckState"]).toBe("SWITCH_ISSUED");
  const fatal = s.server.logs.find((l) => l["msg"] === "boundary transition" && l["to"] === "FAILED_TERMINAL");
  expect(fatal).toBeDefined();
  // FAILED_TERMINAL at the deadline (inclusive), not before and not much after.
  expect(terminalAtMs).toBeGreaterThanOrEqual(deadlineMs);
  expect(terminalAtMs - deadlineMs).toBeLessThanOrEqual(TOLERANCE_MS);
  // Nothing of the teardown before the deadline; then DetachStream and StopChannel.
  expect(t.between(leftAtMs, deadlineMs, "DetachStream", "StopChannel"), t.describe(leftAtMs)).toEqual([]);
  const teardown = t.since(leftAtMs, "DetachStream", "StopChannel");
  expect(teardown.map((c) => c.method), t.describe(leftAtMs)).toEqual(["DetachStream", "StopChannel"]);
  const detachAtMs = teardown[0]!.receivedAtMs;
  expect(detachAtMs - terminalAtMs).toBeLessThanOrEqual(TIMING.atOnceMs);
  // The engine was told to stop: the fake's channel is gone.
  expect((await s.air!.channel(1))?.["started"] ?? false).toBe(false);
  // The counter the operator sees moved.
  const metrics = await s.server.http("/metrics");
  expect(metrics.text).toMatch(/retrovue_teardown_grace_timeout_total(\{[^}]*\})? 1\b/);
  return { leftAtMs, deadlineMs, terminalAtMs, detachAtMs };
}

describe("INV-TEARDOWN-GRACE-TIMEOUT-001 (server + fake AIR process)", () => {
  it("INV-TEARDOWN-GRACE-TIMEOUT-001: a never-answered SwitchToLive is forced to FAILED_TERMINAL at request + grace (1.5 s), then torn down", async () => {
    const s = await startScenario({ teardownGraceMs: 1_500 });
    const m = await graceScenario(s);
    console.info(
      `[INV-TEARDOWN-GRACE-TIMEOUT-001] grace 1500: FAILED_TERMINAL ${m.terminalAtMs - m.leftAtMs} ms after the leave ` +
        `(${m.terminalAtMs - m.deadlineMs} ms after the deadline), DetachStream +${m.detachAtMs - m.terminalAtMs} ms`,
    );
  });

  it("INV-TEARDOWN-GRACE-TIMEOUT-001: at the real default grace (10 s, no flag), FAILED_TERMINAL comes 10 s after the request", async () => {
    // MIN_PREFEED 8 s keeps the hung switch's own deadline (lead + 5 s answer timeout,
    // 13.5 s after issue) well past the grace, so the grace is what ends it.
    const s = await startScenario({ minPrefeedLeadMs: 8_000, preloadLeadMs: 9_000, teardownGraceMs: "default" });
    expect(s.server.config.limits.teardownGraceMs).toBe(10_000);
    const m = await graceScenario(s);
    expect(m.terminalAtMs - m.leftAtMs).toBeGreaterThanOrEqual(10_000);
    console.info(
      `[INV-TEARDOWN-GRACE-TIMEOUT-001] grace 10000: FAILED_TERMINAL ${m.terminalAtMs - m.leftAtMs} ms after the leave ` +
        `(${m.terminalAtMs - m.deadlineMs} ms after the deadline), DetachStream +${m.detachAtMs - m.terminalAtMs} ms`,
    );
  });
});
