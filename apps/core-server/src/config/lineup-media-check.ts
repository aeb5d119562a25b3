import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { MediaProbe } from "./media-probe-runner.js";
import { ffprobeAvailable, probeMediaFiles } from "./probe-media-files.js";

/** One playlist item to check: where it is in the lineup, its file, the frames it must have. */
export interface MediaCheckItem {
  /** Lineup location, e.g. `channels[0].playlist[1]`. */
  readonly location: string;
  /** Absolute path of an existing file. */
  readonly path: string;
  readonly frameCount: number;
}

/** A media problem, located like a lineup issue. */
export interface MediaCheckProblem {
  /** e.g. `channels[0].playlist[1].path` */
  readonly location: string;
  readonly message: string;
}

/** Options of {@link checkLineupMedia}. */
export interface LineupMediaCheckOptions {
  /** @default "ffprobe" (from PATH) */
  readonly ffprobePath?: string;
  /** ffprobe runs at a time. @default 4 */
  readonly concurrency?: number;
  /** Per ffprobe run, ms. @default 120000 */
  readonly timeoutMs?: number;
  /**
   * Probe cache (JSON, keyed by path, reused while size and mtime match); `null` for none.
   * @default `$XDG_CACHE_HOME/retrovue/lineup-media-probe.json` (else `~/.cache/…`)
   */
  readonly cacheFile?: string | null;
}

/** What the check found: problems, and a warning when it could not run. */
export interface LineupMediaCheckResult {
  readonly problems: readonly MediaCheckProblem[];
  /** Set when ffprobe is missing and some file could not be checked. */
  readonly warning?: string;
  /** Files probed now (not answered from the cache). */
  readonly probed: number;
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  probe: MediaProbe;
}
const CACHE_VERSION = 1;

/** The default probe cache path. */
export function defaultMediaProbeCacheFile(): string {
  const base = process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache");
  return join(base, "retrovue", "lineup-media-probe.json");
}

function readCache(file: string | null): Map<string, CacheEntry> {
  if (file === null) return new Map();
  try {
    const doc = JSON.parse(readFileSync(file, "utf8")) as { version?: number; entries?: Record<string, CacheEntry> };
    return doc.version === CACHE_VERSION && doc.entries !== undefined ? new Map(Object.entries(doc.entries)) : new Map();
  } catch {
    return new Map(); // none yet, or unreadable: probe again
  }
}

function writeCache(file: string | null, entries: Map<string, CacheEntry>): void {
  if (file === null) return;
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, entries: Object.fromEntries(entries) }));
    renameSync(tmp, file); // atomic: two servers starting at once never read half a file
  } catch {
    // A cache that cannot be written only costs the next start a probe.
  }
}

/** Why a probed file is not what the engine plays, or undefined when it is. */
function formatProblem(probe: MediaProbe): string | undefined {
  if (!probe.ok) return `cannot be read as media (ffprobe: ${probe.error})`;
  const formats = probe.format.split(",");
  const container = formats.includes("mpegts") || formats.includes("mp4") || formats.includes("mov");
  if (container && probe.video === "h264" && probe.audio === "aac") return undefined;
  return `is not MPEG-TS or MP4 with H.264 video and AAC audio (found: ${probe.format || "unknown"} container, video ${probe.video ?? "none"}, audio ${probe.audio ?? "none"})`;
}

/**
 * Checks every item's file with ffprobe: MPEG-TS or MP4 holding H.264 and AAC, and at least
 * the item's `frameCount` frames (the engine pads black after a file's end). Files are probed
 * in parallel (bounded) and cached by path, size and mtime, so a restart only stats them.
 * Without ffprobe it checks nothing and returns a one-line warning.
 */
export function checkLineupMedia(items: readonly MediaCheckItem[], options: LineupMediaCheckOptions = {}): LineupMediaCheckResult {
  const cacheFile = options.cacheFile === undefined ? defaultMediaProbeCacheFile() : options.cacheFile;
  const cache = readCache(cacheFile);
  const stats = new Map<string, { size: number; mtimeMs: number }>();
  for (const item of items) {
    if (stats.has(item.path)) continue;
    try {
      const s = statSync(item.path);
      stats.set(item.path, { size: s.size, mtimeMs: s.mtimeMs });
    } catch {
      // Missing files are reported by the caller.
    }
  }
  const stale = [...stats].filter(([path, s]) => {
    const hit = cache.get(path);
    return hit === undefined || hit.size !== s.size || hit.mtimeMs !== s.mtimeMs;
  });
  const ffprobe = options.ffprobePath ?? "ffprobe";
  if (stale.length > 0) {
    if (!ffprobeAvailable(ffprobe)) {
      return {
        problems: [],
        probed: 0,
        warning: `ffprobe (${ffprobe}) was not found, so the lineup's media formats and lengths were not checked; install ffmpeg to check them at load.`,
      };
    }
    const probes = probeMediaFiles(
      stale.map(([path]) => path),
      { ffprobePath: ffprobe, concurrency: options.concurrency ?? 4, timeoutMs: options.timeoutMs ?? 120_000 },
    );
    for (const [path, s] of stale) {
      const probe = probes.get(path);
      if (probe !== undefined) cache.set(path, { ...s, probe });
    }
    writeCache(cacheFile, cache);
  }
  const problems: MediaCheckProblem[] = [];
  for (const item of items) {
    const probe = stats.has(item.path) ? cache.get(item.path)?.probe : undefined;
    if (probe === undefined) continue;
    const bad = formatProblem(probe);
    if (bad !== undefined) {
      problems.push({ location: `${item.location}.path`, message: `${item.path} ${bad}` });
    } else if (probe.ok && probe.frames !== null && probe.frames < item.frameCount) {
      problems.push({
        location: `${item.location}.frameCount`,
        message: `${item.path} has ${probe.frames} frames, fewer than the item's ${item.frameCount} (the engine would show black for the rest)`,
      });
    }
  }
  return { problems, probed: stale.length };
}
