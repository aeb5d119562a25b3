import type { ProgramFormat } from "../ports/program-format.js";
import type { Rational } from "../ports/rational.js";

/** One playlist item of a channel, validated. Both length fields are always set. */
export interface LineupAsset {
  /** Media path relative to the media root, normalised POSIX ("ch1/bars.ts"); never escapes the root. */
  readonly path: string;
  readonly title: string;
  readonly description?: string;
  readonly category?: string;
  readonly fps: Rational;
  /** Frames played: as written, or floor(durationMs × fps / 1000). */
  readonly frameCount: number;
  /** Length on the grid in integer ms: as written, or round(frameCount × 1000 / fps). */
  readonly durationMs: number;
}

/** One channel of the lineup: its identity, output format and looping playlist. */
export interface LineupChannel {
  /** Channel number, a positive integer unique in the lineup. */
  readonly number: number;
  readonly name: string;
  readonly group?: string;
  /** Logo URL (for guides). */
  readonly logo?: string;
  /** Clip (path under the media root, checked like playlist paths) played instead of an item whose media fails. */
  readonly fallback?: string;
  readonly programFormat: ProgramFormat;
  readonly playlist: readonly LineupAsset[];
  /** One loop of the playlist, ms (sum of the items' durationMs). */
  readonly cycleMs: number;
}

/** A validated lineup file (CONTRACTS.md section A). */
export interface Lineup {
  readonly version: 1;
  /** The anchor as written (ISO UTC). */
  readonly anchor: string;
  /** Epoch ms every channel's loop starts from. */
  readonly anchorMs: number;
  /** Media root as written (relative to the lineup file unless absolute); default ".". */
  readonly mediaRoot: string;
  /** Channels in file order. */
  readonly channels: readonly LineupChannel[];
}
