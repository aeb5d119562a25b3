import { spawnSync } from "node:child_process";
import { MEDIA_PROBE_RUNNER_SOURCE, type MediaProbe } from "./media-probe-runner.js";

/** Options of {@link probeMediaFiles}. */
export interface ProbeMediaFilesOptions {
  /** ffprobe executable. */
  readonly ffprobePath: string;
  /** ffprobe processes at a time. */
  readonly concurrency: number;
  /** Per ffprobe run, ms. */
  readonly timeoutMs: number;
}

/** True when `ffprobePath -version` runs. */
export function ffprobeAvailable(ffprobePath: string): boolean {
  const r = spawnSync(ffprobePath, ["-version"], { stdio: "ignore", timeout: 10_000 });
  return r.error === undefined && r.status === 0;
}

/**
 * Probes `files` with ffprobe, in parallel (bounded), and waits for all of them. Synchronous:
 * it runs a small Node program (see {@link MEDIA_PROBE_RUNNER_SOURCE}) with `spawnSync`.
 * @throws Error when the runner itself fails (not for a file ffprobe cannot read: that is a result).
 */
export function probeMediaFiles(files: readonly string[], options: ProbeMediaFilesOptions): Map<string, MediaProbe> {
  if (files.length === 0) return new Map();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", MEDIA_PROBE_RUNNER_SOURCE], {
    input: JSON.stringify({ ffprobe: options.ffprobePath, files, concurrency: options.concurrency, timeoutMs: options.timeoutMs }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined || r.status !== 0) throw new Error(`media probe failed: ${r.error?.message ?? r.stderr.trim()}`);
  return new Map(Object.entries(JSON.parse(r.stdout) as Record<string, MediaProbe>));
}
