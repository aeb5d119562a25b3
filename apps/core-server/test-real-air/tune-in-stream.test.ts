// Tune-in on the real engine: what a viewer receives is H.264 + AAC MPEG-TS that decodes
// without a single error from its first keyframe, across two scheduled boundaries.
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordBaseline } from "../test/contract/support/leak-check.js";
import { waitFor } from "../test/contract/support/wait.js";
import { printFailureDiagnostics } from "./support/failure-diagnostics.js";
import { realAirContext } from "./support/real-air-context.js";
import { makeClip } from "./support/real-air-media.js";
import { assertRealAirLeavesNothing } from "./support/real-air-leak-check.js";
import { REAL_TIMING, startRealAirScenario } from "./support/real-air-scenario.js";
import { captureStream } from "./support/stream-capture.js";
import { judgeStream } from "./support/stream-judge.js";

beforeEach(recordBaseline);
afterEach(async ({ task }) => {
  if (task.result?.state === "fail") printFailureDiagnostics();
  await assertRealAirLeavesNothing();
});

/** Wall-clock ms after the second boundary the capture goes on, so a keyframe of the new item is in it. */
const AFTER_LAST_BOUNDARY_MS = 4_000;

describe("real engine: tune-in stream", () => {
  it("decodes with 0 errors from the first keyframe across two boundaries (video h264 + audio aac)", async () => {
    // The README's real-engine setting. From the frame on air (on-air) the real engine holds its
    // output until channel time reaches the item's media time, then may burst and fall silent
    // again, and the output watchdog restarts it (seen once in eight suite runs): that engine
    // defect is documented (test-real-air/README.md), not pinned.
    const s = await startRealAirScenario({ argv: ["--start-position", "item-start"] });
    const tunedAtMs = Date.now();
    const capture = await captureStream(`${s.server.baseUrl}/channels/1/stream.ts`, join(s.server.dataDir, "ch1-capture.ts"));
    expect(capture.status).toBe(200);
    await capture.waitForBytes(188 * 100, REAL_TIMING.stateMs);
    const firstByteAtMs = capture.firstByteAtMs!;

    // Two scheduled boundaries go live after the first byte (the server logs each one).
    const scheduled = (): number[] =>
      s.server.logs
        .filter((l) => l["msg"] === "The boundary is live." && l["channel"] === 1 && l["kind"] === "scheduled" && Number(l["boundaryMs"]) > firstByteAtMs)
        .map((l) => Number(l["boundaryMs"]));
    const boundaries = await waitFor(() => (scheduled().length >= 2 ? scheduled().slice(0, 2) : undefined), {
      what: "two scheduled boundaries live after the first byte",
      timeoutMs: 2 * REAL_TIMING.itemMs + REAL_TIMING.preloadLeadMs + REAL_TIMING.stateMs,
      intervalMs: 100,
    });
    const bytesAtBoundary = capture.bytes;
    await waitFor(() => Date.now() >= boundaries[1]! + AFTER_LAST_BOUNDARY_MS && capture.bytes > bytesAtBoundary, {
      what: "bytes after the second boundary",
      timeoutMs: AFTER_LAST_BOUNDARY_MS + REAL_TIMING.stateMs,
      intervalMs: 100,
    });
    expect(capture.isOpen, "the stream stayed open").toBe(true);
    await capture.leave();

    const verdict = judgeStream(capture.file);
    console.info(
      `[real-air] tune-in: first byte ${firstByteAtMs - tunedAtMs} ms after the request; ${capture.bytes} bytes; ` +
        `${verdict.keyframes} keyframes; judged ${verdict.videoSeconds.toFixed(2)} s of video, ${verdict.audioPackets} audio packets (${verdict.audioSeconds.toFixed(2)} s of audio); ` +
        `boundaries at +${boundaries.map((b) => b - firstByteAtMs).join(", +")} ms after the first byte; ${verdict.decodeErrors.length} decode errors, ${verdict.timestampWarnings.length} muxer timestamp-order lines`,
    );
    expect(verdict.codecs["video"]).toEqual(["h264"]);
    expect(verdict.codecs["audio"]).toEqual(["aac"]);
    expect(verdict.audioPackets).toBeGreaterThan(0);
    expect(verdict.decodeErrors).toEqual([]);
    // The judged stretch spans both boundaries: from the first keyframe (at or after the first
    // byte) to the last one (after the second boundary). 2 s of slack for the engine's
    // boundary stall and the keyframe spacing.
    expect(verdict.videoSeconds).toBeGreaterThanOrEqual((boundaries[1]! - firstByteAtMs) / 1000 - 2);
  });

  it("start position item-start: a tune-in in the middle of an item gets its first byte within seconds, with sound, and decodes with 0 errors", async () => {
    // 20 s items (their own 21 s clips), the lineup started 6 s ago: the tune-in lands 6 s into
    // an item, 14 s before its end (more than the preload lead, so that end is a boundary of its
    // own). From the frame on air (on-air) the real engine writes nothing for ~6 s
    // (test-real-air/README.md); from the item's first frame it has nothing to wait for.
    const { mediaRoot } = realAirContext();
    const itemMs = 20_000;
    const clips = [`long-a-${process.pid}.ts`, `long-b-${process.pid}.ts`];
    makeClip(mediaRoot, clips[0]!, 21, "testsrc2=size=320x240:rate=30", 440);
    makeClip(mediaRoot, clips[1]!, 21, "smptehdbars=size=320x240:rate=30", 880);
    const anchorMs = Date.now() - 6_000;
    const s = await startRealAirScenario({ channels: [1], anchorMs, itemMs, playlist: clips, argv: ["--start-position", "item-start"] });
    const tunedAtMs = Date.now();
    const capture = await captureStream(`${s.server.baseUrl}/channels/1/stream.ts`, join(s.server.dataDir, "ch1-item-start.ts"));
    expect(capture.status).toBe(200);
    await capture.waitForBytes(188 * 100, REAL_TIMING.stateMs);
    const firstByteMs = capture.firstByteAtMs! - tunedAtMs;
    const started = s.server.logs.find((l) => l["msg"] === "Session started; switching to the item on air at once.");
    expect(started?.["startPosition"]).toBe("item-start");
    expect(started?.["startFrame"]).toBe(0);
    // Past the item's scheduled end and 4 s into the next item.
    const nextBoundaryMs = anchorMs + itemMs;
    await waitFor(() => Date.now() >= nextBoundaryMs + AFTER_LAST_BOUNDARY_MS, { what: "4 s into the next item", timeoutMs: itemMs + REAL_TIMING.stateMs, intervalMs: 100 });
    const live = s.server.logs.find((l) => l["msg"] === "The boundary is live." && Number(l["boundaryMs"]) === nextBoundaryMs);
    expect(live, "the next boundary went live on schedule").toBeDefined();
    expect(capture.isOpen).toBe(true);
    await capture.leave();
    const verdict = judgeStream(capture.file);
    console.info(
      `[real-air] item-start tune-in 6 s into an item: first byte ${firstByteMs} ms after the request; judged ${verdict.videoSeconds.toFixed(2)} s of video, ` +
        `${verdict.audioSeconds.toFixed(2)} s of audio; ${verdict.decodeErrors.length} decode errors`,
    );
    expect(verdict.decodeErrors).toEqual([]);
    expect(verdict.codecs["audio"]).toEqual(["aac"]);
    // Sound with the picture: audio spans (nearly) the judged video.
    expect(verdict.audioSeconds).toBeGreaterThanOrEqual(verdict.videoSeconds * 0.9);
    // Generous for a loaded machine; the figure is printed above.
    expect(firstByteMs).toBeLessThan(5_000);
  });
});
