import { status } from "@grpc/grpc-js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeBlackClip, type FakeAir, startFakeAir } from "../src/index.js";
import { MediaSink } from "./helpers/media-sink.js";
import { openSocketHandles, settleOpenSockets } from "./helpers/open-handles.js";
import { PlayoutTestClient, previewRequest, startRequest } from "./helpers/playout-client.js";

const LEAD_MS = 200;

describe("fake-air contract behaviours", () => {
  let baseline = 0;
  let air: FakeAir;
  let client: PlayoutTestClient;
  let media: string;
  const sinks: MediaSink[] = [];

  const start = async (mode: "multi" | "single" = "multi"): Promise<void> => {
    air = await startFakeAir({ mode, minPrefeedLeadMs: LEAD_MS, mediaRoot: media });
    client = new PlayoutTestClient(air.address);
  };
  const sink = async (): Promise<MediaSink> => {
    const s = new MediaSink();
    await s.listen();
    sinks.push(s);
    return s;
  };

  beforeEach(() => {
    baseline = openSocketHandles();
    media = mkdtempSync(join(tmpdir(), "fake-air-media-"));
    writeFileSync(join(media, "clip.ts"), encodeBlackClip());
    writeFileSync(join(media, "a.ts"), encodeBlackClip());
  });

  afterEach(async () => {
    client?.close();
    await air?.stop();
    for (const s of sinks.splice(0)) await s.close();
    rmSync(media, { recursive: true, force: true });
    expect(await settleOpenSockets(baseline)).toBe(baseline);
  });

  it("listens on 127.0.0.1 with a bound port and answers GetVersion 1.0.0", async () => {
    await start();
    expect(air.address).toBe(`127.0.0.1:${air.port}`);
    expect(air.port).toBeGreaterThan(0);
    expect(await client.body("GetVersion", {})).toEqual({ version: "1.0.0" });
  });

  it("StartChannel requires a valid program_format_json (else gRPC INTERNAL)", async () => {
    await start();
    const missing = await client.call("StartChannel", startRequest(1, { program_format_json: "" }));
    expect(missing).toMatchObject({ ok: false, code: status.INTERNAL });
    const badRate = JSON.stringify({ video: { width: 320, height: 240, frame_rate: "30" }, audio: { sample_rate: 48000, channels: 2 } });
    expect(await client.call("StartChannel", startRequest(1, { program_format_json: badRate }))).toMatchObject({ ok: false, code: status.INTERNAL });
    const zeroWidth = JSON.stringify({ video: { width: 0, height: 240, frame_rate: "30/1" }, audio: { sample_rate: 48000, channels: 2 } });
    expect(await client.call("StartChannel", startRequest(1, { program_format_json: zeroWidth }))).toMatchObject({ ok: false, code: status.INTERNAL });
    expect(air.channelState(1)).toBeUndefined();
    expect(await client.body("StartChannel", startRequest(1))).toMatchObject({ success: true });
    expect(air.channelState(1)?.started).toBe(true);
  });

  it("a repeated StartChannel for the same channel answers success (already started)", async () => {
    await start("single");
    await client.body("StartChannel", startRequest(1));
    const again = await client.body("StartChannel", startRequest(1));
    expect(again.success).toBe(true);
    expect(String(again.message)).toContain("already started");
  });

  it("single mode: StartChannel for a second channel fails with ALREADY_EXISTS; multi mode accepts it", async () => {
    await start("single");
    await client.body("StartChannel", startRequest(1));
    const second = await client.call("StartChannel", startRequest(2));
    expect(second).toMatchObject({ ok: false, code: status.ALREADY_EXISTS });
    expect(second.ok ? "" : second.message).toContain("already");
    await client.body("StopChannel", { channel_id: 1 });
    expect(await client.body("StartChannel", startRequest(2))).toMatchObject({ success: true });
    client.close();
    await air.stop();

    await start("multi");
    await client.body("StartChannel", startRequest(1));
    expect(await client.body("StartChannel", startRequest(2))).toMatchObject({ success: true });
  });

  it("UpdatePlan: NOT_FOUND for an unknown channel, success for a started one", async () => {
    await start();
    const unknown = await client.call("UpdatePlan", { channel_id: 9, plan_handle: "b.ts" });
    expect(unknown).toMatchObject({ ok: false, code: status.NOT_FOUND });
    expect(unknown.ok ? "" : unknown.message).toContain("not found");
    await client.body("StartChannel", startRequest(1));
    expect(await client.body("UpdatePlan", { channel_id: 1, plan_handle: "b.ts" })).toMatchObject({ success: true });
    expect(air.channelState(1)?.planHandle).toBe("b.ts");
  });

  it("StopChannel: success for unknown or already stopped channels", async () => {
    await start();
    const unknown = await client.body("StopChannel", { channel_id: 5 });
    expect(unknown.success).toBe(true);
    expect(String(unknown.message)).toContain("already stopped or unknown");
    await client.body("StartChannel", startRequest(5));
    expect(await client.body("StopChannel", { channel_id: 5 })).toMatchObject({ success: true, message: "Channel 5 stopped" });
    expect(air.channelState(5)).toBeUndefined();
    expect(String((await client.body("StopChannel", { channel_id: 5 })).message)).toContain("already stopped or unknown");
  });

  it("LoadPreview: fps_denominator <= 0 is a PROTOCOL_VIOLATION, checked before the channel", async () => {
    await start();
    const body = await client.body("LoadPreview", previewRequest(42, "clip.ts", { fps_denominator: 0 }));
    expect(body).toMatchObject({ success: false, result_code: "RESULT_CODE_PROTOCOL_VIOLATION" });
  });

  it("LoadPreview: unknown channel → UNSPECIFIED 'Channel N not found'; missing file → FAILED; gRPC status stays OK", async () => {
    await start();
    const unknown = await client.call("LoadPreview", previewRequest(42, "clip.ts"));
    expect(unknown).toMatchObject({ ok: true, body: { success: false, result_code: "RESULT_CODE_UNSPECIFIED", message: "Channel 42 not found" } });
    await client.body("StartChannel", startRequest(1));
    const missing = await client.body("LoadPreview", previewRequest(1, "nope.ts"));
    expect(missing).toMatchObject({ success: false, result_code: "RESULT_CODE_FAILED" });
    expect(air.channelState(1)?.previewLoaded).toBe(false);
    const loaded = await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    expect(loaded).toMatchObject({ success: true, result_code: "RESULT_CODE_OK", shadow_decode_started: true });
    expect(air.channelState(1)).toMatchObject({ previewLoaded: true, previewAssetPath: "clip.ts" });
  });

  it("LoadPreview: a second one replaces the first; while a switch is armed → REJECTED_BUSY", async () => {
    await start();
    writeFileSync(join(media, "other.ts"), encodeBlackClip({ frames: 10 }));
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    await client.body("LoadPreview", previewRequest(1, "other.ts"));
    expect(air.channelState(1)?.previewAssetPath).toBe("other.ts");
    const now = Date.now();
    const pendingSwitch = client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(now + LEAD_MS + 100), issued_at_time_ms: String(now) });
    await waitFor(() => air.channelState(1)?.switchArmed === true);
    const busy = await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    expect(busy).toMatchObject({ success: false, result_code: "RESULT_CODE_REJECTED_BUSY" });
    expect(await pendingSwitch).toMatchObject({ success: true });
    expect(air.channelState(1)).toMatchObject({ live: true, liveAssetPath: "other.ts", previewLoaded: false, switchArmed: false });
  });

  it("SwitchToLive: lead below minPrefeedLeadMs → PROTOCOL_VIOLATION with violation_reason, at once", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    const issued = Date.now();
    const body = await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + LEAD_MS - 1), issued_at_time_ms: String(issued) });
    expect(body).toMatchObject({ success: false, result_code: "RESULT_CODE_PROTOCOL_VIOLATION", violation_reason: "Insufficient prefeed lead time" });
    expect(air.channelState(1)).toMatchObject({ live: false, switchArmed: false, previewLoaded: true });
  });

  it("SwitchToLive: issued_at 0 measures the lead from receipt time", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    // issued_at long ago would be a long lead; with 0 the (short) lead from now counts.
    const body = await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(Date.now() + 50), issued_at_time_ms: "0" });
    expect(body).toMatchObject({ success: false, result_code: "RESULT_CODE_PROTOCOL_VIOLATION", violation_reason: "Insufficient prefeed lead time" });
  });

  it("SwitchToLive without a preview → PROTOCOL_VIOLATION", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    const issued = Date.now();
    const body = await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + LEAD_MS + 50), issued_at_time_ms: String(issued) });
    expect(body).toMatchObject({ success: false, result_code: "RESULT_CODE_PROTOCOL_VIOLATION" });
    expect(body.violation_reason).not.toBe("");
  });

  it("SwitchToLive blocks until the target wall-clock time, then switches (switch_completion_time_ms ≈ target)", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    const issued = Date.now();
    const target = issued + LEAD_MS + 100;
    const pending = client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(target), issued_at_time_ms: String(issued) });
    await waitFor(() => air.channelState(1)?.switchArmed === true);
    expect(air.channelState(1)?.live).toBe(false);
    const body = await pending;
    const answeredAt = Date.now();
    expect(answeredAt).toBeGreaterThanOrEqual(target);
    expect(body).toMatchObject({ success: true, result_code: "RESULT_CODE_OK", pts_contiguous: true });
    expect(Number(body.switch_completion_time_ms)).toBeGreaterThanOrEqual(target);
    expect(Number(body.switch_completion_time_ms)).toBeLessThanOrEqual(answeredAt);
    expect(air.channelState(1)).toMatchObject({ live: true, switchCount: 1, liveAssetPath: "clip.ts", liveSource: "file" });
  });

  it("SwitchToLive with target 0 (immediate): NOT_READY until the preview is ready (~60 ms), then OK with a steady-clock completion time", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    const armedAt = Date.now();
    const now0 = { channel_id: 1, target_boundary_time_ms: "0", issued_at_time_ms: "0" };
    const first = await client.body("SwitchToLive", now0);
    expect(first).toMatchObject({ success: false, result_code: "RESULT_CODE_NOT_READY", message: expect.stringContaining("waiting for buffer") });
    expect(air.channelState(1)).toMatchObject({ switchArmed: true, live: false });
    // While armed, LoadPreview is refused.
    expect(await client.body("LoadPreview", previewRequest(1, "clip.ts"))).toMatchObject({ success: false, result_code: "RESULT_CODE_REJECTED_BUSY" });
    let answer = await client.body("SwitchToLive", now0);
    const notReadyBefore = Date.now() - armedAt < 60;
    if (notReadyBefore) expect(answer).toMatchObject({ result_code: "RESULT_CODE_NOT_READY" });
    while (answer.result_code === "RESULT_CODE_NOT_READY") {
      await new Promise((r) => setTimeout(r, 10));
      answer = await client.body("SwitchToLive", now0);
    }
    expect(Date.now() - armedAt).toBeGreaterThanOrEqual(60);
    expect(answer).toMatchObject({ success: true, result_code: "RESULT_CODE_OK", message: "Switched to live for channel 1" });
    // Not epoch ms: the engine's steady clock (time since boot).
    expect(Number(answer.switch_completion_time_ms)).toBeLessThan(Date.now() - 365 * 86_400_000);
    expect(air.channelState(1)).toMatchObject({ switchArmed: false, live: true });
  });

  it("media it cannot play: StartChannel → INTERNAL 'Failed to start producer'; LoadPreview → FAILED 'Failed to start preview producer'", async () => {
    await start();
    writeFileSync(join(media, "text.txt"), "not media");
    writeFileSync(join(media, "noise.bin"), Buffer.alloc(4096, 1));
    for (const plan of ["text.txt", "nope.ts", ""]) {
      const r = await client.call("StartChannel", startRequest(1, { plan_handle: plan }));
      expect(r).toMatchObject({ ok: false, code: status.INTERNAL, message: expect.stringMatching(/^Failed to start producer for channel 1/) });
    }
    expect(air.channelState(1)).toBeUndefined();
    await client.body("StartChannel", startRequest(1));
    for (const asset of ["text.txt", "noise.bin", "nope.ts"]) {
      const r = await client.body("LoadPreview", previewRequest(1, asset));
      expect(r).toMatchObject({ success: false, result_code: "RESULT_CODE_FAILED", message: expect.stringMatching(/^Failed to start preview producer for channel 1/) });
    }
    expect(air.channelState(1)?.previewLoaded).toBe(false);
  });

  it("single mode: after a switch StopChannel never answers and wedges later calls; before one it answers", async () => {
    await start("single");
    await client.body("StartChannel", startRequest(1));
    expect(await client.body("StopChannel", { channel_id: 1 })).toMatchObject({ success: true });
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    const issued = Date.now();
    await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + LEAD_MS), issued_at_time_ms: String(issued) });
    expect(await client.call("StopChannel", { channel_id: 1 }, 300)).toMatchObject({ ok: false, code: status.DEADLINE_EXCEEDED });
    expect(await client.call("GetVersion", {}, 300)).toMatchObject({ ok: false, code: status.DEADLINE_EXCEEDED });
    expect(air.calls().map((c) => c.outcome?.kind).slice(-2)).toEqual(["hung", "hung"]);
  });

  it("multi mode: StopChannel after a switch answers", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    const issued = Date.now();
    await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + LEAD_MS), issued_at_time_ms: String(issued) });
    expect(await client.body("StopChannel", { channel_id: 1 })).toMatchObject({ success: true });
  });

  it("StopChannel releases a blocked SwitchToLive with FAILED", async () => {
    await start();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "clip.ts"));
    const issued = Date.now();
    const pending = client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + 60_000), issued_at_time_ms: String(issued) });
    await waitFor(() => air.channelState(1)?.switchArmed === true);
    await client.body("StopChannel", { channel_id: 1 });
    expect(await pending).toMatchObject({ success: false, result_code: "RESULT_CODE_FAILED" });
  });

  it("AttachStream: only Unix sockets; a bad path fails with the OS error; accepted before StartChannel", async () => {
    await start();
    const tcp = await client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_TCP_LOOPBACK", endpoint: "127.0.0.1:15001", replace_existing: false });
    expect(tcp).toMatchObject({ success: false });
    const bad = await client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: join(media, "missing.sock"), replace_existing: false });
    expect(bad.success).toBe(false);
    expect(String(bad.message)).toContain("ENOENT");
    const s = await sink();
    const attached = await client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: s.path, replace_existing: false });
    expect(attached).toMatchObject({ success: true, negotiated_transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", negotiated_endpoint: s.path });
    await s.until(() => s.connections === 1);
    expect(air.channelState(1)).toMatchObject({ started: false, attached: true });
  });

  it("AttachStream: already attached without replace_existing fails; with it, the new socket takes over", async () => {
    await start();
    const a = await sink();
    const b = await sink();
    const req = (path: string, replace: boolean) => ({ channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: path, replace_existing: replace });
    await client.body("AttachStream", req(a.path, false));
    expect(await client.body("AttachStream", req(b.path, false))).toMatchObject({ success: false });
    expect(b.connections).toBe(0);
    expect(await client.body("AttachStream", req(b.path, true))).toMatchObject({ success: true });
    await b.until(() => b.connections === 1);
    await a.until(() => a.openSockets === 0);
    expect(air.channelState(1)?.endpoint).toBe(b.path);
  });

  it("DetachStream is idempotent ('Not attached') and closes the media socket", async () => {
    await start();
    expect(await client.body("DetachStream", { channel_id: 1, force: false })).toEqual({ success: true, message: "Not attached" });
    const s = await sink();
    await client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: s.path, replace_existing: false });
    await s.until(() => s.openSockets === 1);
    expect(await client.body("DetachStream", { channel_id: 1, force: true })).toMatchObject({ success: true, message: "Detached" });
    await s.until(() => s.openSockets === 0);
    expect(air.channelState(1)?.attached).toBe(false);
    expect(await client.body("DetachStream", { channel_id: 1, force: true })).toMatchObject({ success: true, message: "Not attached" });
  });

  it("records every call in arrival order with int64 fields as strings and its outcome", async () => {
    await start();
    await client.body("GetVersion", {});
    await client.call("UpdatePlan", { channel_id: 3, plan_handle: "x" });
    await client.body("SwitchToLive", { channel_id: 3, target_boundary_time_ms: "123", issued_at_time_ms: "0" });
    const calls = air.calls();
    expect(calls.map((c) => c.method)).toEqual(["GetVersion", "UpdatePlan", "SwitchToLive"]);
    expect(calls[1]?.outcome).toMatchObject({ kind: "status", code: status.NOT_FOUND });
    expect(calls[2]?.request).toMatchObject({ channel_id: 3, target_boundary_time_ms: "123", issued_at_time_ms: "0" });
    expect(calls[2]?.outcome).toMatchObject({ kind: "response", response: { success: false, result_code: "RESULT_CODE_UNSPECIFIED" } });
    for (const c of calls) expect(c.answeredAtMs).toBeGreaterThanOrEqual(c.receivedAtMs);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
