import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { LineupError, checkMediaPath, parseLineupJson, resolveMediaPath, type Lineup } from "@retrovue/core-runtime";

/** One problem found in a lineup file, with where it is. */
export interface LineupProblem {
  readonly location: string;
  readonly message: string;
}

/** The outcome of {@link checkLineupFile}: every problem at once, and the lineup when it parsed. */
export interface LineupCheck {
  readonly file: string;
  readonly problems: readonly LineupProblem[];
  readonly lineup?: Lineup;
  readonly mediaRoot?: string;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks a lineup file as the server will at start: core-runtime's parser (contract A:
 * every schema problem at once), then every media file and logo file on disk under the
 * media root. Never throws for a bad file: problems are returned.
 */
export function checkLineupFile(filePath: string): LineupCheck {
  const file = resolve(filePath);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return { file, problems: [{ location: "$", message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "EIO"})` }] };
  }
  let lineup: Lineup;
  try {
    lineup = parseLineupJson(text, file);
  } catch (error) {
    if (!(error instanceof LineupError)) throw error;
    return { file, problems: error.issues.map((i) => ({ location: i.location, message: i.message })) };
  }
  const mediaRoot = resolve(dirname(file), lineup.mediaRoot);
  const problems: LineupProblem[] = [];
  lineup.channels.forEach((channel, c) => {
    channel.playlist.forEach((asset, a) => {
      const path = resolveMediaPath(mediaRoot, asset.path);
      if (!isFile(path)) problems.push({ location: `channels[${c}].playlist[${a}].path`, message: `no such media file ${path}` });
    });
    const logo = channel.logo;
    // URLs and "/paths" are published as written; anything else names a file under the media root.
    if (logo !== undefined && !/^https?:\/\//i.test(logo) && !logo.startsWith("/")) {
      const checked = checkMediaPath(logo);
      if (!checked.ok) problems.push({ location: `channels[${c}].logo`, message: checked.reason });
      else if (!isFile(resolveMediaPath(mediaRoot, checked.path))) {
        problems.push({ location: `channels[${c}].logo`, message: `no such logo file ${resolveMediaPath(mediaRoot, checked.path)}` });
      }
    }
  });
  return { file, problems, lineup, mediaRoot };
}
