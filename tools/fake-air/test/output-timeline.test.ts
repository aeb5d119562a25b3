import { describe, expect, it } from "vitest";
import { createSyntheticSource, SYNTHETIC_ES_PID, SYNTHETIC_PMT_PID } from "../src/media/synthetic-source.js";
import { createTsFileSource } from "../src/media/ts-file-source.js";
import { indexTsFile } from "../src/media/ts-file-index.js";
import { OutputTimeline } from "../src/media/output-timeline.js";
import { parseTransportStream, PTS_WRAP, unwrapTimestamps } from "../src/mpegts/index.js";
import { wrapDiff } from "../src/mpegts/constants.js";
import { buildTsFixture, FIXTURE_AUDIO_PID, FIXTURE_VIDEO_PID, frameMarkers } from "./helpers/ts-fixture.js";

const synthetic = (label: string) => createSyntheticSource({ bitrateBps: 1_000_000, fpsNumerator: 30, fpsDenominator: 1, label });

/** Asserts the invariants every output must keep: whole packets, PSI, counters, PCR and DTS order. */
function expectContinuous(ts: Buffer): ReturnType<typeof parseTransportStream> {
  const r = parseTransportStream(ts);
  expect(r.syncErrors).toBe(0);
  expect(r.trailingBytes).toBe(0);
  expect(r.crcErrors).toBe(0);
  expect(r.continuityErrorDetails).toEqual([]);
  expect(r.pcrCount).toBeGreaterThan(1);
  expect(r.pcrBackwardSteps).toBe(0);
  for (const [pid, stats] of r.pidStats) {
    const decode = stats.dts.length > 0 ? stats.dts : stats.pts;
    const unwrapped = unwrapTimestamps(decode);
    for (let i = 1; i < unwrapped.length; i++) {
      if (!(unwrapped[i]! > unwrapped[i - 1]!)) throw new Error(`PID ${pid}: timestamp ${i} does not increase (${unwrapped[i - 1]} → ${unwrapped[i]})`);
    }
  }
  return r;
}

describe("OutputTimeline", () => {
  it("starts with PAT and PMT, then synthetic PES packets with PCR", () => {
    const t = new OutputTimeline();
    t.switchTo(synthetic("a"));
    const ts = Buffer.concat(t.take(500));
    const r = expectContinuous(ts);
    expect(ts.readUInt16BE(1) & 0x1fff).toBe(0); // first packet is the PAT
    expect(r.patCount).toBeGreaterThan(0);
    expect(r.pmtCount).toBeGreaterThan(0);
    expect(r.firstPesPacketIndex).toBeGreaterThan(1);
  });

  it("streams a TS file's own packets from start_frame for frame_count frames, looping, with continuous counters and timestamps", () => {
    const index = indexTsFile(buildTsFixture({ frames: 12, fps: 25 }));
    expect(index).toBeDefined();
    expect(index?.frameStarts.length).toBe(12);
    const t = new OutputTimeline();
    t.switchTo(createTsFileSource(index!, 5, 10));
    const ts = Buffer.concat(t.take(12 * 8 * 3));
    expectContinuous(ts);
    // Window: frames 5..11, then wraps to 0..2, then repeats from 5.
    expect(frameMarkers(ts).slice(0, 23)).toEqual([5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 5, 6, 7]);
    expect(frameMarkers(ts, FIXTURE_AUDIO_PID, "AUDIO:").slice(0, 11)).toEqual([5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 5]);
  });

  it("keeps frame spacing across a loop seam (one frame, not a jump back)", () => {
    const index = indexTsFile(buildTsFixture({ frames: 6, fps: 25 }))!;
    const t = new OutputTimeline();
    t.switchTo(createTsFileSource(index, 0, 6));
    const r = expectContinuous(Buffer.concat(t.take(6 * 8 * 2)));
    const dts = unwrapTimestamps(r.pidStats.get(FIXTURE_VIDEO_PID)!.dts);
    const steps = dts.slice(1).map((v, i) => v - dts[i]!);
    expect(steps.length).toBeGreaterThan(6);
    for (const step of steps) expect(step).toBe(3600); // 25 fps in 90 kHz, also across the seam
  });

  it("stays continuous across switches: synthetic → file → synthetic → file, and returns each start PTS", () => {
    const index = indexTsFile(buildTsFixture({ frames: 8, fps: 25 }))!;
    const t = new OutputTimeline();
    const chunks: Buffer[] = [];
    const starts: number[] = [];
    starts.push(t.switchTo(synthetic("one")));
    chunks.push(...t.take(200));
    starts.push(t.switchTo(createTsFileSource(index, 3, 20)));
    chunks.push(...t.take(150));
    starts.push(t.switchTo(synthetic("two")));
    chunks.push(...t.take(200));
    starts.push(t.switchTo(createTsFileSource(index, 0, 4)));
    chunks.push(...t.take(150));
    const r = expectContinuous(Buffer.concat(chunks));
    for (let i = 1; i < starts.length; i++) expect(wrapDiff(starts[i]!, starts[i - 1]!, PTS_WRAP)).toBeGreaterThan(0);
    // Program changed (synthetic ↔ file), so the PMT was re-announced with both layouts seen.
    expect(r.pids).toEqual(expect.arrayContaining([SYNTHETIC_ES_PID, FIXTURE_VIDEO_PID, FIXTURE_AUDIO_PID, SYNTHETIC_PMT_PID]));
    expect(r.pmtCount).toBeGreaterThan(3);
  });

  it("splices at a frame start: the old file's last frame is whole before the new source", () => {
    const index = indexTsFile(buildTsFixture({ frames: 8, fps: 25 }))!;
    const t = new OutputTimeline();
    t.switchTo(createTsFileSource(index, 0, 8));
    const first = t.take(10); // mid-frame
    t.switchTo(createTsFileSource(index, 6, 2));
    const ts = Buffer.concat([...first, ...t.take(60)]);
    expectContinuous(ts);
    expect(frameMarkers(ts).slice(0, 4)).toEqual([0, 1, 6, 7]);
  });

  it("B-frame reorder: a run starting on a B-frame is shown after every frame already sent (no PTS collision)", () => {
    const index = indexTsFile(buildTsFixture({ frames: 12, fps: 25, reorder: true }))!;
    const t = new OutputTimeline();
    t.switchTo(createTsFileSource(index, 1, 5));
    const r = expectContinuous(Buffer.concat(t.take(12 * 8 * 3)));
    const pts = unwrapTimestamps(r.pidStats.get(FIXTURE_VIDEO_PID)!.pts);
    expect(pts.length).toBeGreaterThan(10);
    expect(new Set(pts).size).toBe(pts.length);
    // Each run of 5 frames is displayed after the previous run's last frame.
    for (let run = 1; run * 5 < pts.length; run++) {
      expect(Math.min(...pts.slice(run * 5, run * 5 + 5))).toBeGreaterThan(Math.max(...pts.slice(0, run * 5)));
    }
  });

  it("drops the audio PES of a new source that would overlap audio already sent (early-muxed A → late-muxed B)", () => {
    const early = indexTsFile(buildTsFixture({ frames: 30, fps: 25, audioLagFrames: -2 }))!;
    const late = indexTsFile(buildTsFixture({ frames: 30, fps: 25, audioLagFrames: 2, startPts90: 5_000_000 }))!;
    const t = new OutputTimeline();
    t.switchTo(createTsFileSource(early, 0, 30));
    const before = t.take(40);
    t.switchTo(createTsFileSource(late, 10, 30));
    const ts = Buffer.concat([...before, ...t.take(200)]);
    expectContinuous(ts); // audio PTS strictly rising across the switch
    // A: video 0..5 with audio 2..7 (muxed two frames early). B starts at video 10, muxed with
    // audio 8: B's audio 8..11 would overlap what A sent, so B's audio resumes at 12.
    expect(frameMarkers(ts).slice(0, 7)).toEqual([0, 1, 2, 3, 4, 5, 10]);
    const audio = frameMarkers(ts, FIXTURE_AUDIO_PID, "AUDIO:");
    expect(audio.slice(0, 8)).toEqual([2, 3, 4, 5, 6, 7, 12, 13]);
    // B's loop seam (29 → 0) drops nothing: audio 0, 1, 2, … follow 27.
    const wrap = audio.indexOf(27);
    expect(audio.slice(wrap, wrap + 4)).toEqual([27, 0, 1, 2]);
  });

  it("falls back to no index (synthetic) for non-TS bytes and TS without PCRs", () => {
    expect(indexTsFile(Buffer.alloc(5000, 7))).toBeUndefined();
    const noPcr = buildTsFixture({ frames: 3, fps: 25 });
    for (let off = 0; off < noPcr.length; off += 188) {
      if ((noPcr[off + 3]! & 0x20) !== 0 && noPcr[off + 4]! >= 7) noPcr[off + 5] = noPcr[off + 5]! & ~0x10;
    }
    expect(indexTsFile(noPcr)).toBeUndefined();
  });
});
