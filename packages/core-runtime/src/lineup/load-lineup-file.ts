import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LineupError } from "./lineup-error.js";
import type { Lineup } from "./lineup-types.js";
import { parseLineupJson } from "./parse-lineup.js";

/** A lineup read from disk, with its media root resolved against the file's directory. */
export interface LoadedLineup {
  readonly lineup: Lineup;
  /** Absolute path of the lineup file. */
  readonly filePath: string;
  /** Absolute media root: the lineup's `mediaRoot` resolved against the file's directory. */
  readonly mediaRoot: string;
}

/**
 * Reads and validates a lineup JSON file — the one place core-runtime touches the file
 * system. Throws {@link LineupError}: location "$" when the file cannot be read or is not
 * JSON, the offending field otherwise.
 */
export async function loadLineupFile(filePath: string): Promise<LoadedLineup> {
  const absolute = resolve(filePath);
  let text: string;
  try {
    text = await readFile(absolute, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    throw new LineupError([{ location: "$", message: `cannot read the file (${code})` }], absolute, { cause: error });
  }
  const lineup = parseLineupJson(text, absolute);
  return { lineup, filePath: absolute, mediaRoot: resolve(dirname(absolute), lineup.mediaRoot) };
}
