// Issue 13: an engine that dies (SIGKILL) or hangs (SIGSTOP) under a viewer is restarted
// with the viewer kept: the HTTP response stays open, bytes resume after the splice, and
// ffmpeg decodes the whole capture — old stream, splice, new stream — without an error.
// Spawn mode with the fake in single-channel mode (one process per channel, like AIR).
import { engineFailureRow, type EngineFailureRow } from "./support/engine-failure-row.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { shortTempDir } from "./support/contract-server.js";
import { ffmpegDecodeErrors, ffprobeVideoFrames, longestGapAfter, openCaptureViewer, type CaptureViewer } from "./support/capture-viewer.js";
import { httpCall } from "./support/http-client.js";
import { assertNothingLeaks, pidAlive, recordBaseline } from "./support/leak-check.js";
import { startScenario, TIMING, type Scenario } from "./support/scenario.js";
import { checkContinuity, trimCaptureTail } from "./support/ts-continuity.js";
import { enginePidOf, writeFakeEngineBinary } from "./support/spawned-engines.js";
import { waitFor } from "./support/wait.js";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

const WATCHDOG_MS = 1_500;
const SPAWN_FLAGS = ["--engine-kill-after-ms", "500", "--engine-ready-timeout-ms", "5000", "--output-watchdog-ms", String(WATCHDOG_MS)];

let viewer: CaptureViewer | undefined;
let stoppedPid: number | undefined;

beforeEach(recordBaseline);
afterEach(async () => {
  viewer?.leave();
  viewer = undefined;
  // A stopped engine must not outlive the test, whatever happened.
  if (stoppedPid !== undefined && pidAlive(stoppedPid)) process.kill(stoppedPid, "SIGKILL");
  stoppedPid = undefined;
  await assertNothingLeaks();
});

/** Starts the server, tunes a capturing viewer in, waits for LIVE and ~2 s of stream. */
async function watching(): Promise<{ s: Scenario; pid: number; dir: string }> {
  const dir = shortTempDir();
  const binary = writeFakeEngineBinary(dir, { minPrefeedLeadMs: TIMING.minPrefeedLeadMs });
  const s = await startScenario({ spawnBinary: binary, argv: SPAWN_FLAGS, restartBackoffMs: "1000,2000,4000,8000,16000" });
  viewer = await openCaptureViewer(`${s.server.baseUrl}/channels/1/stream.ts`);
  expect(viewer.status).toBe(200);
  await s.waitChannel(1, (c) => c.boundaryState === "LIVE", "LIVE");
  await viewer.waitForBytes(200_000, 20_000);
  const pid = enginePidOf(s.server, 1);
  expect(pid).toBeGreaterThan(0);
  return { s, pid: pid as number, dir };
}

/** After the failure: a new engine, bytes flowing again well past the splice, the viewer never dropped. */
async function resumed(s: Scenario, oldPid: number, sinceBytes: number): Promise<number> {
  const v = viewer as CaptureViewer;
  const newPid = await waitFor(() => {
    const pid = enginePidOf(s.server, 1);
    return pid !== undefined && pid !== oldPid ? pid : undefined;
  }, { what: "a new engine process", timeoutMs: 20_000 });
  await v.waitForBytes(sinceBytes + 300_000, 30_000);
  expect(v.isOpen).toBe(true);
  return newPid;
}

async function judge(dir: string, name: string, failedAtMs: number): Promise<{ gapMs: number; errors: string[] }> {
  const v = viewer as CaptureViewer;
  const capture = v.capture();
  v.leave();
  const { gapMs } = longestGapAfter(v.chunks, failedAtMs - 1_000);
  // The viewer hung up mid-frame: judge the capture without that cut (see trimCaptureTail).
  const lines = await ffmpegDecodeErrors(trimCaptureTail(capture), dir, name);
  const errors = [...lines.decodeErrors];
  const frames = await ffprobeVideoFrames(dir, name);
  console.info(
    `[${name}] ${capture.length} bytes, ${frames} video frames, gap ${gapMs} ms, ffmpeg decode errors: ${errors.length}, ` +
      `muxer timestamp-order lines: ${lines.timestampWarnings.length}${errors.length ? `\n${errors.join("\n")}` : ""}`,
  );
  expect(frames).toBeGreaterThan(30);
  // ffmpeg logs continuity errors only at debug level: check them on the bytes.
  const continuity = checkContinuity(capture);
  console.info(`[${name}] ${continuity.packets} packets, ${continuity.ccErrors} CC errors, discontinuity flags by PID: ${JSON.stringify([...continuity.discontinuities])}`);
  expect(continuity.syncErrors).toBe(0);
  expect(continuity.ccErrors).toBe(0);
  // One splice: each PID of the new stream (PAT, PMT, video, audio) flagged once.
  expect([...continuity.discontinuities.values()]).toEqual([1, 1, 1, 1]);
  return { gapMs, errors };
}

describe("engine failure under a viewer: restart with the viewer kept (spawn mode, fake AIR)", () => {
  it("SIGKILL: the viewer stays connected, bytes resume after the 1 s backoff, ffmpeg decodes the capture with 0 errors", async () => {
    const { s, pid, dir } = await watching();
    const before = (viewer as CaptureViewer).bytes;
    const killedAtMs = Date.now();
    process.kill(pid, "SIGKILL");
    await resumed(s, pid, before);
    const admin = await engineFailureRow(s);
    expect(admin).toMatchObject({ phase: "running", restarts: 1, lastFailureReason: "stream_lost", outputWatchdogTrips: 0 });
    expect(admin.hub?.splices).toBe(1);
    const { gapMs, errors } = await judge(dir, "sigkill.ts", killedAtMs);
    expect(errors).toEqual([]);
    // Backoff 1 s + a new process + its start; generous for two busy cores.
    expect(gapMs).toBeGreaterThanOrEqual(1_000);
    expect(gapMs).toBeLessThan(15_000);
  });

  it("SIGSTOP: the watchdog finds the silent engine within its bound, kills it, and bytes resume cleanly", async () => {
    const { s, pid, dir } = await watching();
    const before = (viewer as CaptureViewer).bytes;
    stoppedPid = pid;
    const stoppedAtMs = Date.now();
    process.kill(pid, "SIGSTOP");
    const tripped = await s.waitChannel(1, (c) => (c as unknown as EngineFailureRow).outputWatchdogTrips === 1, "watchdog tripped", 15_000);
    const detectedAfterMs = Date.parse((tripped as unknown as EngineFailureRow).lastFailureAt as string) - stoppedAtMs;
    // The engine paces ~100 ms ahead, so silence begins at most then; the bound plus slack for a loaded machine.
    expect(detectedAfterMs).toBeGreaterThanOrEqual(WATCHDOG_MS - 200);
    expect(detectedAfterMs).toBeLessThanOrEqual(WATCHDOG_MS + 1_500);
    // The hung engine was killed (SIGKILL acts on a stopped process), not waited for.
    await waitFor(() => !pidAlive(pid), { what: `stopped engine ${pid} killed`, timeoutMs: 5_000 });
    await resumed(s, pid, before);
    expect(await engineFailureRow(s)).toMatchObject({ phase: "running", restarts: 1, lastFailureReason: "output_watchdog" });
    const metrics = await httpCall(`${s.server.baseUrl}/metrics`);
    expect(metrics.text).toMatch(/retrovue_output_watchdog_trips_total\{channel="1"\} 1/);
    const { gapMs, errors } = await judge(dir, "sigstop.ts", stoppedAtMs);
    console.info(`[sigstop] watchdog detected the hang ${detectedAfterMs} ms after SIGSTOP`);
    expect(errors).toEqual([]);
    expect(gapMs).toBeGreaterThanOrEqual(WATCHDOG_MS);
    expect(gapMs).toBeLessThan(20_000);
  });
});
