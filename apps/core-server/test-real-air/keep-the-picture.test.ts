// Issue 13 on the real engine: a viewer keeps the channel when its engine is killed or hangs,
// and when an item of the lineup cannot be decoded. Each case captures what a real viewer
// received, decodes it with ffmpeg (0 errors, splice included), checks the continuity
// counters on the bytes, and prints the longest gap in the bytes (the figure the issue asks for).
import { engineFailureRow, type EngineFailureRow } from "../test/contract/support/engine-failure-row.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { longestGapAfter, openCaptureViewer, type CaptureViewer } from "../test/contract/support/capture-viewer.js";
import { pidAlive, recordBaseline } from "../test/contract/support/leak-check.js";
import type { Scenario } from "../test/contract/support/scenario.js";
import { enginePidOf } from "../test/contract/support/spawned-engines.js";
import { checkContinuity, trimCaptureTail } from "../test/contract/support/ts-continuity.js";
import { waitFor } from "../test/contract/support/wait.js";
import { killEngineProcess } from "./support/engine-fault.js";
import { printFailureDiagnostics } from "./support/failure-diagnostics.js";
import { realAirContext } from "./support/real-air-context.js";
import { makeClip } from "./support/real-air-media.js";
import { assertRealAirLeavesNothing } from "./support/real-air-leak-check.js";
import { REAL_TIMING, startRealAirScenario } from "./support/real-air-scenario.js";
import { judgeStream } from "./support/stream-judge.js";

/** The server's default output watchdog (not overridden here: this is what users get). */
const WATCHDOG_MS = 4_000;
/** Restart delays: the first try after 1 s, like the fake-engine contract test. */
const BACKOFF = "1000,2000,4000,8000,16000";
/** Bound on the gap a restart leaves in the bytes: the backoff, a new process, its start, and slack for a loaded machine. */
const RESTART_GAP_BOUND_MS = 15_000;

let viewer: CaptureViewer | undefined;
let stoppedPid: number | undefined;

beforeEach(recordBaseline);
afterEach(async ({ task }) => {
  if (task.result?.state === "fail") printFailureDiagnostics();
  viewer?.leave();
  viewer = undefined;
  // A stopped engine must not outlive its test, whatever happened.
  if (stoppedPid !== undefined && pidAlive(stoppedPid)) process.kill(stoppedPid, "SIGKILL");
  stoppedPid = undefined;
  await assertRealAirLeavesNothing();
});

/** 20 s items over 21 s clips, made once per file (two clips, ~2 s each with ffmpeg). */
const LONG_ITEM_MS = 20_000;
let longClips: readonly string[] | undefined;

/**
 * The server for the engine-fault cases: channel 1 alone, restarts after 1 s, 20 s items and
 * `--start-position item-start`, the setting the README gives for the real engine. A session
 * (and every restart) then starts at an item's first frame, where the real engine writes at
 * once; from the frame on air it would hold its output for as long as the start is into the
 * item (README), and the engine's silence would be mistaken for the fault under test. The
 * lineup starts 1 s before the tune-in, so the first boundary is ~19 s away.
 */
async function startFaultScenario(): Promise<Scenario> {
  const { mediaRoot } = realAirContext();
  if (longClips === undefined) {
    const names = [`fault-a-${process.pid}.ts`, `fault-b-${process.pid}.ts`];
    makeClip(mediaRoot, names[0]!, 21, "testsrc2=size=320x240:rate=30", 440);
    makeClip(mediaRoot, names[1]!, 21, "smptehdbars=size=320x240:rate=30", 880);
    longClips = names;
  }
  return startRealAirScenario({
    channels: [1],
    playlist: longClips,
    itemMs: LONG_ITEM_MS,
    anchorMs: Date.now() - 1_000,
    restartBackoffMs: BACKOFF,
    argv: ["--start-position", "item-start"],
  });
}

/** Tunes a capturing viewer in to channel 1 and waits until the engine's bytes have flowed for ~2 s. */
async function watching(s: Scenario): Promise<{ viewer: CaptureViewer; pid: number }> {
  const v = await openCaptureViewer(`${s.server.baseUrl}/channels/1/stream.ts`);
  viewer = v;
  expect(v.status).toBe(200);
  await v.waitForBytes(188 * 100, REAL_TIMING.stateMs);
  const firstAtMs = v.chunks[0]!.atMs;
  await waitFor(() => Date.now() - firstAtMs >= 2_000, { what: "2 s of stream", timeoutMs: 5_000 });
  const pid = enginePidOf(s.server, 1);
  expect(pid).toBeGreaterThan(0);
  return { viewer: v, pid: pid! };
}

/** A new engine process for channel 1, then bytes again; the viewer's connection never closed. */
async function resumed(s: Scenario, v: CaptureViewer, oldPid: number, sinceBytes: number): Promise<number> {
  const newPid = await waitFor(() => {
    const pid = enginePidOf(s.server, 1);
    return pid !== undefined && pid !== oldPid ? pid : undefined;
  }, { what: "a new engine process", timeoutMs: REAL_TIMING.stateMs });
  // ~1.5 s of the new engine's stream (a few hundred kB at its bitrate).
  await v.waitForBytes(sinceBytes + 188 * 1_500, RESTART_GAP_BOUND_MS + REAL_TIMING.stateMs);
  expect(v.isOpen, "the viewer's connection stayed open").toBe(true);
  return newPid;
}

interface Judged {
  readonly gapMs: number;
  readonly decodeErrors: readonly string[];
  readonly videoSeconds: number;
  readonly audioSeconds: number;
  readonly splicesFlagged: readonly number[];
}

/** Leaves, then judges the whole capture with ffprobe/ffmpeg and on its bytes. */
function judge(s: Scenario, v: CaptureViewer, name: string, faultAtMs: number): Judged {
  const capture = trimCaptureTail(v.capture());
  v.leave();
  viewer = undefined;
  const file = join(s.server.dataDir, name);
  writeFileSync(file, capture);
  const verdict = judgeStream(file);
  const continuity = checkContinuity(capture);
  const { gapMs } = longestGapAfter(v.chunks, faultAtMs - 1_000);
  console.info(
    `[real-air] ${name}: ${capture.length} bytes, ${verdict.keyframes} keyframes, ${verdict.videoSeconds.toFixed(2)} s video, ` +
      `${verdict.audioSeconds.toFixed(2)} s audio, longest gap after the fault ${gapMs} ms, ${verdict.decodeErrors.length} decode errors, ` +
      `${continuity.ccErrors} CC errors, discontinuity flags by PID ${JSON.stringify([...continuity.discontinuities])}` +
      (verdict.decodeErrors.length > 0 ? `\n${verdict.decodeErrors.join("\n")}` : ""),
  );
  expect(verdict.codecs["video"]).toEqual(["h264"]);
  expect(verdict.codecs["audio"]).toEqual(["aac"]);
  expect(continuity.syncErrors).toBe(0);
  expect(continuity.ccErrors).toBe(0);
  return { gapMs, decodeErrors: verdict.decodeErrors, videoSeconds: verdict.videoSeconds, audioSeconds: verdict.audioSeconds, splicesFlagged: [...continuity.discontinuities.values()] };
}

describe("real engine: keep the picture (issue 13)", () => {
  it("engine killed under a viewer → restarted, the viewer stays connected, bytes resume, 0 decode errors across the splice", async () => {
    const s = await startFaultScenario();
    const { viewer: v, pid } = await watching(s);
    const before = v.bytes;
    const killedAtMs = Date.now();
    expect(killEngineProcess(s.server, 1)).toBe(pid);
    const newPid = await resumed(s, v, pid, before);
    const row = await engineFailureRow(s);
    expect(row.phase).toBe("running");
    expect(row.restarts).toBeGreaterThanOrEqual(1);
    expect(row.fatalReason).toBeNull();
    // The first failure after the kill is the lost stream (a slow first byte of the new engine
    // may add a watchdog restart on a loaded machine; the viewer is kept either way).
    const failure = s.server.logs.find((l) => l["failure"] !== undefined && Number(l["time"]) >= killedAtMs);
    expect(failure?.["failure"], "the first failure after the kill").toBe("stream_lost");
    expect(row.hub?.splices).toBeGreaterThanOrEqual(1);
    const judged = judge(s, v, "killed.ts", killedAtMs);
    console.info(`[real-air] engine killed: ${pid} → ${newPid}; ${row.restarts} restart(s); gap ${judged.gapMs} ms`);
    expect(judged.decodeErrors).toEqual([]);
    // Sound with the picture after the restart too (the new engine starts at an item's first frame).
    expect(judged.audioSeconds).toBeGreaterThanOrEqual(judged.videoSeconds * 0.8);
    // Each PID of the new stream (PAT, PMT, video, audio) is flagged once per splice.
    expect(judged.splicesFlagged.every((n) => n === row.hub!.splices)).toBe(true);
    expect(judged.gapMs).toBeGreaterThanOrEqual(1_000);
    expect(judged.gapMs).toBeLessThan(RESTART_GAP_BOUND_MS);
  });

  it("engine hung (SIGSTOP) → the output watchdog finds it within its bound, ends it, bytes resume cleanly", async () => {
    const s = await startFaultScenario();
    const { viewer: v, pid } = await watching(s);
    // Stop it while its bytes flow (not inside one of its ~1 s stalls), so the silence the
    // watchdog measures starts at the stop.
    await waitFor(() => Date.now() - v.chunks.at(-1)!.atMs < 100, { what: "bytes flowing", timeoutMs: 10_000, intervalMs: 5 });
    const before = v.bytes;
    stoppedPid = pid;
    const stoppedAtMs = Date.now();
    process.kill(pid, "SIGSTOP");
    const tripped = (await s.waitChannel(1, (c) => (c as unknown as EngineFailureRow).outputWatchdogTrips >= 1, "watchdog tripped", WATCHDOG_MS + REAL_TIMING.stateMs)) as unknown as EngineFailureRow;
    const detectedAfterMs = Date.parse(tripped.lastFailureAt!) - stoppedAtMs;
    await waitFor(() => !pidAlive(pid), { what: `stopped engine ${pid} ended`, timeoutMs: REAL_TIMING.processGoneMs });
    const newPid = await resumed(s, v, pid, before);
    const row = await engineFailureRow(s);
    expect(row.phase).toBe("running");
    expect(row.fatalReason).toBeNull();
    const judged = judge(s, v, "hung.ts", stoppedAtMs);
    console.info(`[real-air] engine hung: watchdog detected it ${detectedAfterMs} ms after SIGSTOP; ${pid} → ${newPid}; gap ${judged.gapMs} ms`);
    // The engine's output runs a little ahead of the wall clock, so silence starts at most
    // ~0.5 s after the stop; the bound, plus a loaded machine's slack.
    expect(detectedAfterMs).toBeGreaterThanOrEqual(WATCHDOG_MS - 1_000);
    expect(detectedAfterMs).toBeLessThanOrEqual(WATCHDOG_MS + 4_000);
    expect(judged.decodeErrors).toEqual([]);
    expect(judged.audioSeconds).toBeGreaterThanOrEqual(judged.videoSeconds * 0.8);
    expect(judged.gapMs).toBeGreaterThanOrEqual(WATCHDOG_MS - 1_000);
    expect(judged.gapMs).toBeLessThan(WATCHDOG_MS + RESTART_GAP_BOUND_MS);
  });

  it("a corrupt middle item → reported, the item before it plays to its end, no gap longer than the item, the next item goes live on time", async () => {
    const { mediaRoot, clips } = realAirContext();
    const corrupt = `corrupt-${process.pid}-${Date.now()}.ts`;
    // Not MPEG-TS at all: the real engine's LoadPreview answers FAILED for it. (The suite's
    // server loads lineups without the media check, so the engine is what finds it.)
    writeFileSync(join(mediaRoot, corrupt), Buffer.alloc(256 * 1024, 0x5a));
    // The lineup starts 0.5 s ago, so the first item (clip 0) is on air at the tune-in, the
    // corrupt one is next (its preload fails right after the start) and clip 1 follows it.
    const anchorMs = Date.now() - 500;
    const s = await startRealAirScenario({
      channels: [1],
      playlist: [clips[0]!, corrupt, clips[1]!],
      anchorMs,
    });
    const v = await openCaptureViewer(`${s.server.baseUrl}/channels/1/stream.ts`);
    viewer = v;
    expect(v.status).toBe(200);
    const corruptFromMs = anchorMs + REAL_TIMING.itemMs;
    const nextFromMs = anchorMs + 2 * REAL_TIMING.itemMs;
    // The corrupt item's own boundary and the next one: the next must go live, on schedule.
    const nextLive = await waitFor(
      () =>
        s.server.logs.find(
          (l) => l["msg"] === "The boundary is live." && l["channel"] === 1 && Number(l["boundaryMs"]) === nextFromMs && String(l["assetPath"]).endsWith(clips[1]!),
        ),
      { what: "the item after the corrupt one live at its boundary", timeoutMs: nextFromMs - Date.now() + REAL_TIMING.stateMs, intervalMs: 100 },
    );
    expect(nextLive).toBeDefined();
    // A few seconds of the next item, then judge everything the viewer got.
    await waitFor(() => Date.now() >= nextFromMs + 4_000, { what: "4 s of the next item", timeoutMs: 10_000, intervalMs: 100 });
    const row = await engineFailureRow(s);
    expect(row.phase).toBe("running");
    expect(row.restarts).toBe(0);
    expect(row.fatalReason).toBeNull();
    expect(row.badItems.map((b) => b.path)).toEqual([join(mediaRoot, corrupt)]);
    const warned = s.server.logs.find((l) => l["level"] === 40 && l["assetPath"] === join(mediaRoot, corrupt));
    expect(warned, "a WARN names the corrupt file").toBeDefined();
    // The first item was not cut: no boundary went live before its end; at the corrupt item's
    // boundary the item on air went on (continued from its frame there, then the engine's black).
    const live = s.server.logs.filter((l) => l["msg"] === "The boundary is live." && l["channel"] === 1 && l["kind"] === "scheduled");
    expect(live.filter((l) => Number(l["boundaryMs"]) > anchorMs && Number(l["boundaryMs"]) < corruptFromMs)).toEqual([]);
    const atCorrupt = live.find((l) => Number(l["boundaryMs"]) === corruptFromMs);
    expect(String(atCorrupt?.["assetPath"])).toBe(join(mediaRoot, clips[0]!));
    expect(v.isOpen).toBe(true);
    const judged = judge(s, v, "corrupt-middle.ts", v.chunks[0]?.atMs ?? corruptFromMs);
    console.info(`[real-air] corrupt middle item: reported "${row.badItems[0]?.reason}"; longest gap in the bytes ${judged.gapMs} ms (the item is ${REAL_TIMING.itemMs} ms)`);
    expect(judged.decodeErrors).toEqual([]);
    expect(judged.gapMs).toBeLessThan(REAL_TIMING.itemMs);
    // The judged stretch reaches into the next item.
    expect(judged.videoSeconds).toBeGreaterThan((nextFromMs - v.chunks[0]!.atMs) / 1000);
  });
});
