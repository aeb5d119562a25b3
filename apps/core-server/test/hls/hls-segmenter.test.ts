import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HlsSegmenter, renderMediaPlaylist, type HlsSegment } from "../../src/index.js";
import { readPacketHeader } from "../../src/hls/ts-packet-fields.js";
import { checkMediaPlaylist, checkReload } from "./rfc8216.js";

const work = mkdtempSync(join(tmpdir(), "rv-hls-seg-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** 30 s of H.264 (30 fps, no B-frames, a keyframe every `gop` frames) + AAC, made by ffmpeg as an engine would mux it. */
function makeStream(name: string, gop: number): Buffer {
  const file = join(work, name);
  const run = spawnSync("ffmpeg", [
    "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=30", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
    "-t", "30", "-c:v", "libx264", "-preset", "ultrafast", "-g", String(gop), "-sc_threshold", "0", "-bf", "0", "-c:a", "aac", "-b:a", "64k", "-f", "mpegts", file,
  ], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`ffmpeg failed: ${run.stderr}`);
  return readFileSync(file);
}

let bars: Buffer; // a keyframe every second
let sparse: Buffer; // a keyframe every 5 s
let uneven: Buffer; // a keyframe every 1.27 s: two GOPs would round to 3 s
beforeAll(() => {
  bars = makeStream("gop30.ts", 30);
  sparse = makeStream("gop150.ts", 150);
  uneven = makeStream("gop38.ts", 38);
});

const pids = (segment: HlsSegment): number[] => {
  const out: number[] = [];
  for (let o = 0; o < segment.bytes.length; o += 188) out.push(readPacketHeader(segment.bytes, o).pid);
  return out;
};

/** ffprobe's view of a segment: its video frames' picture types. */
function probe(segment: HlsSegment): { pictTypes: string[] } {
  const file = join(work, `seg-${segment.sequence}.ts`);
  writeFileSync(file, segment.bytes);
  const frames = spawnSync("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "frame=pict_type", "-of", "csv=p=0", file], { encoding: "utf8" });
  expect(frames.stderr).toBe("");
  return { pictTypes: frames.stdout.trim().split("\n").map((s) => s.replace(/,$/, "")) };
}

/** The packet offsets of video keyframes (PES starts with random_access_indicator set). */
function keyframePacketOffsets(ts: Buffer, videoPid: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < ts.length; o += 188) {
    const h = readPacketHeader(ts, o);
    if (h.pid === videoPid && h.payloadUnitStart && h.randomAccess) out.push(o);
  }
  return out;
}

const VIDEO_PID = 0x100;
const AUDIO_PID = 0x101;

describe("HlsSegmenter", () => {
  it("cuts a clip with a keyframe per second into 2 s segments that each start with PAT, PMT and a keyframe (ffprobe)", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 6 });
    segmenter.push(bars);
    const held = segmenter.segments;
    // 30 s of video; the last segment stays open until the next keyframe arrives.
    expect(held.length).toBeGreaterThanOrEqual(13);
    for (const segment of held) {
      expect(segment.durationS).toBeCloseTo(2, 3);
      expect(segment.forced).toBe(false);
      expect(pids(segment).slice(0, 2)).toEqual([0, 0x1000]);
    }
    const first = probe(held[0]!);
    expect(first.pictTypes[0]).toBe("I");
    // 2 s of 30 fps video with the clip's keyframes at 0 s and 1 s (the one at 2 s opens the next segment).
    expect(first.pictTypes).toHaveLength(60);
    expect(first.pictTypes.flatMap((t, i) => (t === "I" ? [i] : []))).toEqual([0, 30]);
    expect(probe(held[5]!).pictTypes[0]).toBe("I");
    expect(segmenter.stats).toMatchObject({ forcedCuts: 0, splices: 0, resyncs: 0, bytesIn: bars.length });
  });

  it("gives the same segments whatever the chunking of its input", () => {
    const whole = new HlsSegmenter();
    whole.push(bars);
    const chunked = new HlsSegmenter();
    let seed = 7;
    for (let o = 0; o < bars.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 5000);
      chunked.push(bars.subarray(o, o + n));
      o += n;
    }
    expect(chunked.segments.map((s) => s.bytes.toString("base64"))).toEqual(whole.segments.map((s) => s.bytes.toString("base64")));
  });

  it("keeps a playlist window plus as many segments again, and the playlists pass RFC 8216 across reloads", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 4 });
    let previous: ReturnType<typeof checkMediaPlaylist>["playlist"] | undefined;
    for (let o = 0; o < bars.length; o += 188 * 300) {
      segmenter.push(bars.subarray(o, o + 188 * 300));
      const window = segmenter.window();
      if (window.length === 0) continue;
      const { playlist, problems } = checkMediaPlaylist(renderMediaPlaylist(2, window, (s) => `hls/e-${s.sequence}.ts`));
      expect(problems).toEqual([]);
      if (previous !== undefined) expect(checkReload(previous, playlist)).toEqual([]);
      previous = playlist;
    }
    expect(segmenter.window()).toHaveLength(4);
    expect(segmenter.segments).toHaveLength(9);
    expect(previous?.mediaSequence).toBe(segmenter.window()[0]?.sequence);
    expect(segmenter.segment(segmenter.segments[0]!.sequence - 1)).toBeUndefined();
  });

  it("marks a splice after a PTS jump (the next clip starts its clock again) with EXT-X-DISCONTINUITY", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 30 });
    segmenter.push(bars);
    const before = segmenter.segments.length;
    segmenter.push(bars); // the same clip again: its clock starts over
    const spliced = segmenter.segments.filter((s) => s.discontinuity);
    expect(spliced.map((s) => s.sequence)).toEqual([before + 1]);
    expect(spliced[0]?.discontinuitySequence).toBe(1);
    const text = renderMediaPlaylist(2, segmenter.window(), (s) => `${s.sequence}.ts`);
    expect(text).toContain(`#EXT-X-DISCONTINUITY\n#EXTINF:${spliced[0]?.durationS.toFixed(3)},\n${before + 1}.ts`);
    expect(checkMediaPlaylist(text).problems).toEqual([]);
    expect(segmenter.stats.splices).toBe(1);
  });

  it("marks one splice where discontinuity_indicator flags the first packet of each PID (video, then audio)", () => {
    const flagged = Buffer.from(bars);
    const offsets = keyframePacketOffsets(flagged, VIDEO_PID);
    const at = offsets[7]!; // the keyframe at 7 s: mid-segment for a 2 s target
    flagged[at + 5] = (flagged[at + 5] ?? 0) | 0x80;
    // The next audio packet with an adaptation field gets the flag too: the same splice.
    let audio = at + 188;
    while (!(readPacketHeader(flagged, audio).pid === AUDIO_PID && ((flagged[audio + 3] ?? 0) & 0x20) !== 0 && (flagged[audio + 4] ?? 0) > 0)) audio += 188;
    flagged[audio + 5] = (flagged[audio + 5] ?? 0) | 0x80;
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 30 });
    segmenter.push(flagged);
    const spliced = segmenter.segments.filter((s) => s.discontinuity);
    expect(spliced).toHaveLength(1);
    // The segment open at the flag (started at 6 s) closed at its last frame: 1 s long.
    const cut = segmenter.segments[spliced[0]!.sequence - 1];
    expect(cut?.durationS).toBeCloseTo(1, 3);
    expect(segmenter.stats.splices).toBe(1);
  });

  it("reports a gap in its input (a new feeder) as a splice", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 30 });
    segmenter.push(bars.subarray(0, 188 * 2000));
    segmenter.markGap();
    segmenter.push(bars.subarray(188 * 2600));
    expect(segmenter.segments.filter((s) => s.discontinuity)).toHaveLength(1);
  });

  it("cuts without a keyframe when none comes before EXTINF would round above the target, and counts it", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 30 });
    segmenter.push(sparse);
    expect(segmenter.stats.forcedCuts).toBeGreaterThan(0);
    for (const s of segmenter.segments) expect(Math.round(s.durationS)).toBeLessThanOrEqual(2);
    expect(checkMediaPlaylist(renderMediaPlaylist(2, segmenter.window(), (s) => `${s.sequence}.ts`)).problems).toEqual([]);
  });

  it("cuts at the keyframe before the target when the next one would make EXTINF round above it (GOPs of 1.27 s → 1.27 s segments, none forced)", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 30 });
    segmenter.push(uneven);
    expect(segmenter.stats.forcedCuts).toBe(0);
    expect(segmenter.segments.length).toBeGreaterThan(15);
    for (const s of segmenter.segments) {
      expect(s.durationS).toBeCloseTo(38 / 30, 3);
      expect(s.forced).toBe(false);
    }
    expect(probe(segmenter.segments[3]!).pictTypes[0]).toBe("I");
  });

  it("lists older segments too while the window would last under three target durations (RFC 8216 §6.2.2)", () => {
    const segmenter = new HlsSegmenter({ targetDurationS: 2, windowSegments: 3 });
    segmenter.push(uneven);
    const window = segmenter.window();
    // Three 1.27 s segments last 3.8 s: two more are listed to reach 6 s.
    expect(window).toHaveLength(5);
    expect(window.reduce((sum, x) => sum + x.durationS, 0)).toBeGreaterThanOrEqual(6);
    const { playlist, problems } = checkMediaPlaylist(renderMediaPlaylist(2, window, (x) => `${x.sequence}.ts`));
    expect(problems).toEqual([]);
    expect(checkReload(playlist, playlist)).toEqual([]);
    expect(segmenter.segment(window[0]!.sequence)).toBe(window[0]);
  });

  it("refuses options out of range", () => {
    expect(() => new HlsSegmenter({ targetDurationS: 0 })).toThrow(RangeError);
    expect(() => new HlsSegmenter({ windowSegments: 2 })).toThrow(/windowSegments/);
  });
});
