import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSpawnedEngineRouting, embeddedFakeCommand, type EngineRouting } from "../../src/index.js";
import { isAlive, shellScript } from "../support/processes.js";
import { captureLogger, cleanupTempDirs, makeTempDir } from "../support/test-server.js";

const routings: EngineRouting[] = [];

afterEach(async () => {
  const all = routings.splice(0);
  const pids = all.flatMap((r) => r.channels().map((c) => c.pid));
  await Promise.all(all.map((r) => r.close()));
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
  cleanupTempDirs();
});

function routing(command = embeddedFakeCommand(1000), readyTimeoutMs = 10_000) {
  const logDir = makeTempDir();
  const { logger, lines } = captureLogger();
  const r = createSpawnedEngineRouting({ command, logDir, readyTimeoutMs, killAfterMs: 500, logger });
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
    expect(isAlive(channels[0]?.pid)).toBe(false);
    expect(r.clientFor(1)).toBeUndefined();
    expect(r.channels().map((c) => c.channelId)).toEqual([2]);
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
  });
});
