// Spawn mode on the real engine: one engine process per channel, and the tuner budget.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pidAlive, recordBaseline } from "../test/contract/support/leak-check.js";
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

describe("real engine: channels and tuners", () => {
  it("two channels → two engine processes; a third over the budget of two → 503 problem+json", async () => {
    const s = await startRealAirScenario({ channels: [1, 2, 3], maxTuners: 2 });
    const one = await s.tune(1);
    const two = await s.tune(2);
    expect([one.status, two.status]).toEqual([200, 200]);
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE", REAL_TIMING.stateMs);
    await s.waitChannel(2, (c) => c.boundaryState === "LIVE", "LIVE", REAL_TIMING.stateMs);
    const pids = [enginePidOf(s.server, 1)!, enginePidOf(s.server, 2)!];
    expect(pids[0]).not.toBe(pids[1]);
    expect(realEnginePids().sort()).toEqual([...pids].sort());

    const three = await s.tune(3);
    expect(three.status).toBe(503);
    expect(three.headers["content-type"]).toMatch(/application\/problem\+json/);
    const problem = JSON.parse(await three.errorBody) as { status?: number };
    expect(problem.status).toBe(503);
    expect(realEnginePids().sort(), "no engine started for the refused channel").toEqual([...pids].sort());
    expect((await s.channel(3)).state).not.toBe("playing");

    one.leave();
    two.leave();
    await waitFor(() => pids.every((pid) => !pidAlive(pid) && !isRealEngine(pid)), {
      what: "both engine processes to end",
      timeoutMs: REAL_TIMING.processGoneMs,
    });
    await s.waitIdle(REAL_TIMING.processGoneMs);
  });
});
