import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { createAirClient } from "@retrovue/air-client";
import { startFakeAir, type FakeAir } from "@retrovue/fake-air";
import { afterEach, describe, expect, it } from "vitest";
import { IMMEDIATE_SWITCH_TARGET_MS } from "@retrovue/core-runtime";
import {
  createAirPlayoutEngine,
  createServerMetrics,
  createSharedEngineRouting,
  probeTransportStream,
  sampleLineupPath,
  type EngineRouting,
  type ServerMetrics,
} from "../../src/index.js";
import { captureLogger, cleanupTempDirs, makeTempDir } from "../support/test-server.js";

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  cleanupTempDirs();
});

const MIN_PREFEED_MS = 200;
const BARS = join(sampleLineupPath(), "..", "..", "media", "ch1", "bars.ts");
const FORMAT = { video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } }, audio: { sampleRate: 48000, channels: 2 } };

async function setup(): Promise<{ fake: FakeAir; routing: EngineRouting; metrics: ServerMetrics; engine: ReturnType<typeof createAirPlayoutEngine> }> {
  const fake = await startFakeAir({ minPrefeedLeadMs: MIN_PREFEED_MS });
  cleanups.push(() => fake.stop());
  const routing = createSharedEngineRouting(createAirClient(fake.address));
  cleanups.push(() => routing.close());
  const metrics = createServerMetrics({ collectDefaultMetrics: false });
  const engine = createAirPlayoutEngine({ routing, metrics, logger: captureLogger().logger });
  return { fake, routing, metrics, engine };
}

/** Core's side of the media transport: a Unix socket that collects what the engine writes. */
async function sink(): Promise<{ path: string; bytes: () => Buffer; received: (n: number) => Promise<void> }> {
  const path = join(makeTempDir(), "ch_1.sock");
  const chunks: Buffer[] = [];
  let total = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
      for (const w of waiters.filter((x) => total >= x.n)) w.resolve();
    });
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    path,
    bytes: () => Buffer.concat(chunks),
    received: (n) => (total >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

describe("AirClient → PlayoutEngine adapter (real gRPC to fake-air)", () => {
  it("drives a channel through acquire, attach, start, preload, switch, detach, stop, release — and MPEG-TS flows", async () => {
    const { engine, fake, metrics } = await setup();
    const media = await sink();
    expect(await engine.acquireChannel(1)).toEqual({ ok: true, value: undefined });
    expect(await engine.attachStream({ channelId: 1, socketPath: media.path, replaceExisting: false })).toEqual({ ok: true, value: undefined });
    expect(await engine.startChannel({ channelId: 1, planHandle: BARS, programFormat: FORMAT })).toEqual({ ok: true, value: undefined });
    const fps = { numerator: 30, denominator: 1 };
    expect(await engine.loadPreview({ channelId: 1, assetPath: BARS, startFrame: 0, frameCount: 900, fps })).toEqual({ ok: true, value: undefined });
    const issuedAtTimeMs = Date.now();
    const targetBoundaryTimeMs = issuedAtTimeMs + MIN_PREFEED_MS + 100;
    const switched = await engine.switchToLive({ channelId: 1, targetBoundaryTimeMs, issuedAtTimeMs });
    expect(switched.ok).toBe(true);
    if (switched.ok) expect(switched.value.completionTimeMs).toBeGreaterThanOrEqual(targetBoundaryTimeMs);
    expect(fake.channelState(1)).toMatchObject({ started: true, attached: true, live: true });

    await media.received(188 * 40);
    const probe = probeTransportStream(media.bytes());
    expect(probe.valid).toBe(true);
    expect(probe.streams.map((s) => s.kind).sort()).toEqual(["audio", "video"]);

    expect(await engine.detachStream({ channelId: 1, force: true })).toEqual({ ok: true, value: undefined });
    expect(await engine.stopChannel(1)).toEqual({ ok: true, value: undefined });
    await engine.releaseChannel(1, "stopped");
    expect(fake.calls().map((c) => c.method)).toEqual(["AttachStream", "StartChannel", "LoadPreview", "SwitchToLive", "DetachStream", "StopChannel"]);
    const { body } = await metrics.expose();
    for (const method of ["AttachStream", "StartChannel", "LoadPreview", "SwitchToLive", "DetachStream", "StopChannel"]) {
      expect(body).toContain(`retrovue_engine_call_duration_seconds_count{method="${method}"} 1`);
    }
    expect(body).not.toContain("retrovue_engine_call_errors_total{");
  });

  it("carries the immediate switch (target 0) and maps NOT_READY to its own outcome, then OK on a later call (INV-SESSION-START-IMMEDIATE-001)", async () => {
    const { engine, fake } = await setup();
    const media = await sink();
    await engine.acquireChannel(1);
    await engine.attachStream({ channelId: 1, socketPath: media.path, replaceExisting: false });
    await engine.startChannel({ channelId: 1, planHandle: BARS, programFormat: FORMAT });
    await engine.loadPreview({ channelId: 1, assetPath: BARS, startFrame: 0, frameCount: 900, fps: { numerator: 30, denominator: 1 } });
    const first = await engine.switchToLive({ channelId: 1, targetBoundaryTimeMs: IMMEDIATE_SWITCH_TARGET_MS, issuedAtTimeMs: Date.now() });
    expect(first).toMatchObject({ ok: false, failure: { kind: "rejected", code: "not_ready" } });
    let answer = first;
    for (let tries = 0; tries < 100 && !answer.ok; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await engine.switchToLive({ channelId: 1, targetBoundaryTimeMs: IMMEDIATE_SWITCH_TARGET_MS, issuedAtTimeMs: Date.now() });
      if (!answer.ok) expect(answer.failure).toMatchObject({ kind: "rejected", code: "not_ready" });
    }
    expect(answer.ok).toBe(true);
    expect(fake.calls().filter((c) => c.method === "SwitchToLive").map((c) => c.request["target_boundary_time_ms"])).toEqual(
      fake.calls().filter((c) => c.method === "SwitchToLive").map(() => "0"),
    );
    await media.received(188 * 40);
    expect(fake.channelState(1)).toMatchObject({ live: true });
    await engine.stopChannel(1);
  });

  it("reports AIR's status-style failures as errors and body-style failures as rejections, and counts them", async () => {
    const { engine, fake, metrics } = await setup();
    fake.script("StartChannel", { grpcStatus: { code: 6, message: "channel 1 already exists" }, times: 1 });
    expect(await engine.startChannel({ channelId: 1, planHandle: BARS, programFormat: FORMAT })).toMatchObject({
      ok: false,
      failure: { kind: "error", error: "already_exists" },
    });
    fake.script("LoadPreview", { resultCode: "REJECTED_BUSY", times: 1 });
    const fps = { numerator: 30, denominator: 1 };
    expect(await engine.loadPreview({ channelId: 1, assetPath: BARS, startFrame: 0, frameCount: 900, fps })).toMatchObject({
      ok: false,
      failure: { kind: "rejected", code: "rejected_busy" },
    });
    expect(await engine.startChannel({ channelId: 1, planHandle: BARS, programFormat: FORMAT })).toEqual({ ok: true, value: undefined });
    expect(await engine.loadPreview({ channelId: 1, assetPath: BARS, startFrame: 0, frameCount: 900, fps })).toEqual({ ok: true, value: undefined });
    const now = Date.now();
    expect(await engine.switchToLive({ channelId: 1, targetBoundaryTimeMs: now + 50, issuedAtTimeMs: now })).toEqual({
      ok: false,
      failure: { kind: "rejected", code: "protocol_violation", message: expect.any(String), violationReason: "Insufficient prefeed lead time" },
    });
    const { body } = await metrics.expose();
    expect(body).toContain('retrovue_engine_call_errors_total{method="StartChannel",kind="already_exists"} 1');
    expect(body).toContain('retrovue_engine_call_errors_total{method="LoadPreview",kind="rejected"} 1');
    expect(body).toContain('retrovue_engine_call_errors_total{method="SwitchToLive",kind="rejected"} 1');
  });

  it("bounds a hanging StopChannel by its deadline, and ends a call on abort", async () => {
    const { engine, fake, metrics } = await setup();
    fake.script("StopChannel", { hang: true });
    expect(await engine.stopChannel(1, { timeoutMs: 150 })).toMatchObject({ ok: false, failure: { kind: "error", error: "deadline_exceeded" } });
    const controller = new AbortController();
    const pending = engine.stopChannel(1, { timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, failure: { kind: "error", error: "aborted" } });
    expect((await metrics.expose()).body).toContain('retrovue_engine_call_errors_total{method="StopChannel",kind="deadline_exceeded"} 1');
  });

  it("fails calls for a channel that has no engine without touching the network", async () => {
    const routing: EngineRouting = {
      acquire: async () => ({ ok: true, value: undefined }),
      clientFor: () => undefined,
      release: async () => undefined,
      channels: () => [],
      close: async () => undefined,
    };
    const engine = createAirPlayoutEngine({ routing, logger: captureLogger().logger });
    expect(await engine.stopChannel(9)).toEqual({
      ok: false,
      failure: { kind: "error", error: "unavailable", message: "StopChannel: channel 9 has no engine (not acquired)" },
    });
  });
});
