import { status } from "@grpc/grpc-js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeBlackClip, type FakeAir, FaultError, startFakeAir } from "../src/index.js";
import { MediaSink } from "./helpers/media-sink.js";
import { openSocketHandles, settleOpenSockets } from "./helpers/open-handles.js";
import { PlayoutTestClient, previewRequest, startRequest } from "./helpers/playout-client.js";

const LEAD_MS = 100;

describe("fake-air fault scripting", () => {
  let baseline = 0;
  let air: FakeAir;
  let client: PlayoutTestClient;
  let media: string;
  const sinks: MediaSink[] = [];

  beforeEach(async () => {
    baseline = openSocketHandles();
    media = mkdtempSync(join(tmpdir(), "fake-air-media-"));
    writeFileSync(join(media, "a.ts"), encodeBlackClip());
    air = await startFakeAir({ minPrefeedLeadMs: LEAD_MS, mediaRoot: media });
    client = new PlayoutTestClient(air.address);
  });

  afterEach(async () => {
    client.close();
    await air.stop();
    for (const s of sinks.splice(0)) await s.close();
    rmSync(media, { recursive: true, force: true });
    expect(await settleOpenSockets(baseline)).toBe(baseline);
  });

  const liveChannel = async (): Promise<MediaSink> => {
    const sink = new MediaSink();
    await sink.listen();
    sinks.push(sink);
    await client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: sink.path, replace_existing: false });
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.ts"));
    const issued = Date.now();
    await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + LEAD_MS + 10), issued_at_time_ms: String(issued) });
    await sink.until(() => sink.bytes().length > 0);
    return sink;
  };

  it("delayMs holds the answer at least that long, then runs the normal logic", async () => {
    air.script("StartChannel", { delayMs: 150 });
    const before = Date.now();
    expect(await client.body("StartChannel", startRequest(1))).toMatchObject({ success: true });
    expect(Date.now() - before).toBeGreaterThanOrEqual(150);
    const [call] = air.calls();
    expect(call?.answeredAtMs! - call?.receivedAtMs!).toBeGreaterThanOrEqual(150);
    expect(call?.fault).toEqual({ delayMs: 150 });
    expect(air.channelState(1)?.started).toBe(true);
  });

  it("a forced result code answers in the body (gRPC OK) for body-style methods and skips the logic", async () => {
    await client.body("StartChannel", startRequest(1));
    air.script("LoadPreview", { resultCode: "REJECTED_BUSY" });
    const body = await client.body("LoadPreview", previewRequest(1, "a.ts"));
    expect(body).toMatchObject({ success: false, result_code: "RESULT_CODE_REJECTED_BUSY" });
    expect(air.channelState(1)?.previewLoaded).toBe(false);
    air.clearFaults();
    air.script("SwitchToLive", { resultCode: "PROTOCOL_VIOLATION" });
    expect(await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: "1", issued_at_time_ms: "0" })).toMatchObject({
      success: false,
      result_code: "RESULT_CODE_PROTOCOL_VIOLATION",
      violation_reason: "fault injected",
    });
    air.script("DetachStream", { success: false });
    expect(await client.body("DetachStream", { channel_id: 1, force: false })).toMatchObject({ success: false });
  });

  it("a forced failure on a status-style method answers gRPC INTERNAL, like the real engine", async () => {
    air.script("StartChannel", { resultCode: "FAILED" });
    expect(await client.call("StartChannel", startRequest(1))).toMatchObject({ ok: false, code: status.INTERNAL });
    expect(air.channelState(1)).toBeUndefined();
  });

  it("grpcStatus answers that status on any method", async () => {
    air.script("LoadPreview", { grpcStatus: { code: status.RESOURCE_EXHAUSTED, message: "too busy" } });
    expect(await client.call("LoadPreview", previewRequest(1, "a.ts"))).toEqual({ ok: false, code: status.RESOURCE_EXHAUSTED, message: "too busy" });
    expect(air.calls()[0]?.outcome).toEqual({ kind: "status", code: status.RESOURCE_EXHAUSTED, message: "too busy" });
  });

  it("times limits a fault to the next N calls; later faults queue behind it", async () => {
    air.script("GetVersion", { grpcStatus: { code: status.UNAVAILABLE, message: "first" }, times: 2 });
    air.script("GetVersion", { grpcStatus: { code: status.INTERNAL, message: "then" }, times: 1 });
    expect(await client.call("GetVersion", {})).toMatchObject({ ok: false, message: "first" });
    expect(await client.call("GetVersion", {})).toMatchObject({ ok: false, message: "first" });
    expect(await client.call("GetVersion", {})).toMatchObject({ ok: false, message: "then" });
    expect(await client.call("GetVersion", {})).toMatchObject({ ok: true, body: { version: "1.0.0" } });
  });

  it("hang never answers (the client's deadline fires); stop() releases it and leaves nothing open", async () => {
    await client.body("StartChannel", startRequest(1));
    air.script("StopChannel", { hang: true });
    expect(await client.call("StopChannel", { channel_id: 1 }, 200)).toMatchObject({ ok: false, code: status.DEADLINE_EXCEEDED });
    const waiting = client.call("StopChannel", { channel_id: 1 }, 10_000);
    await until(() => air.calls().filter((c) => c.method === "StopChannel").length === 2);
    expect(air.calls().at(-1)?.outcome).toEqual({ kind: "hung" });
    expect(air.channelState(1)?.started).toBe(true);
    await air.stop();
    expect(await waiting).toMatchObject({ ok: false, code: status.UNAVAILABLE });
    const stops = air.calls().filter((c) => c.method === "StopChannel");
    expect(stops.map((c) => c.outcome)).toEqual([
      { kind: "released", reason: "stop" },
      { kind: "released", reason: "stop" },
    ]);
    expect(stops[0]?.clientCancelled).toBe(true);
  });

  it("closeSocket abruptly closes the channel's media socket and then answers normally", async () => {
    const sink = await liveChannel();
    air.script("UpdatePlan", { closeSocket: true });
    expect(await client.body("UpdatePlan", { channel_id: 1, plan_handle: "b" })).toMatchObject({ success: true });
    await sink.until(() => sink.openSockets === 0);
    expect(air.channelState(1)).toMatchObject({ attached: false, live: true });
  });

  it("crash fault drops the server, every connection and media socket at once", async () => {
    const sink = await liveChannel();
    air.script("GetVersion", { crash: true });
    const result = await client.call("GetVersion", {}, 2000);
    expect(result.ok).toBe(false);
    expect(result.ok ? -1 : result.code).toBe(status.UNAVAILABLE);
    await sink.until(() => sink.openSockets === 0);
    expect(air.channelState(1)).toBeUndefined();
    expect(await canConnect(air.port)).toBe(false);
    expect(air.calls().at(-1)?.outcome).toEqual({ kind: "released", reason: "crash" });
  });

  it("crash() while a SwitchToLive is blocked drops it; stop() afterwards is a no-op", async () => {
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.ts"));
    const issued = Date.now();
    const blocked = client.call("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + 60_000), issued_at_time_ms: String(issued) }, 10_000);
    await until(() => air.channelState(1)?.switchArmed === true);
    air.crash();
    expect(await blocked).toMatchObject({ ok: false, code: status.UNAVAILABLE });
    await air.stop();
    expect(await canConnect(air.port)).toBe(false);
  });

  it("rejects malformed faults with FaultError", () => {
    expect(() => air.script("GetVersion", { delayMs: -1 })).toThrow(FaultError);
    expect(() => air.script("GetVersion", { times: 0 })).toThrow(FaultError);
    expect(() => air.script("Nope" as "GetVersion", {})).toThrow(FaultError);
    expect(() => air.script("GetVersion", { bogus: true } as never)).toThrow(FaultError);
  });
});

async function until(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
