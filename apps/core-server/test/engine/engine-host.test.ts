import { createServer } from "node:net";
import { join } from "node:path";
import { createAirClient } from "@retrovue/air-client";
import { startFakeAir } from "@retrovue/fake-air";
import { systemClock } from "@retrovue/core-runtime";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEngineHost, createServerMetrics, loadServerLineup, sampleLineupPath, type EngineHost, type ServerConfig } from "../../src/index.js";
import { isAlive } from "../support/processes.js";
import { childPids, waitUntil } from "./engine-test-helpers.js";
import { captureLogger, cleanupTempDirs, testConfig } from "../support/test-server.js";

// Spawned engine processes on a loaded 2-core machine: generous bounds.
vi.setConfig({ testTimeout: 30_000, hookTimeout: 30_000 });

const hosts: EngineHost[] = [];
const after: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  for (const f of after.splice(0)) await f();
  cleanupTempDirs();
});

function host(config: ServerConfig): EngineHost {
  const h = createEngineHost({
    config,
    logger: captureLogger().logger,
    metrics: createServerMetrics({ collectDefaultMetrics: false }),
    clock: systemClock,
    lineup: loadServerLineup(config.lineupPath),
    adminToken: () => undefined,
  });
  hosts.push(h);
  return h;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("engine host", () => {
  it("embedded (multi): starts an in-process fake AIR, is ready, and stops it on close", async () => {
    const h = host(testConfig());
    expect(h.mode).toBe("embedded (multi)");
    expect(await h.readiness?.check()).toEqual({ ok: false, detail: "not started" });
    expect(await h.engine.acquireChannel(1)).toMatchObject({ ok: false, failure: { error: "unavailable", message: "the engine host is not started" } });
    await h.start?.();
    expect(h.address).toBe(h.fakeAir?.address);
    expect(await h.readiness?.check()).toEqual({ ok: true, detail: `embedded (multi): engine 1.0.0 at ${h.address}` });
    expect(await h.engine.acquireChannel(1)).toEqual({ ok: true, value: undefined });
    expect(h.channels()).toEqual([{ channelId: 1, address: h.address }]);
    const fake = h.fakeAir;
    await h.close();
    expect(await h.readiness?.check()).toEqual({ ok: false, detail: "not started" });
    // The fake no longer accepts connections.
    const client = createAirClient(fake?.address ?? "");
    expect((await client.getVersion({ timeoutMs: 500 })).ok).toBe(false);
    await client.close();
  });

  it("connect: talks to the engine at AIR_ADDRESS and reports its readiness", async () => {
    const fake = await startFakeAir();
    after.push(() => fake.stop());
    const h = host(testConfig([], { AIR_ADDRESS: fake.address }));
    expect(h.mode).toBe("connect");
    await h.start?.();
    expect(await h.readiness?.check()).toEqual({ ok: true, detail: `connect: engine 1.0.0 at ${fake.address}` });
    expect(await h.engine.startChannel({ channelId: 5, planHandle: join(sampleLineupPath(), "..", "..", "media", "ch1", "bars.ts"), programFormat: { video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } }, audio: { sampleRate: 48000, channels: 2 } } })).toEqual({ ok: true, value: undefined });
    expect(fake.channelState(5)?.started).toBe(true);
  });

  it("connect: starts even when the engine is not up yet, and says so in readiness", async () => {
    const port = await closedPort();
    const h = host(testConfig([], { AIR_ADDRESS: `127.0.0.1:${port}` }));
    await h.start?.();
    expect(await h.readiness?.check()).toEqual({ ok: false, detail: `connect: engine at 127.0.0.1:${port} not answering (unavailable)` });
  });

  it("connect: refuses to start against an engine with another API major version", async () => {
    const fake = await startFakeAir({ version: "2.0.0" });
    after.push(() => fake.stop());
    const h = host(testConfig([], { AIR_ADDRESS: fake.address }));
    await expect(h.start?.()).rejects.toThrow(/engine API version 2\.0\.0 is not supported/);
  });

  it("embedded (spawn): spawns a fake engine process per acquired channel and ends it on release", async () => {
    const h = host(testConfig(["--embedded-air", "spawn"]));
    expect(h.mode).toBe("embedded (spawn)");
    await h.start?.();
    expect(await h.engine.acquireChannel(2)).toEqual({ ok: true, value: undefined });
    const [channel] = h.channels();
    expect(channel?.channelId).toBe(2);
    expect(isAlive(channel?.pid)).toBe(true);
    // The default pool (1) refills behind the taken engine.
    await waitUntil(() => h.pool()?.ready === 1, "the pool to refill");
    expect(await h.readiness?.check()).toEqual({ ok: true, detail: "embedded (spawn): 1 engine process(es), pool 1/1 ready" });
    // StopChannel is not sent in spawn mode: the process is ended at release.
    expect(await h.engine.stopChannel(2)).toEqual({ ok: true, value: undefined });
    await h.engine.releaseChannel(2, "stopped");
    expect(h.channels()).toEqual([]);
    await waitUntil(() => !isAlive(channel?.pid), "the released engine to exit");
    await h.close();
    expect(childPids()).toEqual([]);
  });

  it("embedded (spawn) with --engine-pool-size 0: no engine runs before a tune-in", async () => {
    const h = host(testConfig(["--embedded-air", "spawn", "--engine-pool-size", "0"]));
    await h.start?.();
    expect(h.pool()).toBeUndefined();
    expect(await h.readiness?.check()).toEqual({ ok: true, detail: "embedded (spawn): 0 engine process(es)" });
    expect(childPids()).toEqual([]);
  });
});
