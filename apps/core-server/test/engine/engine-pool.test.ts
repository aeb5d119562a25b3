import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSpawnedEngineRouting, EnginePool, embeddedFakeCommand, type SpawnedEngineRouting, type SpawnedEngineRoutingOptions } from "../../src/index.js";
import { isAlive, shellScript } from "../support/processes.js";
import { captureLogger, cleanupTempDirs, makeTempDir } from "../support/test-server.js";
import { childPids, waitUntil } from "./engine-test-helpers.js";

// Real engine processes on a loaded 2-core machine: generous bounds.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const routings: SpawnedEngineRouting[] = [];

afterEach(async () => {
  await Promise.all(routings.splice(0).map((r) => r.close()));
  // The pool is emptied at shutdown: no engine process is left.
  expect(childPids()).toEqual([]);
  cleanupTempDirs();
});

function pooled(extra: Partial<SpawnedEngineRoutingOptions> = {}) {
  const logDir = makeTempDir();
  const { logger, lines } = captureLogger();
  const r = createSpawnedEngineRouting({ command: embeddedFakeCommand(1000), logDir, readyTimeoutMs: 10_000, killAfterMs: 500, logger, poolSize: 1, ...extra });
  routings.push(r);
  return { routing: r, logDir, lines };
}

describe("engine pool (spawn mode keeps ready engines)", () => {
  it("keeps a ready engine, hands it to the next channel (its startup output follows it to the channel's log) and refills", async () => {
    const { routing: r, logDir, lines } = pooled();
    await waitUntil(() => r.pool()?.ready === 1, "a ready pooled engine");
    const [idlePid] = childPids();
    expect(idlePid).toBeTypeOf("number");
    expect(r.channels()).toEqual([]);

    expect(await r.acquire(3)).toEqual({ ok: true, value: undefined });
    const channel = r.channels()[0]!;
    expect(channel.pid).toBe(idlePid);
    expect(channel.logFile).toBe(join(logDir, "engine-ch3.log"));
    const log = readFileSync(channel.logFile!, "utf8");
    expect(log).toMatch(new RegExp(`^--- \\S+ channel 3: pooled engine pid ${idlePid}, ready before the tune-in: .*--address ${channel.address}\\n`));
    expect(log).toContain(`FAKE_AIR_LISTENING ${channel.address}`);
    expect((await r.clientFor(3)?.getVersion())?.ok).toBe(true);
    expect(lines.some((l) => l.msg === "engine process taken from the pool" && l.pid === idlePid && l.channel === 3)).toBe(true);

    // The pool refills in the background with another process.
    await waitUntil(() => r.pool()?.ready === 1, "the pool to refill");
    const refill = childPids().filter((pid) => pid !== idlePid);
    expect(refill).toHaveLength(1);

    // A second channel takes the refill; a third (pool empty meanwhile) spawns its own.
    const [four, five] = await Promise.all([r.acquire(4), r.acquire(5)]);
    expect([four.ok, five.ok]).toEqual([true, true]);
    expect(r.channels().find((c) => c.channelId === 4)?.pid).toBe(refill[0]);
    expect(new Set(r.channels().map((c) => c.pid)).size).toBe(3);
  });

  it("is emptied at shutdown, also while a start is in flight; an unused engine's output goes to engine-pool.log", async () => {
    const { routing: r, logDir } = pooled({ poolSize: 2 });
    await waitUntil(() => r.pool()?.ready === 2, "two ready pooled engines");
    const pids = childPids();
    expect(pids).toHaveLength(2);
    await r.acquire(1);
    // A refill is starting now; close ends it, the idle one and the channel's engine.
    expect(r.pool()?.starting).toBe(1);
    await r.close();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(childPids()).toEqual([]);
    const poolLog = readFileSync(join(logDir, "engine-pool.log"), "utf8");
    expect(poolLog).toMatch(/--- \S+ pool: engine pid \d+ ended unused \(shutdown\): /);
    expect(poolLog).toContain("FAKE_AIR_LISTENING 127.0.0.1:");
  });

  it("replaces a pooled engine that dies", async () => {
    const { routing: r, lines } = pooled({ poolBackoffMs: [50] });
    await waitUntil(() => r.pool()?.ready === 1, "a ready pooled engine");
    const [first] = childPids();
    process.kill(first!, "SIGKILL");
    await waitUntil(() => r.pool()?.ready === 1 && childPids()[0] !== first && childPids().length === 1, "a replacement");
    expect(lines.some((l) => l.msg === "engine pool could not keep an engine ready; retrying after a backoff")).toBe(true);
    expect(await r.acquire(1)).toEqual({ ok: true, value: undefined });
    expect(r.channels()[0]?.pid).not.toBe(first);
  });

  it("backs off on a broken binary instead of spinning", async () => {
    const dir = makeTempDir();
    const starts = join(dir, "starts");
    const broken = { command: shellScript(dir, "air", `echo x >> ${starts}; exit 1`), args: [] };
    const { routing: r } = pooled({ command: broken, poolBackoffMs: [100, 200, 400] });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const count = existsSync(starts) ? readFileSync(starts, "utf8").split("\n").filter(Boolean).length : 0;
    // Starts at ~0, 0.1, 0.3, 0.7, 1.1 s (+ each failure's own time): a handful, not hundreds.
    expect(count).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(7);
    expect(r.pool()?.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(r.pool()?.ready).toBe(0);
    // A tune-in meanwhile spawns on demand and reports the engine's failure.
    const outcome = await r.acquire(1);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "error", error: "unavailable" } });
    console.info(`[pool] broken binary: ${count} starts in 1.5 s with backoff 100/200/400 ms`);
  });

  it("refuses a size outside 0-16", () => {
    const { logger } = captureLogger();
    const options = { start: async () => ({ ok: false as const, message: "unused" }), end: async () => undefined, logger };
    expect(() => new EnginePool({ ...options, size: 17 })).toThrow(RangeError);
    expect(() => new EnginePool({ ...options, size: -1 })).toThrow(RangeError);
    expect(new EnginePool({ ...options, size: 0 }).status()).toEqual({ size: 0, ready: 0, starting: 0, consecutiveFailures: 0 });
  });
});
