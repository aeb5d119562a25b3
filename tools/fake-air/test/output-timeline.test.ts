// The media path without pacing or gRPC: demultiplex → segment source → timeline → muxer.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeBlackClip, parseTransportStream, unwrapTimestamps } from "../src/index.js";
import { createFileSegmentSource } from "../src/media/file-segment-source.js";
import { blackH264 } from "../src/media/h264-black.js";
import { indexMediaFile, type MediaFileIndex } from "../src/media/media-file-index.js";
import { OutputTimeline } from "../src/media/output-timeline.js";
import { OUTPUT_AUDIO_PID, OUTPUT_VIDEO_PID } from "../src/media/ts-muxer.js";
import { ffmpeg } from "./helpers/ffmpeg.js";

const dir = mkdtempSync(join(tmpdir(), "fake-air-timeline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function index(clip: Buffer): MediaFileIndex {
  const r = indexMediaFile(clip);
  if (!r.ok) throw new Error(r.reason);
  return r.index;
}

const request = { startFrame: 0, frameCount: 20, fpsNumerator: 30, fpsDenominator: 1, width: 320, height: 240, audio: { sampleRate: 48000, channels: 2 } };

describe("black H.264 pictures", () => {
  it.each([
    [320, 240],
    [1280, 720],
    [1920, 1080],
  ])("%i×%i decodes with ffmpeg to luma 16 (black), chroma 128, at the asked size", (w, h) => {
    const black = blackH264(w, h);
    const path = join(dir, `black-${w}.h264`);
    writeFileSync(path, Buffer.concat([black.idr, black.p(1), black.p(2)]));
    const yuv = ffmpeg(["-f", "h264", "-i", path, "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]);
    expect(yuv.length).toBe(3 * w * h * 1.5);
    expect(yuv.subarray(0, w * h).every((y) => y === 16)).toBe(true);
    expect(yuv.subarray(w * h, w * h * 1.5).every((c) => c === 128)).toBe(true);
  });
});

describe("OutputTimeline", () => {
  it("keeps video exactly continuous across switches, audio gapless, counters and PCR valid, PAT/PMT + key picture at each switch", () => {
    const clip = index(encodeBlackClip({ frames: 45 }));
    const timeline = new OutputTimeline();
    const starts = [timeline.switchTo(createFileSegmentSource(clip, request))];
    const out: Buffer[] = [...timeline.take(400)];
    starts.push(timeline.switchTo(createFileSegmentSource(clip, { ...request, startFrame: 40 })));
    out.push(...timeline.take(600));
    const r = parseTransportStream(Buffer.concat(out));
    expect(r).toMatchObject({ syncErrors: 0, continuityErrors: 0, crcErrors: 0, pcrBackwardSteps: 0 });
    const pts = unwrapTimestamps(r.pidStats.get(OUTPUT_VIDEO_PID)?.pts ?? []);
    for (let i = 1; i < pts.length; i++) expect(pts[i]! - pts[i - 1]!).toBe(3000);
    expect(pts).toContain(starts[1]);
    const audio = unwrapTimestamps(r.pidStats.get(OUTPUT_AUDIO_PID)?.pts ?? []);
    for (let i = 1; i < audio.length; i++) expect(audio[i]! - audio[i - 1]!).toBe(1920);
  });

  it("a segment past the clip's end is black from its first picture; frame_count beyond the clip pads", () => {
    const clip = index(encodeBlackClip({ frames: 10 }));
    const units = createFileSegmentSource(clip, { ...request, frameCount: 25 });
    const video = Array.from({ length: 80 }, () => units.next()).filter((u) => u.stream === "video");
    expect(video.map((u) => u.key).slice(0, 12)).toEqual([true, false, false, false, false, false, false, false, false, false, true, false]);
    expect(video[10]?.pts90).toBe(10 * 3000); // black IDR right after the clip's 10 pictures
    const beyond = createFileSegmentSource(clip, { ...request, startFrame: 50 });
    expect(beyond.next()).toMatchObject({ stream: "video", key: true, pts90: 0 });
  });
});
