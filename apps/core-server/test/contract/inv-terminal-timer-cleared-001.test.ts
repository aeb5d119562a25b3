// INV-TERMINAL-TIMER-CLEARED-001 end to end: entering FAILED_TERMINAL (forced by the fake:
// PROTOCOL_VIOLATION on the switch or the preload, a crash, a switch never answered) cancels every boundary timer of the channel at that
// moment — not later when the session is disposed — and none fires afterwards. Timers are
// observed through the server's clock (a counting wrapper of the system clock that knows
// which component armed each timer).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assertNothingLeaks, recordBaseline } from "./support/leak-check.js";
import { forceTerminal, SLOW_STOP_MS, TERMINAL_CAUSES } from "./support/terminal-scenarios.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

/** Timer-callback latency allowed between the terminal transition and the clear, ms. */
const SAME_MOMENT_MS = 50;

describe("INV-TERMINAL-TIMER-CLEARED-001 (server + fake AIR process)", () => {
  it.each(TERMINAL_CAUSES)("INV-TERMINAL-TIMER-CLEARED-001: %s clears the channel's boundary timers at once; none fires later", async (cause) => {
    const run = await forceTerminal(cause);
    const { s } = run;
    const clock = s.server.clock;
    // While the failed session lingers (slow StopChannel), its manager has no timer armed.
    if (run.restarted === undefined) expect((await s.channel(1)).phase).toBe("restarting");
    expect(clock.armed().filter((r) => r.origin === "channel-manager")).toEqual([]);
    const managerTimers = clock.records().filter((r) => r.origin === "channel-manager" && r.armedAtMs <= run.terminalAtMs);
    expect(managerTimers.length).toBeGreaterThanOrEqual(1);
    for (const timer of managerTimers) {
      if (timer.firedAtMs !== undefined) {
        // Fired before the failure (e.g. the switch issuance that led to it).
        expect(timer.firedAtMs).toBeLessThanOrEqual(run.terminalAtMs);
      } else {
        // Armed at the failure: cleared by the transition itself, not by a later dispose.
        expect(timer.clearedAtMs, JSON.stringify(timer)).toBeDefined();
        expect(timer.clearedAtMs! - run.terminalAtMs).toBeLessThanOrEqual(SAME_MOMENT_MS);
      }
    }
    // Past the instants the failed boundary's timers were due, and past the slow stop: no ghost fired.
    const lastDueMs = Math.max(...managerTimers.map((r) => r.dueAtMs).filter((d) => d < run.terminalAtMs + 10_000), run.terminalAtMs);
    const quietUntilMs = Math.max(lastDueMs, run.terminalAtMs + SLOW_STOP_MS) + 300;
    await waitFor(() => Date.now() >= quietUntilMs, { timeoutMs: 15_000, what: "past the failed boundary's due instants" });
    const ghosts = clock.firedSince(run.terminalAtMs + 1).filter((r) => r.origin === "channel-manager" && r.armedAtMs <= run.terminalAtMs);
    expect(ghosts, "timers of the failed boundary fired after FAILED_TERMINAL").toEqual([]);
    run.viewer.leave();
    await s.waitIdle();
  });
});
