import { UnknownChannelError, type ProgramFormat, type ScheduledSegment, type ScheduleSource } from "../../src/index.js";

export const TEST_FORMAT: ProgramFormat = {
  video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } },
  audio: { sampleRate: 48000, channels: 2 },
};

/**
 * A schedule of equal segments (`segmentMs`, 30 fps) from `anchorMs`, cycling through
 * `assets`. `override` lets a test change answers mid-run (plan-mismatch tests).
 */
export class FixedSchedule implements ScheduleSource {
  override: ((channelNumber: number, atMs: number, normal: ScheduledSegment) => ScheduledSegment) | undefined;
  /** The channel's fallback clip, if a test gives one. */
  fallback: string | undefined;

  constructor(
    readonly channelNumber = 1,
    readonly segmentMs = 30_000,
    /** Mutable so a test can move the grid mid-run. */
    public anchorMs = 0,
    readonly assets: readonly string[] = ["a.ts", "b.ts", "c.ts"],
  ) {}

  channelNumbers(): readonly number[] {
    return [this.channelNumber];
  }

  programFormat(channelNumber: number): ProgramFormat {
    this.check(channelNumber);
    return TEST_FORMAT;
  }

  segmentAt(channelNumber: number, atMs: number): ScheduledSegment {
    this.check(channelNumber);
    const sequence = Math.floor((atMs - this.anchorMs) / this.segmentMs);
    const startMs = this.anchorMs + sequence * this.segmentMs;
    const index = ((sequence % this.assets.length) + this.assets.length) % this.assets.length;
    const normal: ScheduledSegment = {
      channelNumber,
      sequence,
      assetPath: `/media/${this.assets[index]}`,
      title: `item ${sequence}`,
      startMs,
      endMs: startMs + this.segmentMs,
      fps: { numerator: 30, denominator: 1 },
      assetStartFrame: 0,
      frameCount: (this.segmentMs * 30) / 1000,
    };
    return this.override ? this.override(channelNumber, atMs, normal) : normal;
  }

  fallbackAssetPath(channelNumber: number): string | undefined {
    this.check(channelNumber);
    return this.fallback;
  }

  segmentsBetween(channelNumber: number, fromMs: number, toMs: number): ScheduledSegment[] {
    const out: ScheduledSegment[] = [];
    for (let s = this.segmentAt(channelNumber, fromMs); s.startMs < toMs; s = this.segmentAt(channelNumber, s.endMs)) out.push(s);
    return out;
  }

  private check(channelNumber: number): void {
    if (channelNumber !== this.channelNumber) throw new UnknownChannelError(channelNumber);
  }
}
