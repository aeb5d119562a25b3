import type { SegmentSource, SourcePacket } from "./segment-source.js";
import { type OutputPacket, TsRewriter } from "./ts-rewriter.js";

// A splice waits at most this many packets of the old source for a frame start.
const MAX_SPLICE_WAIT_PACKETS = 5_000;
// Packets one fill may pull from a source (guards against a source whose time stands still).
const MAX_PACKETS_PER_FILL = 50_000;

/**
 * One channel's continuous output, independent of real time: the live source, the rewriter and
 * a queue of rewritten packets ordered by output time. {@link ChannelWriter} paces it.
 */
export class OutputTimeline {
  readonly #rewriter = new TsRewriter();
  #queue: OutputPacket[] = [];
  #head = 0;
  #source: SegmentSource | undefined;

  /** True once a source is live. */
  get live(): boolean {
    return this.#source !== undefined;
  }

  /** Output time of the next packet to take (unwrapped, 27 MHz). */
  get nextTime27(): number {
    return this.#queue[this.#head]?.time27 ?? this.#rewriter.lastTime27;
  }

  /**
   * Makes `source` live. The old source plays on to its next frame start (a clean splice), then
   * `source` follows on the same timeline. Returns the output PTS (90 kHz) where `source` starts.
   */
  switchTo(source: SegmentSource): number {
    const old = this.#source;
    if (old?.spliceOut !== undefined) {
      for (const packet of old.spliceOut()) this.#enqueue(old, packet);
    } else if (old !== undefined) {
      for (let n = 0; n < MAX_SPLICE_WAIT_PACKETS && !old.peek().frameStart; n++) this.#enqueue(old, old.next());
    }
    this.#source = source;
    this.#enqueue(source, source.next());
    return this.#rewriter.runStartPts90;
  }

  /**
   * Prepares for a new reader: drops queued packets, skips the source to its next frame start,
   * and makes PAT and PMT come first, so the reader starts at a clean point.
   */
  resync(): void {
    this.#queue = [];
    this.#head = 0;
    const source = this.#source;
    if (source !== undefined) {
      for (let n = 0; n < MAX_SPLICE_WAIT_PACKETS && !source.peek().frameStart; n++) source.next();
    }
    this.#rewriter.forcePsi();
  }

  /** Removes and returns the queued packets due by `time27`, pulling from the source as needed. */
  takeUntil(time27: number): Buffer[] {
    const source = this.#source;
    if (source === undefined) return [];
    for (let n = 0; n < MAX_PACKETS_PER_FILL; n++) {
      const last = this.#queue[this.#queue.length - 1];
      if (last !== undefined && this.#queue.length > this.#head && last.time27 > time27) break;
      this.#enqueue(source, source.next());
    }
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

  #enqueue(source: SegmentSource, packet: SourcePacket): void {
    for (const p of this.#rewriter.rewrite(packet, source.program)) this.#queue.push(p);
  }
}
