// INV-TERMINAL-SCHEDULER-HALT-001 end to end: once a boundary is FAILED_TERMINAL (forced by
// the fake: PROTOCOL_VIOLATION on the switch, PROTOCOL_VIOLATION on the preload, or the engine process
// crashing under the switch, or a switch it never answers), the engine receives no further LoadPreview or SwitchToLive
// for that session — even while the failed session lingers (slow StopChannel) past the
// instants its boundary was planned for. Teardown still reaches the engine.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { SCHEDULING_METHODS } from "./support/timeline.js";
import { forceTerminal, SLOW_STOP_MS, SWITCH_ANSWER_TIMEOUT_MS, TERMINAL_CAUSES } from "./support/terminal-scenarios.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

describe("INV-TERMINAL-SCHEDULER-HALT-001 (server + fake AIR process)", () => {
  it.each(TERMINAL_CAUSES)("INV-TERMINAL-SCHEDULER-HALT-001: after %s no scheduling RPC of that session reaches the engine", async (cause) => {
    const run = await forceTerminal(cause);
    const { s } = run;
    if (cause === "SwitchToLive never answered") {
      // The configured answer timeout decided it: terminal at target + timeout, not at the 5 s default.
      const targetMs = Number(run.cause.request["target_boundary_time_ms"]);
      expect(run.terminalAtMs - targetMs).toBeGreaterThanOrEqual(SWITCH_ANSWER_TIMEOUT_MS);
      expect(run.terminalAtMs - targetMs).toBeLessThanOrEqual(SWITCH_ANSWER_TIMEOUT_MS + 250);
    }
    // Stay past the failed boundary's own instants (switch issuance, boundary) and the slow stop.
    const quietUntilMs = Math.max(run.terminalAtMs + SLOW_STOP_MS + 500, run.cause.receivedAtMs + s.preloadLeadMs + 1_000);
    await waitFor(() => Date.now() >= quietUntilMs, { timeoutMs: 15_000, what: "the failed boundary's instants to pass" });
    const t = await run.timelineAfter();
    const afterTerminal = t.since(run.terminalAtMs, ...SCHEDULING_METHODS);
    expect(afterTerminal, `scheduling RPCs after FAILED_TERMINAL (${run.terminalAtMs}):\n${t.describe(run.terminalAtMs)}`).toEqual([]);
    // Nor did a new session start (the restart is the director's, 60 s away).
    expect(t.since(run.terminalAtMs, "StartChannel", "AttachStream")).toEqual([]);
    if (run.restarted === undefined) {
      // Teardown still works in FAILED_TERMINAL: the engine side was stopped, slow stop included.
      expect(t.since(run.terminalAtMs).map((c) => c.method)).toEqual(["DetachStream", "StopChannel"]);
    }
    run.viewer.leave();
    await s.waitIdle();
  });
});
