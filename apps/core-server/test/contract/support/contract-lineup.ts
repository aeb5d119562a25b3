import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The sample media shipped with the server (real MPEG-TS clips). */
export const SAMPLE_MEDIA_ROOT = fileURLToPath(new URL("../../../media", import.meta.url));

const ASSETS = ["ch1/bars.ts", "ch1/test-card.ts", "ch2/pattern.ts", "ch2/rgb.ts"] as const;

/** Options of {@link writeContractLineup}. */
export interface ContractLineupOptions {
  /** Channel numbers to define. Default [1, 2, 3, 4]. */
  readonly channels?: readonly number[];
  /**
   * Where the looping grid starts (epoch ms, ms precision). With `segmentMs` it places every
   * scheduled boundary at anchor + k × segmentMs, so a test can put one where it wants.
   * Default: midnight UTC of today.
   */
  readonly anchorMs?: number;
  /**
   * Length of each of a channel's two segments, ms. Default one day: no scheduled boundary
   * falls inside a test, so between boundaries a channel rests in LIVE.
   */
  readonly segmentMs?: number;
}

/**
 * Writes a lineup (contract A) into `dir` whose channels play the sample clips (the engine
 * loops a clip over a longer segment) and returns its path.
 */
export function writeContractLineup(dir: string, options: ContractLineupOptions = {}): string {
  const channels = options.channels ?? [1, 2, 3, 4];
  const segmentMs = options.segmentMs ?? 86_400_000;
  const anchorMs = options.anchorMs ?? Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const lineup = {
    version: 1,
    anchor: new Date(anchorMs).toISOString(),
    mediaRoot: SAMPLE_MEDIA_ROOT,
    channels: channels.map((number, i) => ({
      number,
      name: `Contract ${number}`,
      programFormat: { video: { width: 320, height: 240, frameRate: "30/1" }, audio: { sampleRate: 48000, channels: 2 } },
      playlist: [0, 1].map((k) => ({
        path: ASSETS[(i * 2 + k) % ASSETS.length],
        title: `Segment ${k}`,
        fps: "30/1",
        durationMs: segmentMs,
      })),
    })),
  };
  const path = join(dir, "lineup.json");
  writeFileSync(path, JSON.stringify(lineup, null, 2));
  return path;
}
