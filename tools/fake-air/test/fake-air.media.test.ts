import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodeBlackClip, type FakeAir, parseTransportStream, startFakeAir, TS_PACKET_SIZE } from "../src/index.js";
import { OUTPUT_PMT_PID, OUTPUT_VIDEO_PID } from "../src/media/ts-muxer.js";
import { audioRms, decodeErrors, keyFrameCount, makeClip, pictureLuma, streamDurations } from "./helpers/ffmpeg.js";
import { MediaSink } from "./helpers/media-sink.js";
import { openSocketHandles, settleOpenSockets } from "./helpers/open-handles.js";
import { PlayoutTestClient, previewRequest, startRequest } from "./helpers/playout-client.js";

const LEAD_MS = 100;
const W = 160;
const H = 120;
const FORMAT = JSON.stringify({ video: { width: W, height: H, frame_rate: "30/1" }, audio: { sample_rate: 48000, channels: 2 } });

/** Offsets of packets on `pid` whose adaptation field sets random_access_indicator. */
function randomAccessPackets(ts: Buffer, pid: number): number[] {
  const out: number[] = [];
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    const p = ((ts[off + 1]! & 0x1f) << 8) | ts[off + 2]!;
    const hasAf = (ts[off + 3]! & 0x20) !== 0;
    if (p === pid && hasAf && ts[off + 4]! > 0 && (ts[off + 5]! & 0x40) !== 0) out.push(off);
  }
  return out;
}

describe("fake-air media output (judged by ffmpeg)", () => {
  let clips: string;
  let baseline = 0;
  let air: FakeAir;
  let client: PlayoutTestClient;
  let sink: MediaSink;

  beforeAll(() => {
    clips = mkdtempSync(join(tmpdir(), "fake-air-clips-"));
    // 2 s at 30 fps, a key frame every 15 frames; and a 1 s clip.
    makeClip(join(clips, "two.ts"), { seconds: 2, fps: 30, gop: 15 });
    makeClip(join(clips, "one.ts"), { seconds: 1, fps: 30, gop: 30 });
    writeFileSync(join(clips, "a.ts"), encodeBlackClip({ width: W, height: H }));
  });
  afterAll(() => rmSync(clips, { recursive: true, force: true }));

  beforeEach(async () => {
    baseline = openSocketHandles();
    air = await startFakeAir({ minPrefeedLeadMs: LEAD_MS, mediaRoot: clips });
    client = new PlayoutTestClient(air.address);
    sink = new MediaSink();
    await sink.listen();
  });

  afterEach(async () => {
    client.close();
    await air.stop();
    await sink.close();
    expect(await settleOpenSockets(baseline)).toBe(baseline);
  });

  const attach = (path = sink.path, replace = false) =>
    client.body("AttachStream", { channel_id: 1, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: path, replace_existing: replace });
  const switchSoon = (leadMs = LEAD_MS + 20) => {
    const issued = Date.now();
    return client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + leadMs), issued_at_time_ms: String(issued) });
  };
  const startOn = async (asset: string, extra: Record<string, unknown> = {}) => {
    await attach();
    await client.body("StartChannel", startRequest(1, { program_format_json: FORMAT }));
    expect(await client.body("LoadPreview", previewRequest(1, asset, extra))).toMatchObject({ success: true });
  };
  const capture = (name: string): string => {
    const ts = sink.bytes();
    const path = join(clips, name);
    writeFileSync(path, ts.subarray(0, ts.length - (ts.length % TS_PACKET_SIZE)));
    return path;
  };

  it("connects at attach but writes nothing before the first successful switch", async () => {
    await startOn("a.ts");
    await sink.until(() => sink.connections === 1);
    const issued = Date.now();
    expect(await client.body("SwitchToLive", { channel_id: 1, target_boundary_time_ms: String(issued + 1), issued_at_time_ms: String(issued) })).toMatchObject({ success: false });
    const pending = switchSoon(LEAD_MS + 150);
    await new Promise((r) => setTimeout(r, 100));
    expect(air.channelState(1)).toMatchObject({ switchArmed: true, bytesWritten: 0 });
    expect(sink.bytes().length).toBe(0);
    expect(await pending).toMatchObject({ success: true });
    await sink.until(() => sink.bytes().length > 0);
  });

  it("starts with PAT, PMT, then an IDR whose first packet has random_access_indicator; valid TS", async () => {
    await startOn("two.ts", { start_frame: "20", frame_count: "30" });
    const sw = await switchSoon();
    await sink.until(() => sink.bytes().length >= 400 * TS_PACKET_SIZE, 5000);
    const ts = sink.bytes().subarray(0, 400 * TS_PACKET_SIZE);
    const pid = (off: number) => ts.readUInt16BE(off + 1) & 0x1fff;
    expect([pid(0), pid(188), pid(376)]).toEqual([0, OUTPUT_PMT_PID, OUTPUT_VIDEO_PID]);
    expect(randomAccessPackets(ts, OUTPUT_VIDEO_PID)[0]).toBe(376);
    const r = parseTransportStream(ts);
    expect(r).toMatchObject({ syncErrors: 0, continuityErrors: 0, crcErrors: 0, pcrBackwardSteps: 0 });
    expect(Number(sw.live_start_pts)).toBe(r.pidStats.get(OUTPUT_VIDEO_PID)?.pts[0]);
  });

  it("plays frame_count frames from the key frame at or before start_frame, then black and silence (no loop); ffmpeg decodes it cleanly", async () => {
    // Frames 20..49 asked; the key frame at or before 20 is 15, so 35 frames of picture.
    await startOn("two.ts", { start_frame: "20", frame_count: "30" });
    await switchSoon();
    await sink.until(() => sink.bytes().length > 0);
    await new Promise((r) => setTimeout(r, 2600));
    const path = capture("window.ts");
    expect(decodeErrors(path)).toBe("");
    const luma = pictureLuma(path, W, H);
    expect(luma.length).toBeGreaterThanOrEqual(70);
    expect(luma.slice(0, 35).every((y) => y > 30)).toBe(true);
    expect(luma.slice(35).every((y) => y < 1)).toBe(true);
    // Key frames: 15 and 30 of the clip, then a black IDR each second; each has random_access_indicator.
    expect(keyFrameCount(path)).toBeGreaterThanOrEqual(3);
    expect(randomAccessPackets(readFileSync(path), OUTPUT_VIDEO_PID).length).toBe(keyFrameCount(path));
    // The tone plays with the picture (35 frames ≈ 1.17 s), then digital silence.
    expect(audioRms(path, 0.1, 1.0)).toBeGreaterThan(1000);
    expect(audioRms(path, 1.4, 2.2)).toBe(0);
    const d = streamDurations(path);
    expect(d.audio.seconds / d.video.seconds).toBeGreaterThanOrEqual(0.98);
  }, 30_000);

  it("a clip shorter than frame_count is padded with black; the next switch starts on the new clip's key frame", async () => {
    await startOn("one.ts", { frame_count: "45" });
    await switchSoon();
    await sink.until(() => sink.bytes().length > 0);
    await new Promise((r) => setTimeout(r, 1700));
    await client.body("LoadPreview", previewRequest(1, "two.ts", { frame_count: "60" }));
    await switchSoon();
    await new Promise((r) => setTimeout(r, 800));
    const path = capture("padded.ts");
    expect(decodeErrors(path)).toBe("");
    const luma = pictureLuma(path, W, H);
    const firstBlack = luma.findIndex((y) => y < 1);
    expect(firstBlack).toBe(30);
    const back = luma.findIndex((y, i) => i > firstBlack && y > 30);
    expect(back).toBeGreaterThan(45);
    expect(luma.slice(back).every((y) => y > 30)).toBe(true);
    const d = streamDurations(path);
    expect(d.audio.seconds / d.video.seconds).toBeGreaterThanOrEqual(0.98);
  }, 30_000);

  it("DetachStream stops the bytes; a new attachment resumes with PAT/PMT first", async () => {
    await startOn("a.ts");
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
    await startOn("a.ts");
    await switchSoon();
    await sink.until(() => sink.bytes().length > 0);
    await client.body("StopChannel", { channel_id: 1 });
    await sink.until(() => sink.openSockets === 0);
    expect(air.channelState(1)).toBeUndefined();
  });
});
