// Teardown on the real engine: the last viewer leaving ends the channel's engine process —
// at once in LIVE, and in a transient boundary state only after the switch lands
// (INV-TEARDOWN-STABLE-STATE-001). Which path ends the process (StopChannel, its deadline
// and SIGTERM, or a direct end) is the server's business; the tests look at the process.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pidAlive, recordBaseline } from "../test/contract/support/leak-check.js";
import { transitionAtMs } from "../test/contract/support/scenario.js";
import { enginePidOf } from "../test/contract/support/spawned-engines.js";
import { waitFor } from "../test/contract/support/wait.js";
import { isRealEngine, realEnginePids } from "./support/engine-processes.js";
import { printFailureDiagnostics } from "./support/failure-diagnostics.js";
import { assertRealAirLeavesNothing } from "./support/real-air-leak-check.js";
import { REAL_TIMING, startRealAirScenario } from "./support/real-air-scenario.js";

beforeEach(recordBaseline);
afterEach(async ({ task }) => {
  if (task.result?.state === "fail") printFailureDiagnostics();
  await assertRealAirLeavesNothing();
});

const TRANSIENT = ["PLANNED", "PRELOAD_ISSUED", "SWITCH_SCHEDULED", "SWITCH_ISSUED"];

async function waitGone(pid: number, timeoutMs: number = REAL_TIMING.processGoneMs): Promise<number> {
  const fromMs = Date.now();
  await waitFor(() => !pidAlive(pid) && !isRealEngine(pid), { what: `engine process ${pid} to end`, timeoutMs });
  return Date.now() - fromMs;
}

describe("real engine: teardown", () => {
  it("last viewer leaves while LIVE → the engine process is gone", async () => {
    const s = await startRealAirScenario();
    const tunedAtMs = Date.now();
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE", REAL_TIMING.stateMs);
    const liveAfterMs = Date.now() - tunedAtMs;
    const pid = enginePidOf(s.server, 1)!;
    expect(realEnginePids()).toEqual([pid]);
    viewer.leave();
    const goneMs = await waitGone(pid);
    await s.waitIdle(REAL_TIMING.processGoneMs);
    expect(realEnginePids()).toEqual([]);
    console.info(`[real-air] leave in LIVE: LIVE ${liveAfterMs} ms after the tune-in; engine ${pid} gone ${goneMs} ms after the leave was seen`);
  });

  it("last viewer leaves mid-switch → teardown deferred while the state is transient, then executed", async () => {
    // The scheduled start holds SWITCH_ISSUED for ~5.5 s (an immediate start's lasts ~0.1 s).
    const s = await startRealAirScenario({ sessionStart: "scheduled" });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    // Start-up: SWITCH_ISSUED ~0.5 s after the tune-in, LIVE ~5.5 s later (the real switch blocks until its target).
    await s.waitChannel(1, (c) => c.boundaryState === "SWITCH_ISSUED", "SWITCH_ISSUED", REAL_TIMING.stateMs);
    const pid = enginePidOf(s.server, 1)!;
    const leftAtMs = Date.now();
    viewer.leave();
    const pending = await s.waitChannel(1, (c) => c.teardownPending, "teardown pending", REAL_TIMING.stateMs);
    expect(TRANSIENT).toContain(pending.boundaryState);
    expect(pending.isLive).toBe(false);
    expect(isRealEngine(pid), "the engine still runs while the teardown waits").toBe(true);
    expect(s.server.logsMatching("teardown DEFERRED").length).toBeGreaterThan(0);

    // The deferred teardown runs once the switch lands (LIVE), which may take as long as a state wait.
    const goneMs = await waitGone(pid, REAL_TIMING.stateMs + REAL_TIMING.processGoneMs);
    const liveAtMs = transitionAtMs(s.server, 1, "LIVE", leftAtMs);
    expect(liveAtMs, "the switch landed before the teardown ran").toBeDefined();
    await s.waitIdle(REAL_TIMING.processGoneMs);
    console.info(`[real-air] leave mid-switch: deferred in ${pending.boundaryState}; LIVE ${liveAtMs! - leftAtMs} ms after the leave; engine ${pid} gone ${goneMs} ms after the deferral was seen`);
  });
});
