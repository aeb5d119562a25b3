import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeAir, parseTransportStream, startFakeAir, TS_PACKET_SIZE, unwrapTimestamps } from "../src/index.js";
import { MediaSink } from "./helpers/media-sink.js";
import { openSocketHandles, settleOpenSockets } from "./helpers/open-handles.js";
import { PlayoutTestClient, previewRequest, startRequest } from "./helpers/playout-client.js";
import { buildTsFixture, FIXTURE_VIDEO_PID, frameMarkers } from "./helpers/ts-fixture.js";

const LEAD_MS = 100;

describe("fake-air media output", () => {
  let baseline = 0;
  let air: FakeAir;
  let client: PlayoutTestClient;
  let sink: MediaSink;
  let media: string;

  beforeEach(async () => {
    baseline = openSocketHandles();
    media = mkdtempSync(join(tmpdir(), "fake-air-media-"));
    writeFileSync(join(media, "a.bin"), "not a transport stream");
    writeFileSync(join(media, "clip.ts"), buildTsFixture({ frames: 12, fps: 50 }));
    air = await startFakeAir({ minPrefeedLeadMs: LEAD_MS, mediaRoot: media, bitrateBps: 1_000_000 });
    client = new PlayoutTestClient(air.address);
    sink = new MediaSink();
    await sink.listen();
  });

  afterEach(async () => {
    client.close();
    await air.stop();
    await sink.close();
    rmSync(media, { recursive: true, force: true });
    expect(await settleOpenSockets(baseline)).toBe(baseline);
  });

  const attach = (path = sink.path, replace = false) =>
    client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: path, replace_existing: replace });
  const switchSoon = (leadMs = LEAD_MS + 20) => {
    const issued = Date.now();
    return client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + leadMs), issued_at_time_ms: String(issued) });
  };

  it("connects at attach but writes nothing before the first successful switch", async () => {
    await attach();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.bin"));
    await sink.until(() => sink.connections === 1);
    // A failed switch (lead too short) must not start the bytes either.
    const issued = Date.now();
    expect(await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + 1), issued_at_time_ms: String(issued) })).toMatchObject({ success: false });
    const pending = switchSoon(LEAD_MS + 150);
    await new Promise((r) => setTimeout(r, 100));
    expect(air.channelState(1)).toMatchObject({ switchArmed: true, bytesWritten: 0 });
    expect(sink.bytes().length).toBe(0);
    expect(await pending).toMatchObject({ success: true });
    await sink.until(() => sink.bytes().length > 0);
  });

  it("after the switch writes valid MPEG-TS: sync bytes every 188, PAT/PMT first, continuous counters, rising PCR", async () => {
    await attach();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.bin"));
    await switchSoon();
    await sink.until(() => sink.bytes().length >= 200 * TS_PACKET_SIZE);
    const ts = sink.bytes().subarray(0, 200 * TS_PACKET_SIZE);
    for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) expect(ts[off]).toBe(0x47);
    expect(ts.readUInt16BE(1) & 0x1fff).toBe(0);
    const r = parseTransportStream(ts);
    expect(r).toMatchObject({ syncErrors: 0, continuityErrors: 0, crcErrors: 0, pcrBackwardSteps: 0 });
    expect(r.patCount).toBeGreaterThan(0);
    expect(r.pmtCount).toBeGreaterThan(0);
    expect(r.pcrCount).toBeGreaterThan(1);
    expect(air.channelState(1)?.bytesWritten).toBeGreaterThanOrEqual(ts.length);
  });

  it("stays continuous across a second switch and a switch to a TS file asset, which streams the file's own frames", async () => {
    await attach();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.bin"));
    await switchSoon();
    await client.body("LoadPreview", previewRequest(1, "clip.ts", { start_frame: "4", frame_count: "6", fps_numerator: 50 }));
    const second = await switchSoon();
    expect(second).toMatchObject({ success: true });
    expect(air.channelState(1)).toMatchObject({ liveAssetPath: "clip.ts", liveSource: "file", switchCount: 2 });
    // Wait until the file window (frames 4..9) has looped at least twice.
    await sink.until(() => frameMarkers(sink.bytes()).length >= 14);
    const ts = sink.bytes();
    const whole = ts.subarray(0, ts.length - (ts.length % TS_PACKET_SIZE));
    const r = parseTransportStream(whole);
    expect(r).toMatchObject({ syncErrors: 0, continuityErrors: 0, crcErrors: 0, pcrBackwardSteps: 0 });
    expect(frameMarkers(whole).slice(0, 14)).toEqual([4, 5, 6, 7, 8, 9, 4, 5, 6, 7, 8, 9, 4, 5]);
    const dts = unwrapTimestamps(r.pidStats.get(FIXTURE_VIDEO_PID)?.dts ?? []);
    for (let i = 1; i < dts.length; i++) expect(dts[i]! - dts[i - 1]!).toBe(1800); // 50 fps, also across loops
    // The file's program replaced the synthetic one: both PMT layouts were announced.
    expect(r.pmtCount).toBeGreaterThan(1);
    expect(Number(second.live_start_pts)).toBe(r.pidStats.get(FIXTURE_VIDEO_PID)?.pts[0]);
  });

  it("DetachStream stops the bytes; a new attachment resumes with PAT/PMT first", async () => {
    await attach();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.bin"));
    await switchSoon();
    await sink.until(() => sink.bytes().length > 0);
    await client.body("DetachStream", { channel_id: 1, force: true });
    await sink.until(() => sink.openSockets === 0);
    const frozen = air.channelState(1)?.bytesWritten ?? 0;
    await new Promise((r) => setTimeout(r, 60));
    expect(air.channelState(1)?.bytesWritten).toBe(frozen);

    const second = new MediaSink();
    await second.listen();
    try {
      await attach(second.path);
      await second.until(() => second.bytes().length >= 50 * TS_PACKET_SIZE);
      const ts = second.bytes().subarray(0, 50 * TS_PACKET_SIZE);
      expect(ts.readUInt16BE(1) & 0x1fff).toBe(0);
      expect(parseTransportStream(ts)).toMatchObject({ syncErrors: 0, continuityErrors: 0, pcrBackwardSteps: 0 });
    } finally {
      await client.body("DetachStream", { channel_id: 1, force: true });
      await second.close();
    }
  });

  it("StopChannel ends the output and closes the media socket", async () => {
    await attach();
    await client.body("StartChannel", startRequest(1));
    await client.body("LoadPreview", previewRequest(1, "a.bin"));
    await switchSoon();
    await sink.until(() => sink.bytes().length > 0);
    await client.body("StopChannel", { channel_id: 1 });
    await sink.until(() => sink.openSockets === 0);
    expect(air.channelState(1)).toBeUndefined();
  });
});
