// 90 s of the fake's real-time output for every sample channel, with real switches at the
// sample lineup's boundaries (and a mid-GOP tune-in started by the immediate switch), judged
// by ffmpeg/ffprobe: clean decode, audio carried for the whole length (≥ 98 % of video).
// The channels run in parallel in one fake, so the file takes ~95 s of wall time.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeAir, startFakeAir, TS_PACKET_SIZE } from "../src/index.js";
import { decodeErrors, streamDurations } from "./helpers/ffmpeg.js";
import { MediaSink } from "./helpers/media-sink.js";
import { PlayoutTestClient } from "./helpers/playout-client.js";

const LINEUP = fileURLToPath(new URL("../../../apps/core-server/lineup/sample-lineup.json", import.meta.url));
const CAPTURE_MS = 90_000;
const LEAD_MS = 1_000;
// A tune-in between key frames (the clips have one per second): the fake starts at the key frame before.
const TUNE_IN_FRAME = 100;

interface Item {
  path: string;
  fps: string;
  frameCount: number;
}
interface Channel {
  number: number;
  programFormat: { video: { width: number; height: number; frameRate: string }; audio: { sampleRate: number; channels: number } };
  playlist: Item[];
}

const lineup = JSON.parse(readFileSync(LINEUP, "utf8")) as { mediaRoot: string; channels: Channel[] };
const mediaRoot = join(LINEUP, "..", lineup.mediaRoot);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const rate = (fps: string): [number, number] => fps.split("/").map(Number) as [number, number];

let air: FakeAir;
let client: PlayoutTestClient;
let dir: string;
const sinks: MediaSink[] = [];

beforeAll(async () => {
  air = await startFakeAir({ minPrefeedLeadMs: LEAD_MS, mediaRoot });
  client = new PlayoutTestClient(air.address);
  dir = mkdtempSync(join(tmpdir(), "fake-air-channels-"));
});
afterAll(async () => {
  client.close();
  await air.stop();
  for (const s of sinks) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Plays `channel` for CAPTURE_MS from a mid-item tune-in, switching at every item boundary; returns the capture. */
async function play(channel: Channel): Promise<string> {
  const id = channel.number;
  const sink = new MediaSink();
  sinks.push(sink);
  await sink.listen();
  const f = channel.programFormat;
  await client.body("AttachStream", { channel_id: id, transport: "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET", endpoint: sink.path, replace_existing: false });
  const format = { video: { width: f.video.width, height: f.video.height, frame_rate: f.video.frameRate }, audio: { sample_rate: f.audio.sampleRate, channels: f.audio.channels } };
  const first = channel.playlist[0]!;
  await client.body("StartChannel", { channel_id: id, plan_handle: first.path, port: 0, program_format_json: JSON.stringify(format) });
  const preview = (item: Item, startFrame: number) => {
    const [n, d] = rate(item.fps);
    return client.body("LoadPreview", { channel_id: id, asset_path: item.path, start_frame: String(startFrame), frame_count: String(item.frameCount - startFrame), fps_numerator: n, fps_denominator: d });
  };
  expect(await preview(first, TUNE_IN_FRAME)).toMatchObject({ success: true });
  const immediate = { channel_id: id, target_boundary_time_ms: "0", issued_at_time_ms: "0" };
  let answer = await client.body("SwitchToLive", immediate);
  expect(answer.result_code).toBe("RESULT_CODE_NOT_READY");
  while (answer.result_code === "RESULT_CODE_NOT_READY") {
    await sleep(20);
    answer = await client.body("SwitchToLive", immediate);
  }
  expect(answer).toMatchObject({ success: true });
  const startedAt = Date.now();
  const [n0, d0] = rate(first.fps);
  let boundary = startedAt + ((first.frameCount - TUNE_IN_FRAME) * 1000 * d0) / n0;
  for (let k = 1; boundary < startedAt + CAPTURE_MS; k++) {
    const item = channel.playlist[k % channel.playlist.length]!;
    await sleep(boundary - LEAD_MS * 2 - Date.now());
    expect(await preview(item, 0)).toMatchObject({ success: true });
    const issued = Date.now();
    expect(await client.body("SwitchToLive", { channel_id: id, target_boundary_time_ms: String(Math.round(boundary)), issued_at_time_ms: String(issued) }, 10_000)).toMatchObject({ success: true });
    const [n, d] = rate(item.fps);
    boundary += (item.frameCount * 1000 * d) / n;
  }
  await sleep(startedAt + CAPTURE_MS - Date.now());
  await client.body("DetachStream", { channel_id: id, force: true });
  const bytes = sink.bytes();
  const path = join(dir, `ch${id}.ts`);
  writeFileSync(path, bytes.subarray(0, bytes.length - (bytes.length % TS_PACKET_SIZE)));
  return path;
}

it("every sample channel: 90 s with real switches decode cleanly, with audio for ≥ 98 % of the video", async () => {
  const captures = await Promise.all(lineup.channels.map(play));
  for (const [i, path] of captures.entries()) {
    const d = streamDurations(path);
    const label = `channel ${lineup.channels[i]!.number}: video ${d.video.seconds.toFixed(2)} s, audio ${d.audio.seconds.toFixed(2)} s`;
    console.log(label);
    expect(d.video.seconds, label).toBeGreaterThan(85);
    expect(d.audio.seconds / d.video.seconds, label).toBeGreaterThanOrEqual(0.98);
    expect(decodeErrors(path), label).toBe("");
  }
}, 240_000);
