import type { ProgramFormat } from "../ports/program-format.js";
import type { ScheduledSegment, ScheduleSource } from "../ports/schedule-source.js";
import { UnknownChannelError } from "../ports/unknown-channel-error.js";
import type { Lineup, LineupChannel } from "./lineup-types.js";
import { resolveMediaPath } from "./media-path.js";
import { posix } from "node:path";

/** Most segments one `segmentsBetween` call returns; a wider window throws RangeError. */
export const MAX_SEGMENTS_PER_QUERY = 100_000;

/** Options of {@link createLineupSchedule}. */
export interface LineupScheduleOptions {
  /**
   * Absolute directory asset paths resolve under (segments then carry absolute paths).
   * @default the lineup's own `mediaRoot` joined as written (relative paths)
   */
  readonly mediaRoot?: string;
}

/** A {@link ScheduleSource} over a lineup, plus the lineup itself for channel listings. */
export interface LineupSchedule extends ScheduleSource {
  readonly lineup: Lineup;
  /** The channel's lineup entry. Throws UnknownChannelError. */
  channel(channelNumber: number): LineupChannel;
}

interface ChannelGrid {
  readonly channel: LineupChannel;
  /** prefix[i] = offset of item i in the loop; prefix[n] = cycle. */
  readonly prefix: readonly number[];
  readonly assetPaths: readonly string[];
  readonly fallbackPath: string | undefined;
}

/**
 * Builds the deterministic grid of a lineup: each channel's playlist loops forever from
 * the anchor (also backwards before it), so every boundary is an integer epoch ms and
 * the same question always gets the same answer. Pure apart from path joining.
 */
export function createLineupSchedule(lineup: Lineup, options: LineupScheduleOptions = {}): LineupSchedule {
  const grids = new Map<number, ChannelGrid>();
  for (const channel of lineup.channels) {
    const prefix = [0];
    for (const asset of channel.playlist) prefix.push(prefix[prefix.length - 1]! + asset.durationMs);
    const assetPaths = channel.playlist.map((asset) =>
      options.mediaRoot !== undefined ? resolveMediaPath(options.mediaRoot, asset.path) : posix.join(lineup.mediaRoot, asset.path),
    );
    const resolve = (path: string): string =>
      options.mediaRoot !== undefined ? resolveMediaPath(options.mediaRoot, path) : posix.join(lineup.mediaRoot, path);
    grids.set(channel.number, { channel, prefix, assetPaths, fallbackPath: channel.fallback === undefined ? undefined : resolve(channel.fallback) });
  }
  const numbers = [...grids.keys()].sort((a, b) => a - b);

  function grid(channelNumber: number): ChannelGrid {
    const g = grids.get(channelNumber);
    if (g === undefined) throw new UnknownChannelError(channelNumber);
    return g;
  }

  function segmentAt(channelNumber: number, atMs: number): ScheduledSegment {
    const g = grid(channelNumber);
    if (!Number.isFinite(atMs)) throw new RangeError(`segmentAt: instant must be finite, got ${atMs}`);
    const { channel, prefix } = g;
    const cycle = channel.cycleMs;
    const rel = atMs - lineup.anchorMs;
    const loop = Math.floor(rel / cycle);
    const pos = rel - loop * cycle;
    // Largest i with prefix[i] <= pos.
    let lo = 0;
    let hi = channel.playlist.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (prefix[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    const asset = channel.playlist[lo]!;
    const startMs = lineup.anchorMs + loop * cycle + prefix[lo]!;
    const segment: { -readonly [K in keyof ScheduledSegment]: ScheduledSegment[K] } = {
      channelNumber,
      sequence: loop * channel.playlist.length + lo,
      assetPath: g.assetPaths[lo]!,
      title: asset.title,
      startMs,
      endMs: startMs + asset.durationMs,
      fps: asset.fps,
      assetStartFrame: 0,
      frameCount: asset.frameCount,
    };
    if (asset.description !== undefined) segment.description = asset.description;
    if (asset.category !== undefined) segment.category = asset.category;
    return segment;
  }

  return {
    lineup,
    channel: (channelNumber) => grid(channelNumber).channel,
    channelNumbers: () => numbers,
    programFormat: (channelNumber): ProgramFormat => grid(channelNumber).channel.programFormat,
    fallbackAssetPath: (channelNumber) => grid(channelNumber).fallbackPath,
    segmentAt,
    segmentsBetween(channelNumber, fromMs, toMs) {
      const out: ScheduledSegment[] = [];
      if (!(toMs > fromMs)) {
        grid(channelNumber);
        return out;
      }
      for (let s = segmentAt(channelNumber, fromMs); s.startMs < toMs; s = segmentAt(channelNumber, s.endMs)) {
        if (out.length >= MAX_SEGMENTS_PER_QUERY) {
          throw new RangeError(`segmentsBetween: more than ${MAX_SEGMENTS_PER_QUERY} segments in [${fromMs}, ${toMs})`);
        }
        out.push(s);
      }
      return out;
    },
  };
}
