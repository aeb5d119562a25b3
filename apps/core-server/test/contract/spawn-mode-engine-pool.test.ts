// Spawn mode with the engine pool (issue 12, items 4 and 5), server + fake AIR in
// single-channel mode like the real engine: a tune-in takes a ready engine instead of
// spawning one, the pool refills, and shutdown leaves no process; a re-tune or a zap never
// waits for the old engine to die (here it ignores SIGTERM, so it lives until SIGKILL).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeAirCliPath } from "../../src/index.js";
import { shortTempDir } from "./support/contract-server.js";
import { assertNothingLeaks, liveChildPids, pidAlive, recordBaseline } from "./support/leak-check.js";
import { startScenario, TIMING } from "./support/scenario.js";
import { enginePidOf, engineControlOf, writeEngineScript, writeFakeEngineBinary } from "./support/spawned-engines.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 40_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

/** A fake engine that ignores SIGTERM: ending it takes the whole SIGTERM→SIGKILL wait. */
function stubbornEngineBinary(dir: string): string {
  const ignoreTerm = "data:text/javascript,process.on('SIGTERM',()=>{})";
  return writeEngineScript(
    dir,
    "stubborn-engine.sh",
    `exec "${process.execPath}" --import "${ignoreTerm}" "${fakeAirCliPath()}" --mode single --control-port 0 --min-prefeed-lead-ms ${TIMING.minPrefeedLeadMs} "$@"`,
  );
}

describe("spawn mode: engine pool and fast release", () => {
  it("a tune-in takes the ready pooled engine, the pool refills, and shutdown leaves no engine process", async () => {
    const binary = writeFakeEngineBinary(shortTempDir(), { minPrefeedLeadMs: TIMING.minPrefeedLeadMs });
    const s = await startScenario({ spawnBinary: binary, argv: ["--engine-pool-size", "1", "--engine-kill-after-ms", "500"] });
    // Before any tune-in, one engine is started and waiting.
    const [pooled] = await waitFor(() => (liveChildPids().length === 1 ? liveChildPids() : undefined), { what: "the pooled engine" });
    await waitFor(() => s.server.logsMatching("pooled engine ready").length === 1, { what: "the pooled engine to be ready" });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    expect(enginePidOf(s.server, 1)).toBe(pooled);
    expect(s.server.logsMatching("engine process taken from the pool")[0]).toMatchObject({ channel: 1, pid: pooled });
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    await viewer.waitForBytes(188 * 10);
    // The engine's record: readiness probes while pooled, then the channel's own calls.
    const calls = (await (await engineControlOf(s.server, 1)).calls()).map((c) => c.method);
    expect(calls.filter((m) => m !== "GetVersion").slice(0, 3)).toEqual(["AttachStream", "StartChannel", "LoadPreview"]);
    expect(calls.indexOf("GetVersion")).toBeLessThan(calls.indexOf("AttachStream"));
    // The pool refilled behind it: the channel's engine and a new ready one.
    await waitFor(() => s.server.logsMatching("pooled engine ready").length === 2, { what: "the pool to refill" });
    const both = liveChildPids();
    expect(both).toHaveLength(2);
    expect(both).toContain(pooled);
    await s.server.close();
    expect(liveChildPids()).toEqual([]);
    expect(readFileSync(join(s.server.config.logDir, "engine-pool.log"), "utf8")).toMatch(/pool: engine pid \d+ ended unused \(shutdown\)/);
  });

  it("re-tune and zap never wait for the old engine to die; its process ends in the background", async () => {
    const killAfterMs = 5_000;
    const s = await startScenario({ spawnBinary: stubbornEngineBinary(shortTempDir()), argv: ["--engine-pool-size", "1", "--engine-kill-after-ms", String(killAfterMs)] });
    await waitFor(() => s.server.logsMatching("pooled engine ready").length === 1, { what: "the pooled engine to be ready" });
    const first = await s.tune(1);
    expect(first.status).toBe(200);
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    const oldPid = enginePidOf(s.server, 1)!;

    // Re-tune: leave channel 1, and once its session is gone, tune it again.
    const leftAtMs = Date.now();
    first.leave();
    await s.waitChannel(1, (c) => c.phase === null, "the old session gone");
    const again = await s.tune(1);
    const retunedMs = Date.now() - leftAtMs;
    expect(again.status).toBe(200);
    const newPid = enginePidOf(s.server, 1)!;
    expect(newPid).not.toBe(oldPid);
    // The old engine (SIGTERM ignored) is still alive: nothing on the path waited for it.
    expect(pidAlive(oldPid)).toBe(true);
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE again");
    await again.waitForBytes(188 * 10);

    // Zap: leave channel 1, tune channel 2.
    const zapAtMs = Date.now();
    again.leave();
    const two = await s.tune(2);
    const zappedMs = Date.now() - zapAtMs;
    expect(two.status).toBe(200);
    // Channel 1's engine is being ended in the background (it waits out the SIGKILL delay).
    expect(pidAlive(newPid)).toBe(true);
    await s.waitChannel(2, (c) => c.boundaryState === "LIVE", "LIVE on 2");
    await two.waitForBytes(188 * 10);

    // Every released engine is gone once the SIGKILL wait passed, killed (it ignored SIGTERM).
    await waitFor(() => !pidAlive(oldPid) && !pidAlive(newPid), { what: "the released engines to be killed", timeoutMs: 3 * killAfterMs });
    const ended = s.server.logs.filter((l) => l["msg"] === "engine process ended" && (l["pid"] === oldPid || l["pid"] === newPid));
    expect(ended.map((l) => [l["reason"], l["exit"]])).toEqual([
      ["stopped", "was killed by SIGKILL"],
      ["stopped", "was killed by SIGKILL"],
    ]);
    two.leave();
    await s.waitIdle();
    console.info(`[spawn pool] re-tune answered ${retunedMs} ms after the leave, zap ${zappedMs} ms; old engines ignored SIGTERM for ${killAfterMs} ms`);
  });
});
