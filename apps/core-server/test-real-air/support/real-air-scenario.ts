import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { shortTempDir } from "../../test/contract/support/contract-server.js";
import { startScenario, type Scenario } from "../../test/contract/support/scenario.js";
import { realAirContext } from "./real-air-context.js";

/**
 * The suite's timing on the real engine. Its SwitchToLive refuses a lead under 5 s, so the
 * minimum prefeed lead stays at the production 5 s and the preload lead at 8 s
 * (the first picture lands ~8 s after a tune-in). Items are 10 s, so a boundary comes every
 * 10 s of wall-clock time (the grid starts at midnight UTC).
 */
export const REAL_TIMING = Object.freeze({
  minPrefeedLeadMs: 5_000,
  /** 8 s: LoadPreview has 2.5 s before the switch goes out (the real one opens a decoder; slow under load). */
  preloadLeadMs: 8_000,
  /**
   * `--switch-late-tolerance-ms` 400 (the most the server takes): under load the switch timer
   * fires late; the engine still gets ≥ 5.1 s of lead. No test here is about that deadline.
   */
  switchLateToleranceMs: 400,
  itemMs: 10_000,
  /**
   * StopChannel deadline at teardown. The real engine's StopChannel hangs after a switch
   * (AIR-CONTRACT.md); a short deadline, then SIGTERM (which ends it at once), keeps the
   * suite quick. Whichever path ends the process, the tests only look at the process.
   */
  engineStopTimeoutMs: 1_000,
  engineKillAfterMs: 1_000,
  /** A cold engine on a loaded machine can take seconds to answer GetVersion. */
  engineReadyTimeoutMs: 30_000,
  /** Longer than a start-up (tune-in to LIVE ~7 s), so a deferred teardown waits for LIVE, not the grace. */
  teardownGraceMs: 30_000,
  /**
   * `--switch-answer-timeout-ms`: the real SwitchToLive answers at its target, but on a loaded
   * machine it was seen to answer more than the production 5 s late (start-up failed at
   * target + 5 s with load ~16 on 2 cores). No test here is about that deadline.
   */
  switchAnswerTimeoutMs: 20_000,
  /** Bound for "the engine process is gone": deadline + kill wait + a loaded machine's slack. */
  processGoneMs: 20_000,
  /** Bound for a boundary state to be reached (start-up LIVE is ~7 s after tune-in; up to ~27 s when the switch answers late). */
  stateMs: 45_000,
});

/** Options of {@link startRealAirScenario}. */
export interface RealAirScenarioOptions {
  /** Channel numbers of the lineup. Default [1, 2, 3]. */
  readonly channels?: readonly number[];
  /** `--max-tuners`. Default: the server's (4). */
  readonly maxTuners?: number;
  /**
   * `--session-start`. Default `immediate`, the server's own default (INV-SESSION-START-IMMEDIATE-001).
   * `scheduled` holds the start's switch for seconds (the real SwitchToLive blocks until its
   * target), which a test that must leave mid-switch needs.
   */
  readonly sessionStart?: "immediate" | "scheduled";
  /** Every channel's playlist: file names under the media root, {@link REAL_TIMING.itemMs} each. Default: the two clips. */
  readonly playlist?: readonly string[];
  /** The lineup's anchor (epoch ms). Default: midnight UTC today. */
  readonly anchorMs?: number;
  /** Length of every item, ms (a multiple of 1000; clips must be at least as long). Default {@link REAL_TIMING.itemMs}. */
  readonly itemMs?: number;
  /** `--restart-backoff-ms`. Default: the contract scenario's (no restart within a test). */
  readonly restartBackoffMs?: string;
  /** More server flags. */
  readonly argv?: readonly string[];
}

/** What a lineup written by {@link writeRealAirLineup} holds, beyond the channel numbers. */
export interface RealAirLineupOptions {
  readonly playlist?: readonly string[];
  readonly anchorMs?: number;
  readonly itemMs?: number;
}

/**
 * Writes a lineup over the media made at setup: by default each channel alternates the two
 * clips (channel i starts at clip i), 300 frames (10 s) per item at 30 fps, 320x240 + stereo 48 kHz.
 */
export function writeRealAirLineup(dir: string, channels: readonly number[], options: RealAirLineupOptions = {}): string {
  const { mediaRoot, clips } = realAirContext();
  const playlistOf = (i: number): readonly string[] => options.playlist ?? [0, 1].map((k) => clips[(i + k) % clips.length]!);
  const lineup = {
    version: 1,
    anchor: new Date(options.anchorMs ?? Math.floor(Date.now() / 86_400_000) * 86_400_000).toISOString(),
    mediaRoot,
    channels: channels.map((number, i) => ({
      number,
      name: `Real ${number}`,
      programFormat: { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } },
      playlist: playlistOf(i).map((path, k) => ({
        path,
        title: `Item ${k}`,
        fps: "30/1",
        frameCount: ((options.itemMs ?? REAL_TIMING.itemMs) / 1000) * 30,
      })),
    })),
  };
  const path = join(dir, "real-air-lineup.json");
  writeFileSync(path, JSON.stringify(lineup, null, 2));
  return path;
}

/** The real server in spawn mode with the real engine binary and the suite's timing. */
export async function startRealAirScenario(options: RealAirScenarioOptions = {}): Promise<Scenario> {
  const { binary } = realAirContext();
  const lineupPath = writeRealAirLineup(shortTempDir(), options.channels ?? [1, 2, 3], {
    ...(options.playlist !== undefined ? { playlist: options.playlist } : {}),
    ...(options.anchorMs !== undefined ? { anchorMs: options.anchorMs } : {}),
    ...(options.itemMs !== undefined ? { itemMs: options.itemMs } : {}),
  });
  return startScenario({
    spawnBinary: binary,
    lineupPath,
    minPrefeedLeadMs: REAL_TIMING.minPrefeedLeadMs,
    preloadLeadMs: REAL_TIMING.preloadLeadMs,
    teardownGraceMs: REAL_TIMING.teardownGraceMs,
    switchLateToleranceMs: REAL_TIMING.switchLateToleranceMs,
    sessionStart: options.sessionStart ?? "immediate",
    ...(options.restartBackoffMs !== undefined ? { restartBackoffMs: options.restartBackoffMs } : {}),
    argv: [
      // No spare engine: these tests count engine processes per channel. The pool is pinned
      // by the contract suite (spawn-mode-engine-pool) and measured by the tune-in benchmark.
      "--engine-pool-size", "0",
      "--engine-stop-timeout-ms", String(REAL_TIMING.engineStopTimeoutMs),
      "--engine-kill-after-ms", String(REAL_TIMING.engineKillAfterMs),
      "--engine-ready-timeout-ms", String(REAL_TIMING.engineReadyTimeoutMs),
      "--switch-answer-timeout-ms", String(REAL_TIMING.switchAnswerTimeoutMs),
      ...(options.maxTuners !== undefined ? ["--max-tuners", String(options.maxTuners)] : []),
      ...(options.argv ?? []),
    ],
  });
}
