import type { ProgramFormat } from "./program-format.js";
import type { Rational } from "./rational.js";

/** One scheduled item on a channel's grid: an asset played from `assetStartFrame`. */
export interface ScheduledSegment {
  readonly channelNumber: number;
  /** Position on the channel's grid since its anchor; strictly increasing in time. */
  readonly sequence: number;
  readonly assetPath: string;
  readonly title: string;
  readonly description?: string;
  readonly category?: string;
  /** Epoch ms at which the segment starts (a boundary). */
  readonly startMs: number;
  /** Epoch ms at which it ends: the next boundary. Always > startMs. */
  readonly endMs: number;
  readonly fps: Rational;
  /** Frame of the asset played at `startMs`. */
  readonly assetStartFrame: number;
  /** Frames played from `assetStartFrame` to `endMs`. */
  readonly frameCount: number;
}

/**
 * The schedule port: what plays on a channel at any instant. Deterministic: the same
 * question always gets the same answer, so Core can plan boundaries ahead.
 */
export interface ScheduleSource {
  /** Channel numbers this schedule knows, ascending. */
  channelNumbers(): readonly number[];
  /** The channel's output format. Throws `UnknownChannelError` for an unknown channel. */
  programFormat(channelNumber: number): ProgramFormat;
  /** The segment playing at `atMs` (startMs <= atMs < endMs). Throws for an unknown channel. */
  segmentAt(channelNumber: number, atMs: number): ScheduledSegment;
  /** Segments overlapping [fromMs, toMs), in order (for guides). Throws for an unknown channel. */
  segmentsBetween(channelNumber: number, fromMs: number, toMs: number): ScheduledSegment[];
  /**
   * Optional: the channel's fallback clip (an absolute media path), played instead of an item
   * whose media the engine cannot play; undefined when the channel has none.
   */
  fallbackAssetPath?(channelNumber: number): string | undefined;
}
