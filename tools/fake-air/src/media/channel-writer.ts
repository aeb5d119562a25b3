import type { Writable } from "node:stream";
import { PCR_HZ } from "../mpegts/constants.js";
import type { SegmentSource } from "./segment-source.js";
import { type OutputPacket, TsRewriter } from "./ts-rewriter.js";

/** Options of {@link ChannelWriter}. */
export interface ChannelWriterOptions {
  /** Pacing period, ms. @default 20 */
  tickMs: number;
  /** How far output runs ahead of real time, ms (a small cushion for the reader). @default 100 */
  prerollMs: number;
  /** Unsent bytes in the sink above which a tick writes nothing (a slow reader). @default 4 MiB */
  maxBacklogBytes: number;
}

const MS_27 = PCR_HZ / 1000;
// Packets a tick may pull from a source (guards against a source whose time stands still).
const MAX_PACKETS_PER_TICK = 50_000;
// A splice waits at most this many packets of the old source for a frame start.
const MAX_SPLICE_WAIT_PACKETS = 5_000;
// Behind by more than this (event-loop stall, slow reader) → skip ahead instead of bursting.
const MAX_BEHIND_27 = PCR_HZ;

/**
 * Paced MPEG-TS output of one channel: pulls packets from the live source through a
 * {@link TsRewriter} and writes them to the sink in real time (by output PCR time), every
 * `tickMs`. Writes nothing until the first {@link switchTo} and while no sink is set.
 */
export class ChannelWriter {
  readonly #options: ChannelWriterOptions;
  readonly #rewriter = new TsRewriter();
  #queue: OutputPacket[] = [];
  #head = 0;
  #source: SegmentSource | undefined;
  #sink: Writable | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wallStartMs = 0;
  #outStart27 = 0;
  #lastWritten27 = 0;
  #bytesWritten = 0;
  #stopped = false;

  constructor(options: Partial<ChannelWriterOptions> = {}) {
    this.#options = { tickMs: 20, prerollMs: 100, maxBacklogBytes: 4 * 1024 * 1024, ...options };
  }

  /** Bytes handed to sinks so far. */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** True once a source is live. */
  get live(): boolean {
    return this.#source !== undefined;
  }

  /**
   * Makes `source` the live source. After the first switch, the old source plays on to its next
   * frame start (a clean splice), then `source` follows on the same continuous timeline.
   * Returns the output PTS (90 kHz, 33-bit) at which `source` starts.
   */
  switchTo(source: SegmentSource): number {
    if (this.#stopped) return 0;
    const old = this.#source;
    if (old !== undefined) {
      for (let n = 0; n < MAX_SPLICE_WAIT_PACKETS && !old.peek().frameStart; n++) this.#enqueue(old, old.next());
    }
    this.#source = source;
    this.#enqueue(source, source.next());
    if (old === undefined) this.#rebase();
    this.#schedule();
    return this.#rewriter.runStartPts90;
  }

  /** Sets (or clears) where bytes go. A new sink starts with PAT/PMT, from the current position. */
  setSink(sink: Writable | undefined): void {
    this.#sink = sink;
    if (sink !== undefined) {
      this.#rewriter.forcePsi();
      this.#rebase();
    }
    this.#schedule();
  }

  /** Stops for good: no more writes, timer cleared. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#sink = undefined;
    this.#source = undefined;
    this.#queue = [];
    this.#head = 0;
    this.#schedule();
  }

  #enqueue(source: SegmentSource, packet: ReturnType<SegmentSource["next"]>): void {
    for (const p of this.#rewriter.rewrite(packet, source.program)) this.#queue.push(p);
  }

  #nextTime27(): number {
    const queued = this.#queue[this.#head];
    return queued !== undefined ? queued.time27 : this.#rewriter.lastTime27;
  }

  #rebase(): void {
    this.#outStart27 = this.#nextTime27();
    this.#lastWritten27 = this.#outStart27;
    this.#wallStartMs = Date.now();
  }

  #schedule(): void {
    const run = !this.#stopped && this.#source !== undefined && this.#sink !== undefined;
    if (run && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#tick(), this.#options.tickMs);
      this.#tick();
    } else if (!run && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #tick(): void {
    const sink = this.#sink;
    const source = this.#source;
    if (sink === undefined || source === undefined || sink.destroyed || !sink.writable) return;
    if (sink.writableLength > this.#options.maxBacklogBytes) return;
    let target = this.#outStart27 + (Date.now() - this.#wallStartMs) * MS_27 + this.#options.prerollMs * MS_27;
    if (target - this.#lastWritten27 > MAX_BEHIND_27 + this.#options.prerollMs * MS_27) {
      this.#wallStartMs += (target - this.#lastWritten27 - this.#options.prerollMs * MS_27) / MS_27;
      target = this.#lastWritten27 + this.#options.prerollMs * MS_27;
    }
    for (let n = 0; n < MAX_PACKETS_PER_TICK; n++) {
      const last = this.#queue[this.#queue.length - 1];
      if (last !== undefined && this.#queue.length > this.#head && last.time27 > target) break;
      this.#enqueue(source, source.next());
    }
    const chunks: Buffer[] = [];
    while (this.#head < this.#queue.length) {
      const p = this.#queue[this.#head] as OutputPacket;
      if (p.time27 > target) break;
      chunks.push(p.data);
      this.#lastWritten27 = p.time27;
      this.#head++;
    }
    if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (chunks.length === 0) return;
    const bytes = Buffer.concat(chunks);
    this.#bytesWritten += bytes.length;
    sink.write(bytes);
  }
}
