import { PTS_WRAP } from "../mpegts/constants.js";
import { readAdtsHeader, silentAdtsFrame } from "./aac-silence.js";
import type { MediaUnit, SegmentSource } from "./media-unit.js";
import { type OutputPacket, TsMuxer } from "./ts-muxer.js";

// Where the output's first picture is presented (90 kHz); any value works, players sync to the first PCR.
const INITIAL_PTS_90 = 10 * 90_000;

/**
 * One channel's continuous output, independent of real time: the live segment's units put on
 * one timeline (each segment starts one picture after the last picture sent, so video is
 * exactly continuous), multiplexed into a queue of packets that {@link ChannelWriter} paces.
 * Audio is kept gapless across seams: a frame that would mostly overlap the audio already
 * sent is dropped, a gap of a frame or more is filled with silence, and the rest is stamped
 * right after the previous frame (at most one frame, ~21 ms, off its picture).
 */
export class OutputTimeline {
  readonly #muxer = new TsMuxer();
  #queue: OutputPacket[] = [];
  #head = 0;
  #source: SegmentSource | undefined;
  #base90 = 0;
  #nextVideo90 = INITIAL_PTS_90;
  #audioEnd90: number | undefined;

  /** True once a source is live. */
  get live(): boolean {
    return this.#source !== undefined;
  }

  /** Output time of the next packet to take (unwrapped, 27 MHz). */
  get nextTime27(): number {
    return this.#queue[this.#head]?.time27 ?? this.#muxer.lastTime27;
  }

  /**
   * Makes `source` live from the next picture not yet multiplexed (PAT/PMT, then its first
   * key picture). Returns the output PTS (90 kHz) where it starts.
   */
  switchTo(source: SegmentSource): number {
    this.#source = source;
    this.#base90 = this.#nextVideo90;
    this.#muxer.forcePsi();
    this.#emit(source.next());
    return this.#base90 % PTS_WRAP;
  }

  /** Prepares for a new reader: drops queued packets and puts PAT/PMT in front of the next unit. */
  resync(): void {
    this.#queue = [];
    this.#head = 0;
    this.#muxer.forcePsi();
  }

  /** Removes and returns the queued packets due by `time27`, multiplexing more units as needed. */
  takeUntil(time27: number): Buffer[] {
    const source = this.#source;
    if (source === undefined) return [];
    while (this.#queue.length === this.#head || (this.#queue[this.#queue.length - 1] as OutputPacket).time27 <= time27) this.#emit(source.next());
    const out: Buffer[] = [];
    while (this.#head < this.#queue.length) {
      const p = this.#queue[this.#head] as OutputPacket;
      if (p.time27 > time27) break;
      out.push(p.data);
      this.#head++;
    }
    if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }

  /** Removes and returns the next `count` packets (for tests and tools that need no pacing). */
  take(count: number): Buffer[] {
    const out: Buffer[] = [];
    while (out.length < count && this.#source !== undefined) out.push(...this.takeUntil(this.nextTime27));
    return out.slice(0, count);
  }

  /** Drops the source and every queued packet. */
  clear(): void {
    this.#source = undefined;
    this.#queue = [];
    this.#head = 0;
  }

  #emit(unit: MediaUnit): void {
    const abs: MediaUnit = { ...unit, pts90: unit.pts90 + this.#base90, dts90: unit.dts90 + this.#base90 };
    if (abs.stream === "video") {
      this.#nextVideo90 = Math.max(this.#nextVideo90, abs.pts90 + abs.dur90);
      this.#push(abs);
      return;
    }
    const end = this.#audioEnd90;
    let at = abs.pts90;
    if (end !== undefined) {
      if (abs.pts90 + abs.dur90 / 2 <= end) return; // mostly overlaps what was sent
      const format = readAdtsHeader(abs.data, 0);
      let t = end;
      for (; format !== undefined && abs.pts90 - t >= abs.dur90; t += abs.dur90) {
        this.#push({ ...abs, pts90: t, dts90: t, data: silentAdtsFrame(format) });
      }
      // Less than a frame off: stamp it right after the last one (audio stays gapless, A/V within a frame).
      at = t;
    }
    this.#push({ ...abs, pts90: at, dts90: at });
    this.#audioEnd90 = at + abs.dur90;
  }

  #push(unit: MediaUnit): void {
    for (const p of this.#muxer.mux(unit)) this.#queue.push(p);
  }
}
