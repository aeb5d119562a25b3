// Every RPC's happy path against fake-air over real loopback gRPC: what the client sends
// (as the fake recorded it) and what it makes of the answer.
import { afterEach, describe, expect, it } from "vitest";
import type { AirResult } from "../src/index.js";
import { ASSET, createFixture, FORMAT } from "./helpers/fixture.js";

const fx = createFixture();
afterEach(() => fx.teardown());

function value<T>(r: AirResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.kind === "error" ? r.error.message : r)}`);
  return r.value;
}

describe("AirClient RPCs against fake-air", () => {
  it("GetVersion answers the engine's version; checkApiVersion accepts major 1", async () => {
    const air = await fx.fake();
    const c = fx.client(air.address);
    expect(await c.getVersion()).toEqual({ ok: true, value: { version: "1.0.0" } });
    expect(await c.checkApiVersion()).toEqual({ ok: true, value: { version: "1.0.0", major: 1, minor: 0, patch: 0 } });
    expect(air.calls().map((call) => call.method)).toEqual(["GetVersion", "GetVersion"]);
  });

  it("checkApiVersion refuses an engine with API major 2 (failed_precondition)", async () => {
    const air = await fx.fake({ version: "2.1.0" });
    const r = await fx.client(air.address).checkApiVersion();
    expect(r).toMatchObject({ ok: false, kind: "error", error: { code: "failed_precondition", method: "GetVersion" } });
  });

  it("waitForReady answers at once when the engine is up", async () => {
    const air = await fx.fake();
    expect(await fx.client(air.address).waitForReady()).toEqual({ ok: true, value: { version: "1.0.0" } });
  });

  it("a whole channel session: attach, start, update, preview, switch, detach, stop", async () => {
    const air = await fx.fake();
    // The switch waits ~300 ms on the engine; a 100 ms base deadline only works because
    // SwitchToLive's deadline covers the wait until the target.
    const c = fx.client(air.address, { timeoutsMs: { SwitchToLive: 100 } });
    const socketPath = await fx.sink();

    expect(value(await c.attachStream({ channelId: 7, endpoint: socketPath }))).toEqual({
      message: `Attached to ${socketPath}`,
      negotiatedTransport: "unix_domain_socket",
      negotiatedEndpoint: socketPath,
    });
    expect(value(await c.startChannel({ channelId: 7, planHandle: ASSET, programFormat: FORMAT })).message).toBe(
      "Channel 7 started",
    );
    expect(value(await c.startChannel({ channelId: 7, planHandle: ASSET, programFormat: FORMAT })).message).toBe(
      "Channel 7 already started",
    );
    expect(value(await c.updatePlan({ channelId: 7, planHandle: "next-plan" })).message).toBe("Channel 7 plan updated");
    expect(
      value(
        await c.loadPreview({ channelId: 7, assetPath: ASSET, startFrame: 30, frameCount: 90, fps: { numerator: 30, denominator: 1 } }),
      ),
    ).toEqual({ message: "Preview loaded for channel 7", shadowDecodeStarted: true });

    const issuedAtTimeMs = Date.now();
    const target = issuedAtTimeMs + 300;
    const sw = value(await c.switchToLive({ channelId: 7, targetBoundaryTimeMs: target, issuedAtTimeMs }));
    expect(sw.message).toBe("Switched to live");
    expect(sw.ptsContiguous).toBe(true);
    expect(sw.completionTimeMs).toBeGreaterThanOrEqual(target);
    expect(air.channelState(7)).toMatchObject({ started: true, attached: true, live: true, planHandle: "next-plan" });

    expect(value(await c.detachStream({ channelId: 7, force: true })).message).toBe("Detached");
    expect(value(await c.detachStream({ channelId: 7 })).message).toBe("Not attached");
    expect(value(await c.stopChannel({ channelId: 7 })).message).toBe("Channel 7 stopped");
    expect(value(await c.stopChannel({ channelId: 7 })).message).toBe("Channel 7 already stopped or unknown");

    const calls = air.calls();
    expect(calls.map((call) => call.method)).toEqual([
      "AttachStream",
      "StartChannel",
      "StartChannel",
      "UpdatePlan",
      "LoadPreview",
      "SwitchToLive",
      "DetachStream",
      "DetachStream",
      "StopChannel",
      "StopChannel",
    ]);
    const req = (i: number): Record<string, unknown> => calls[i]!.request;
    expect(req(0)).toMatchObject({ channel_id: 7, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: socketPath, replace_existing: false });
    expect(req(1)).toMatchObject({ channel_id: 7, plan_handle: ASSET, port: 0 });
    expect(JSON.parse(req(1)["program_format_json"] as string)).toEqual({
      video: { width: 320, height: 240, frame_rate: "30/1" },
      audio: { sample_rate: 48000, channels: 2 },
    });
    expect(req(4)).toMatchObject({ asset_path: ASSET, start_frame: "30", frame_count: "90", fps_numerator: 30, fps_denominator: 1 });
    expect(req(5)).toMatchObject({ target_boundary_time_ms: String(target), issued_at_time_ms: String(issuedAtTimeMs) });
    expect(req(6)).toMatchObject({ force: true });
    expect(req(7)).toMatchObject({ force: false });
  });

  it("SwitchToLive fills issued_at from the client's wall clock when omitted", async () => {
    const air = await fx.fake();
    const c = fx.client(air.address, { now: () => 1_700_000_000_000 });
    await c.switchToLive({ channelId: 1, targetBoundaryTimeMs: 1_700_000_009_000 });
    expect(air.calls()[0]!.request).toMatchObject({ issued_at_time_ms: "1700000000000" });
  });

  it("AttachStream replace_existing replaces an attachment", async () => {
    const air = await fx.fake();
    const c = fx.client(air.address);
    const first = await fx.sink();
    const second = await fx.sink();
    expect((await c.attachStream({ channelId: 2, endpoint: first })).ok).toBe(true);
    const replaced = await c.attachStream({ channelId: 2, endpoint: second, replaceExisting: true });
    expect(value(replaced).negotiatedEndpoint).toBe(second);
    expect(air.calls()[1]!.request).toMatchObject({ replace_existing: true });
  });

  it("many calls share one HTTP/2 connection and run concurrently", async () => {
    const air = await fx.fake();
    const c = fx.client(air.address);
    const results = await Promise.all(Array.from({ length: 20 }, () => c.getVersion()));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(air.calls()).toHaveLength(20);
  });
});
