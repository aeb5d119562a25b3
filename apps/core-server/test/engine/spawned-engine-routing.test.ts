import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSpawnedEngineRouting, embeddedFakeCommand, type EngineRouting, type SpawnedEngineRoutingOptions } from "../../src/index.js";
import { isAlive, shellScript } from "../support/processes.js";
import { childPids, waitUntil } from "./engine-test-helpers.js";
import { captureLogger, cleanupTempDirs, makeTempDir } from "../support/test-server.js";

// Real engine processes on a loaded 2-core machine: generous bounds.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const routings: EngineRouting[] = [];

afterEach(async () => {
  const all = routings.splice(0);
  const pids = all.flatMap((r) => r.channels().map((c) => c.pid));
  await Promise.all(all.map((r) => r.close()));
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
  expect(childPids()).toEqual([]);
  cleanupTempDirs();
});

function routing(command = embeddedFakeCommand(1000), readyTimeoutMs = 10_000, extra: Partial<SpawnedEngineRoutingOptions> = {}) {
  const logDir = makeTempDir();
  const { logger, lines } = captureLogger();
  const r = createSpawnedEngineRouting({ command, logDir, readyTimeoutMs, killAfterMs: 500, logger, ...extra });
  routings.push(r);
  return { routing: r, logDir, lines };
}

describe("spawned engine routing (one fake-air process per channel)", () => {
  it("spawns an engine per channel on its own loopback port, logs to engine-ch<N>.log, and ends it on release", async () => {
    const { routing: r, logDir } = routing();
    const [one, two] = await Promise.all([r.acquire(1), r.acquire(2)]);
    expect(one).toEqual({ ok: true, value: undefined });
    expect(two).toEqual({ ok: true, value: undefined });
    const channels = r.channels();
    expect(channels.map((c) => c.channelId)).toEqual([1, 2]);
    expect(channels[0]?.address).not.toBe(channels[1]?.address);
    for (const c of channels) {
      expect(c.address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(isAlive(c.pid)).toBe(true);
      expect(c.logFile).toBe(join(logDir, `engine-ch${c.channelId}.log`));
    }
    expect(readFileSync(join(logDir, "engine-ch1.log"), "utf8")).toContain(`FAKE_AIR_LISTENING ${channels[0]?.address}`);
    expect((await r.clientFor(1)?.getVersion())?.ok).toBe(true);

    // A second acquire of a served channel reuses its engine.
    expect(await r.acquire(1)).toEqual({ ok: true, value: undefined });
    expect(r.channels()[0]?.pid).toBe(channels[0]?.pid);

    await r.release(1, "stopped");
    // The channel forgets its engine at once; the process ends in the background.
    expect(r.clientFor(1)).toBeUndefined();
    expect(r.channels().map((c) => c.channelId)).toEqual([2]);
    await waitUntil(() => !isAlive(channels[0]?.pid), "the released engine to exit");
  });

  it("reports an engine that exits before answering, pointing at its log, and keeps nothing", async () => {
    const dir = makeTempDir();
    const { routing: r, lines } = routing({ command: shellScript(dir, "air", 'echo "cannot open GPU" >&2; exit 1'), args: [] });
    const outcome = await r.acquire(3);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure).toMatchObject({ kind: "error", error: "unavailable" });
    expect(outcome.failure.message).toMatch(/^engine for channel 3 exited with code 1 before it answered \(log: .*engine-ch3\.log\)$/);
    expect(r.channels()).toEqual([]);
    expect(r.clientFor(3)).toBeUndefined();
    expect(lines.some((l) => l.msg === "engine process ended" && l.reason === "start_failed")).toBe(true);
  });

  it("ends an engine that never answers once the ready timeout passes (a failed start leaves no process)", async () => {
    const dir = makeTempDir();
    const pidFile = join(dir, "pid");
    const { routing: r } = routing({ command: shellScript(dir, "air", `echo $$ > ${pidFile}; while :; do sleep 0.05; done`), args: [] }, 300);
    const outcome = await r.acquire(4);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: "error", error: "deadline_exceeded" } });
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(isAlive(pid)).toBe(false);
    expect(r.channels()).toEqual([]);
  });

  it("ends every engine on close", async () => {
    const { routing: r } = routing();
    await r.acquire(1);
    const pid = r.channels()[0]?.pid;
    await r.close();
    expect(isAlive(pid)).toBe(false);
    expect(r.channels()).toEqual([]);
    // A closed routing starts nothing more.
    expect(await r.acquire(2)).toMatchObject({ ok: false, failure: { kind: "error", error: "unavailable" } });
    expect(childPids()).toEqual([]);
  });

  it("releases at once: the old engine ends in the background, and a re-acquire never waits for it nor reuses its port", async () => {
    // An engine that ignores SIGTERM, so its end takes the whole SIGTERM→SIGKILL wait.
    const base = embeddedFakeCommand(1000);
    const stubborn = { command: base.command, args: ["--import", "data:text/javascript,process.on('SIGTERM',()=>{})", ...base.args] };
    const killAfterMs = 1_500;
    const { routing: r, lines } = routing(stubborn, 10_000, { killAfterMs });
    expect(await r.acquire(1)).toEqual({ ok: true, value: undefined });
    const old = r.channels()[0]!;
    const releasedAt = performance.now();
    await r.release(1, "stopped");
    const releaseMs = performance.now() - releasedAt;
    // Release did not wait for the process to die: it is still there, ignoring SIGTERM.
    expect(isAlive(old.pid)).toBe(true);
    expect(r.endingCount()).toBe(1);
    // Re-tune the same channel while the old engine is still being ended.
    expect(await r.acquire(1)).toEqual({ ok: true, value: undefined });
    const fresh = r.channels()[0]!;
    expect(fresh.pid).not.toBe(old.pid);
    expect(fresh.address).not.toBe(old.address);
    expect(isAlive(old.pid)).toBe(true);
    await waitUntil(() => !isAlive(old.pid), "the old engine to be killed", 4 * killAfterMs + 5_000);
    const ended = lines.find((l) => l.msg === "engine process ended" && l.pid === old.pid);
    expect(ended).toMatchObject({ reason: "stopped", channel: 1, exit: "was killed by SIGKILL" });
    console.info(`[engine] release returned in ${releaseMs.toFixed(1)} ms; the old engine (SIGTERM ignored) was gone after the ${killAfterMs} ms kill wait`);
  });

  it("close waits for engines still being ended in the background", async () => {
    const base = embeddedFakeCommand(1000);
    const stubborn = { command: base.command, args: ["--import", "data:text/javascript,process.on('SIGTERM',()=>{})", ...base.args] };
    const { routing: r } = routing(stubborn, 10_000, { killAfterMs: 800 });
    await r.acquire(2);
    const pid = r.channels()[0]?.pid;
    await r.release(2, "stopped");
    expect(isAlive(pid)).toBe(true);
    await r.close();
    expect(isAlive(pid)).toBe(false);
    expect(r.endingCount()).toBe(0);
  });
});
