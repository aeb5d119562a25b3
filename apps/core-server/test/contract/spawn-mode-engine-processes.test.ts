// Spawn mode end to end, with the fake in single-channel mode like the real engine: each
// channel gets its own engine process; teardown ends it without StopChannel (which the real
// engine can hang on), even when StopChannel would hang; a start that fails leaves no
// process behind, and the next tune-in starts afresh. These run with the engine pool off
// (on-demand spawn); the pool and the fast release have spawn-mode-engine-pool.test.ts.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { shortTempDir } from "./support/contract-server.js";
import { assertNothingLeaks, liveChildPids, pidAlive, recordBaseline } from "./support/leak-check.js";
import { startScenario, TIMING } from "./support/scenario.js";
import { enginePidOf, engineControlOf, writeEngineScript, writeFakeEngineBinary } from "./support/spawned-engines.js";
import { Timeline } from "./support/timeline.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });
beforeEach(recordBaseline);
afterEach(assertNothingLeaks);

const STOP_TIMEOUT_MS = 600;
const KILL_AFTER_MS = 500;
const SPAWN_FLAGS = ["--engine-stop-timeout-ms", String(STOP_TIMEOUT_MS), "--engine-kill-after-ms", String(KILL_AFTER_MS), "--engine-ready-timeout-ms", "3000", "--engine-pool-size", "0"];

describe("spawn mode: one engine process per channel (server + fake AIR in single-channel mode)", () => {
  it("gives each channel its own engine process, which sees only its channel and is gone after teardown", async () => {
    const binary = writeFakeEngineBinary(shortTempDir(), { minPrefeedLeadMs: TIMING.minPrefeedLeadMs });
    const s = await startScenario({ spawnBinary: binary, argv: SPAWN_FLAGS });
    const one = await s.tune(1);
    const two = await s.tune(2);
    expect([one.status, two.status]).toEqual([200, 200]);
    const pid1 = enginePidOf(s.server, 1)!;
    const pid2 = enginePidOf(s.server, 2)!;
    expect(pid1).toBeGreaterThan(0);
    expect(pid2).toBeGreaterThan(0);
    expect(pid1).not.toBe(pid2);
    expect(liveChildPids().sort()).toEqual([pid1, pid2].sort());
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    await s.waitChannel(2, (c) => c.boundaryState === "LIVE", "LIVE");
    await one.waitForBytes(188 * 10);
    await two.waitForBytes(188 * 10);
    // Each engine heard only about its own channel.
    for (const [n, pid] of [[1, pid1], [2, pid2]] as const) {
      const calls = await (await engineControlOf(s.server, n)).calls();
      const channels = new Set(calls.map((c) => c.request["channel_id"]).filter((id) => id !== undefined).map(Number));
      expect([...channels], `engine ${pid}`).toEqual([n]);
      expect(calls.map((c) => c.method).filter((m) => m !== "GetVersion").slice(0, 3)).toEqual(["AttachStream", "StartChannel", "LoadPreview"]);
    }
    const leftAtMs = Date.now();
    one.leave();
    await waitFor(() => !pidAlive(pid1), { what: `engine ${pid1} to exit`, timeoutMs: 5_000 });
    const goneAfterMs = Date.now() - leftAtMs;
    // Channel 2 plays on with its own process.
    expect(pidAlive(pid2)).toBe(true);
    expect((await s.channel(2)).boundaryState).toBe("LIVE");
    two.leave();
    await waitFor(() => !pidAlive(pid2), { what: `engine ${pid2} to exit`, timeoutMs: 5_000 });
    await s.waitIdle();
    expect(liveChildPids()).toEqual([]);
    console.info(`[spawn] engine process of channel 1 gone ${goneAfterMs} ms after its last viewer left`);
  });

  it("teardown is DetachStream then the end of the process: StopChannel (scripted to hang) is never sent", async () => {
    const binary = writeFakeEngineBinary(shortTempDir(), { minPrefeedLeadMs: TIMING.minPrefeedLeadMs });
    const s = await startScenario({ spawnBinary: binary, argv: SPAWN_FLAGS, logLevel: "debug" });
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
    const pid = enginePidOf(s.server, 1)!;
    const engine = await engineControlOf(s.server, 1);
    await engine.script("StopChannel", { hang: true });
    const leftAtMs = Date.now();
    viewer.leave();
    // The process is gone within the SIGTERM→SIGKILL wait: no StopChannel deadline on the path.
    const boundMs = 2 * KILL_AFTER_MS + TIMING.atOnceMs;
    await waitFor(() => !pidAlive(pid), { what: `engine ${pid} to exit`, timeoutMs: boundMs });
    const goneAfterMs = Date.now() - leftAtMs;
    await s.waitIdle();
    const ended = s.server.logs.find((l) => l["msg"] === "engine process ended" && l["pid"] === pid);
    expect(ended?.["reason"]).toBe("stopped");
    const completed = s.server.logs.find((l) => l["msg"] === "teardown complete" && l["channel"] === 1);
    expect(completed?.["stop"]).toBe("stopped");
    // The engine's own record died with it; the server's debug log says what went out.
    const sent = s.server.logs.filter((l) => l["msg"] === "engine call" || l["msg"] === "engine call failed").map((l) => l["method"]);
    expect(sent).toContain("DetachStream");
    expect(sent).not.toContain("StopChannel");
    expect(s.server.logsMatching("StopChannel skipped").length).toBe(1);
    console.info(`[spawn] teardown without StopChannel: engine process gone ${goneAfterMs} ms after the leave (bound ${boundMs} ms)`);
  });

  it("a start that fails after the engine is up (API 2.0.0) leaves no process; the next tune-in starts afresh", async () => {
    const dir = shortTempDir();
    const flag = join(dir, "engine-refuses");
    writeFileSync(flag, "");
    const binary = writeFakeEngineBinary(dir, { minPrefeedLeadMs: TIMING.minPrefeedLeadMs, failWhenFileExists: flag });
    const s = await startScenario({ spawnBinary: binary, argv: SPAWN_FLAGS });
    const refused = await s.tune(1);
    expect(refused.status).toBe(503);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(JSON.parse(await refused.errorBody)).toMatchObject({ status: 503, channel: 1 });
    // By the time the viewer hears 503, the engine process has been ended and reaped.
    expect(liveChildPids()).toEqual([]);
    expect(enginePidOf(s.server, 1)).toBeUndefined();
    await s.waitChannel(1, (c) => c.phase === null, "the failed session gone");
    rmSync(flag);
    const viewer = await s.tune(1);
    expect(viewer.status).toBe(200);
    expect(liveChildPids()).toEqual([enginePidOf(s.server, 1)]);
    viewer.leave();
    await s.waitIdle();
  });

  it.each([
    ["never answers (killed at the ready timeout)", "exec sleep 30"],
    ["exits at once", "exit 3"],
  ])("a start whose engine %s leaves no process behind", async (_what, body) => {
    const binary = writeEngineScript(shortTempDir(), "broken-engine.sh", body);
    const s = await startScenario({ spawnBinary: binary, argv: [...SPAWN_FLAGS.slice(0, 4), "--engine-ready-timeout-ms", "1000"] });
    const startedAtMs = Date.now();
    const refused = await s.tune(1);
    expect(refused.status).toBe(503);
    expect(Date.now() - startedAtMs).toBeLessThanOrEqual(1_000 + 2 * KILL_AFTER_MS + 2_000);
    expect(liveChildPids()).toEqual([]);
    await s.waitChannel(1, (c) => c.phase === null, "the failed session gone");
    expect(liveChildPids()).toEqual([]);
  });
});
