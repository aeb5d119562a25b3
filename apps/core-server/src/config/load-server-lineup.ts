import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  LineupError,
  createLineupSchedule,
  parseLineupJson,
  resolveMediaPath,
  type Lineup,
  type LineupSchedule,
} from "@retrovue/core-runtime";
import { classifyLogo } from "../guide/channel-logo.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { checkLineupMedia, type LineupMediaCheckOptions, type MediaCheckItem } from "./lineup-media-check.js";

/** Why a channel's `logo` cannot be served (a file logo must exist under the media root), or undefined. */
function checkLogo(logo: string | undefined, mediaRoot: string): string | undefined {
  if (logo === undefined) return undefined;
  const source = classifyLogo(logo);
  if (source.kind === "invalid") return source.reason;
  if (source.kind === "url") return undefined;
  const path = resolveMediaPath(mediaRoot, source.path);
  try {
    if (statSync(path).isFile()) return undefined;
  } catch {
    // Reported below.
  }
  return `no such logo file ${path}`;
}

/** The lineup the server plays: parsed, checked against the disk, with its schedule. */
export interface ServerLineup {
  /** Absolute path of the lineup file. */
  readonly filePath: string;
  /** Absolute media root (the lineup's `mediaRoot` resolved against the file's directory). */
  readonly mediaRoot: string;
  readonly lineup: Lineup;
  /** The looping grids; asset paths come out absolute (under `mediaRoot`). */
  readonly schedule: LineupSchedule;
  /** First 16 hex digits of the file's SHA-256: changes whenever the file does (cache keys). */
  readonly version: string;
}

const OPTION = "--lineup / RETROVUE_LINEUP";

/** Options of {@link loadServerLineup}. */
export interface LoadServerLineupOptions {
  /**
   * The media check (ffprobe): `error` reports a file the engine cannot play, or one shorter
   * than its item, with the lineup's other problems; `warn` only warns; `off` skips it.
   * @default "error"
   */
  readonly mediaCheck?: "error" | "warn" | "off";
  /** ffprobe path, parallelism, cache file. */
  readonly probe?: LineupMediaCheckOptions;
  /** Where warnings go (ffprobe missing; media problems in `warn` mode). Default: one line on stderr each. */
  readonly warn?: (message: string) => void;
}

const warnOnStderr = (message: string): void => {
  process.stderr.write(`retrovue: warning: ${message}\n`);
};

/**
 * Reads and validates the lineup file (contract A, via core-runtime) and checks that every
 * asset exists under the media root and (with ffprobe, see {@link checkLineupMedia}) is media
 * the engine plays, at least as long as its item, so a broken lineup fails at start with a
 * clear message instead of at the first tune-in. Synchronous: it runs once, before listening.
 *
 * @throws ConfigError with one problem per lineup issue (`channels[2].playlist[0].fps: …`),
 *   per missing media file and per media problem, all at once.
 */
export function loadServerLineup(filePath: string, options: LoadServerLineupOptions = {}): ServerLineup {
  const absolute = resolve(filePath);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    throw new ConfigError([{ option: OPTION, message: `cannot read ${absolute} (${(error as NodeJS.ErrnoException).code ?? "EIO"})` }]);
  }
  let lineup: Lineup;
  try {
    lineup = parseLineupJson(text, absolute);
  } catch (error) {
    if (!(error instanceof LineupError)) throw error;
    throw new ConfigError(error.issues.map((issue) => ({ option: OPTION, message: `${absolute} ${issue.location}: ${issue.message}` })));
  }
  const mediaRoot = resolve(dirname(absolute), lineup.mediaRoot);
  const missing: ConfigProblem[] = [];
  const present: MediaCheckItem[] = [];
  lineup.channels.forEach((channel, c) => {
    channel.playlist.forEach((asset, a) => {
      const path = resolveMediaPath(mediaRoot, asset.path);
      let isFile = false;
      try {
        isFile = statSync(path).isFile();
      } catch {
        // Reported below.
      }
      if (!isFile) missing.push({ option: OPTION, message: `channels[${c}].playlist[${a}].path: no such media file ${path}` });
      else present.push({ location: `channels[${c}].playlist[${a}]`, path, frameCount: asset.frameCount });
    });
    const logoProblem = checkLogo(channel.logo, mediaRoot);
    if (logoProblem !== undefined) missing.push({ option: OPTION, message: `channels[${c}].logo: ${logoProblem}` });
  });
  const mode = options.mediaCheck ?? "error";
  const warn = options.warn ?? warnOnStderr;
  if (mode !== "off") {
    const media = checkLineupMedia(present, options.probe);
    if (media.warning !== undefined) warn(media.warning);
    const problems = media.problems.map((p) => ({ option: OPTION, message: `${p.location}: ${p.message}` }));
    if (mode === "error") missing.push(...problems);
    else for (const p of problems) warn(`lineup ${absolute} ${p.message}`);
  }
  if (missing.length > 0) throw new ConfigError(missing);
  return {
    filePath: absolute,
    mediaRoot,
    lineup,
    schedule: createLineupSchedule(lineup, { mediaRoot }),
    version: createHash("sha256").update(text).digest("hex").slice(0, 16),
  };
}
