import { TS_PACKET_SIZE, TS_SYNC_BYTE, findSync } from "@retrovue/core-runtime";
import { pmtPidOf, readPacketHeader, readVideoPesStart, videoStreamOf, type TsPacketHeader, type VideoStream } from "./ts-packet-fields.js";

/** Options of an {@link HlsSegmenter}; every field has a default. */
export interface HlsSegmenterOptions {
  /** EXT-X-TARGETDURATION, whole seconds (1–10). Segments are cut at the first keyframe past it. Default 2. */
  readonly targetDurationS: number;
  /** Segments listed in the playlist (3–30). Default 6. */
  readonly windowSegments: number;
}

/** Defaults of {@link HlsSegmenterOptions}. */
export const DEFAULT_HLS_SEGMENTER_OPTIONS: HlsSegmenterOptions = Object.freeze({ targetDurationS: 2, windowSegments: 6 });

/** A finished segment: whole TS packets, starting with PAT, PMT and a keyframe. */
export interface HlsSegment {
  /** Media sequence number (0, 1, 2, … for the life of the segmenter). */
  readonly sequence: number;
  /** Seconds, from the video PTS of this segment's first frame to the next one's. */
  readonly durationS: number;
  /** A splice precedes it (EXT-X-DISCONTINUITY). */
  readonly discontinuity: boolean;
  /** Discontinuity sequence number of this segment (RFC 8216 §4.3.3.3). */
  readonly discontinuitySequence: number;
  /** Cut without a keyframe because none came in time (counted in `forcedCuts`). */
  readonly forced: boolean;
  readonly bytes: Buffer;
}

/** Counters of a segmenter. */
export interface HlsSegmenterStats {
  readonly segmentsCut: number;
  readonly forcedCuts: number;
  readonly splices: number;
  readonly resyncs: number;
  readonly bytesIn: number;
}

const PTS_WRAP = 2 ** 33;
const TICKS_PER_S = 90_000;
/** A PTS step larger than this (or backwards) without a flag is a splice too. */
const MAX_PTS_STEP_TICKS = 10 * TICKS_PER_S;
/** A keyframe this close before the target still closes the segment (timestamp rounding). */
const CUT_TOLERANCE_TICKS = 4_500;

interface OpenSegment {
  readonly sequence: number;
  readonly startPts: number;
  readonly discontinuity: boolean;
  readonly forced: boolean;
  readonly parts: Buffer[];
}

const ptsDelta = (from: number, to: number): number => (((to - from) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;

/**
 * Cuts one channel's MPEG-TS into HLS segments in memory: a segment starts at a video
 * keyframe (random_access_indicator, or an IDR / IRAP NAL unit) and ends at the first
 * keyframe at least the target duration later — or at an earlier keyframe when the next
 * one would come too late for EXTINF to round to the target; only a GOP longer than
 * target + 0.5 s forces a cut without a keyframe. A splice — an adaptation-field
 * discontinuity_indicator (the StreamHub marks the first packet of each PID after a
 * restart), a PTS jump, or a gap reported with {@link markGap} — closes the open segment
 * and tags the next one EXT-X-DISCONTINUITY. Keeps the playlist window plus as many
 * segments again (RFC 8216 §6.2.2: a removed segment stays available a playlist's length).
 */
export class HlsSegmenter {
  readonly options: HlsSegmenterOptions;
  private readonly listeners = new Set<(segment: HlsSegment) => void>();
  private readonly done: HlsSegment[] = [];
  private carry: Buffer = Buffer.alloc(0);
  private pmtPid: number | undefined;
  private video: VideoStream | undefined;
  private pat: Buffer | undefined;
  private pmt: Buffer | undefined;
  private open: OpenSegment | undefined;
  private nextSequence = 0;
  private discontinuityCount = 0;
  private pendingDiscontinuity = false;
  private lastPts: number | undefined;
  private frameTicks = 3_000;
  private lastKeyframePts: number | undefined;
  /** Distance between the last two keyframes (90 kHz), once two were seen. */
  private gopTicks: number | undefined;
  private splicedPids = new Set<number>();
  private counters = { segmentsCut: 0, forcedCuts: 0, splices: 0, resyncs: 0, bytesIn: 0 };

  constructor(options: Partial<HlsSegmenterOptions> = {}) {
    this.options = resolveHlsSegmenterOptions(options);
  }

  get stats(): HlsSegmenterStats {
    return { ...this.counters };
  }

  /** Finished segments still held (the playlist window is the last `windowSegments`). */
  get segments(): readonly HlsSegment[] {
    return this.done;
  }

  /**
   * The playlist window: the newest `windowSegments` finished segments, and older held ones
   * while the window lasts less than three target durations (RFC 8216 §6.2.2: no segment is
   * removed while that would leave a shorter playlist; segments cut early at a keyframe or
   * a splice can be short).
   */
  window(): readonly HlsSegment[] {
    let start = Math.max(0, this.done.length - this.options.windowSegments);
    const minS = 3 * this.options.targetDurationS;
    let totalS = this.done.slice(start).reduce((sum, x) => sum + x.durationS, 0);
    while (start > 0 && totalS < minS) {
      start--;
      totalS += this.done[start]?.durationS ?? 0;
    }
    return this.done.slice(start);
  }

  /** A held segment by sequence number, or undefined (not cut yet, or dropped). */
  segment(sequence: number): HlsSegment | undefined {
    const first = this.done[0];
    if (first === undefined) return undefined;
    return this.done[sequence - first.sequence];
  }

  /** Calls `listener` for every segment cut from now on; returns the unsubscribe. */
  onSegment(listener: (segment: HlsSegment) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The input skipped bytes (its feed changed): what comes next is a splice. */
  markGap(): void {
    this.carry = Buffer.alloc(0);
    this.splice();
  }

  /** Feeds bytes of the channel's stream, in any chunking. */
  push(chunk: Uint8Array): void {
    this.counters.bytesIn += chunk.length;
    let buf: Buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.carry.length > 0) buf = Buffer.concat([this.carry, buf]);
    let offset = 0;
    while (offset + TS_PACKET_SIZE <= buf.length) {
      if (buf[offset] !== TS_SYNC_BYTE) {
        const next = findSync(buf, offset);
        this.counters.resyncs++;
        this.splice();
        if (next < 0) {
          offset = buf.length;
          break;
        }
        offset = next;
        continue;
      }
      this.packet(buf.subarray(offset, offset + TS_PACKET_SIZE));
      offset += TS_PACKET_SIZE;
    }
    // Copied: the caller's buffer is shared with the other viewers.
    this.carry = Buffer.from(buf.subarray(offset));
  }

  private packet(packet: Buffer): void {
    const header = readPacketHeader(packet, 0);
    if (header.discontinuity) this.flaggedSplice(header.pid);
    if (header.pid === 0) {
      const pmtPid = pmtPidOf(packet, header);
      if (pmtPid !== undefined) {
        this.pmtPid = pmtPid;
        this.pat = Buffer.from(packet);
      }
    } else if (header.pid === this.pmtPid) {
      const video = videoStreamOf(packet, header);
      if (video !== undefined) {
        this.video = video;
        this.pmt = Buffer.from(packet);
      }
    }
    if (this.video !== undefined && header.pid === this.video.pid && header.payloadUnitStart) {
      this.videoPesStart(packet, header, this.video);
    }
    this.open?.parts.push(Buffer.from(packet));
  }

  private videoPesStart(packet: Buffer, header: TsPacketHeader, video: VideoStream): void {
    const pes = readVideoPesStart(packet, header, video.streamType);
    if (pes?.ptsTicks === undefined) return;
    const pts = pes.ptsTicks;
    if (this.lastPts !== undefined) {
      const step = ptsDelta(this.lastPts, pts);
      if (step > MAX_PTS_STEP_TICKS) this.splice(); // backwards (wraps to huge) or a jump
      else if (step > 0 && step < this.frameTicks * 4) this.frameTicks = step;
    }
    this.lastPts = pts;
    if (pes.keyframe) {
      const gop = this.lastKeyframePts === undefined ? undefined : ptsDelta(this.lastKeyframePts, pts);
      if (gop !== undefined && gop > 0 && gop < MAX_PTS_STEP_TICKS) this.gopTicks = gop;
      this.lastKeyframePts = pts;
    }
    const open = this.open;
    if (open === undefined) {
      if (pes.keyframe) this.begin(pts, false);
      return;
    }
    const elapsed = ptsDelta(open.startPts, pts);
    const target = this.options.targetDurationS * TICKS_PER_S;
    // EXTINF must round to at most the target (§4.3.3.1): stay under target + 0.5 s.
    const limit = target + TICKS_PER_S / 2;
    // Cut at a keyframe past the target, or at an earlier one when waiting for the next
    // (one more GOP, with 10 % slack for an uneven GOP) would overshoot the limit: an engine
    // with 1.25 s GOPs gets 1.25 s segments rather than cuts without a keyframe.
    const nextKeyframeTooLate = this.gopTicks !== undefined && elapsed + this.gopTicks * 1.1 >= limit;
    if (pes.keyframe && elapsed > 0 && (elapsed >= target - CUT_TOLERANCE_TICKS || nextKeyframeTooLate)) {
      this.finish(elapsed);
      this.begin(pts, false);
    } else if (elapsed + this.frameTicks >= limit) {
      // One more frame and EXTINF would round above the target duration (§4.3.3.1): cut now.
      this.finish(elapsed);
      this.begin(pts, true);
    }
  }

  private begin(pts: number, forced: boolean): void {
    const discontinuity = this.pendingDiscontinuity && this.done.length > 0;
    this.pendingDiscontinuity = false;
    const parts = [this.pat, this.pmt].filter((p): p is Buffer => p !== undefined).map((p) => Buffer.from(p));
    this.open = { sequence: this.nextSequence++, startPts: pts, discontinuity, forced, parts };
  }

  private finish(durationTicks: number): void {
    const open = this.open;
    this.open = undefined;
    if (open === undefined || durationTicks <= 0) return;
    if (open.discontinuity) this.discontinuityCount++;
    const segment: HlsSegment = {
      sequence: open.sequence,
      durationS: durationTicks / TICKS_PER_S,
      discontinuity: open.discontinuity,
      discontinuitySequence: this.discontinuityCount,
      forced: open.forced,
      bytes: Buffer.concat(open.parts),
    };
    this.counters.segmentsCut++;
    if (open.forced) this.counters.forcedCuts++;
    this.done.push(segment);
    // Held: the window plus as many again, and always three target durations' worth past
    // the window's own minimum (a removed segment stays fetchable a playlist's length).
    const holdS = 6 * this.options.targetDurationS + this.options.targetDurationS;
    while (this.done.length > this.options.windowSegments * 2 + 1 && this.heldSecondsAfterFirst() >= holdS) this.done.shift();
    for (const listener of [...this.listeners]) listener(segment);
  }

  /** Seconds held beyond the oldest held segment. */
  private heldSecondsAfterFirst(): number {
    return this.done.slice(1).reduce((sum, x) => sum + x.durationS, 0);
  }

  /**
   * A discontinuity_indicator: the hub flags the first packet of every PID after a splice,
   * so flags on PIDs not yet flagged belong to the same splice; a PID flagged twice starts
   * a new one.
   */
  private flaggedSplice(pid: number): void {
    if (this.splicedPids.size > 0 && !this.splicedPids.has(pid)) {
      this.splicedPids.add(pid);
      return;
    }
    this.splicedPids = new Set([pid]);
    this.splice();
  }

  /** Closes the open segment at the last frame seen; the next segment (at a keyframe) is tagged. */
  private splice(): void {
    const open = this.open;
    if (open !== undefined && this.lastPts !== undefined) this.finish(ptsDelta(open.startPts, this.lastPts) + this.frameTicks);
    this.open = undefined;
    this.lastPts = undefined;
    this.lastKeyframePts = undefined;
    this.pendingDiscontinuity = true;
    this.counters.splices++;
  }
}

/**
 * Fills defaults and checks ranges once.
 * @throws RangeError naming the option.
 */
export function resolveHlsSegmenterOptions(options: Partial<HlsSegmenterOptions> = {}): HlsSegmenterOptions {
  const resolved = { ...DEFAULT_HLS_SEGMENTER_OPTIONS, ...options };
  if (!Number.isInteger(resolved.targetDurationS) || resolved.targetDurationS < 1 || resolved.targetDurationS > 10) {
    throw new RangeError(`HlsSegmenterOptions.targetDurationS must be an integer in [1, 10], got ${resolved.targetDurationS}`);
  }
  if (!Number.isInteger(resolved.windowSegments) || resolved.windowSegments < 3 || resolved.windowSegments > 30) {
    throw new RangeError(`HlsSegmenterOptions.windowSegments must be an integer in [3, 30], got ${resolved.windowSegments}`);
  }
  return Object.freeze(resolved);
}
