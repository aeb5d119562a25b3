import type { Writable } from "node:stream";
import { PCR_HZ } from "../mpegts/constants.js";
import { OutputTimeline } from "./output-timeline.js";
import type { SegmentSource } from "./media-unit.js";

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
// Behind by more than this (event-loop stall, slow reader) → skip ahead instead of bursting.
const MAX_BEHIND_27 = PCR_HZ;

/**
 * Paced MPEG-TS output of one channel: every `tickMs` it writes the {@link OutputTimeline}'s
 * packets that are due by real time (output PCR time). Writes nothing until the first
 * {@link switchTo} and while no sink is set.
 */
export class ChannelWriter {
  readonly #options: ChannelWriterOptions;
  readonly #timeline = new OutputTimeline();
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

  /** Makes `source` live (see {@link OutputTimeline.switchTo}); returns the output PTS where it starts. */
  switchTo(source: SegmentSource): number {
    if (this.#stopped) return 0;
    const first = !this.#timeline.live;
    const pts = this.#timeline.switchTo(source);
    if (first) this.#rebase();
    this.#schedule();
    return pts;
  }

  /** Sets (or clears) where bytes go. A new sink starts with PAT/PMT at the next frame start. */
  setSink(sink: Writable | undefined): void {
    this.#sink = sink;
    if (sink !== undefined) {
      this.#timeline.resync();
      this.#rebase();
    }
    this.#schedule();
  }

  /** Stops for good: no more writes, timer cleared. Idempotent. */
  stop(): void {
    this.#stopped = true;
    this.#sink = undefined;
    this.#timeline.clear();
    this.#schedule();
  }

  #rebase(): void {
    this.#outStart27 = this.#timeline.nextTime27;
    this.#lastWritten27 = this.#outStart27;
    this.#wallStartMs = Date.now();
  }

  #schedule(): void {
    const run = !this.#stopped && this.#timeline.live && this.#sink !== undefined;
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
    if (sink === undefined || sink.destroyed || !sink.writable) return;
    if (sink.writableLength > this.#options.maxBacklogBytes) return;
    const preroll27 = this.#options.prerollMs * MS_27;
    let target = this.#outStart27 + (Date.now() - this.#wallStartMs) * MS_27 + preroll27;
    if (target - this.#lastWritten27 > MAX_BEHIND_27 + preroll27) {
      this.#wallStartMs += (target - this.#lastWritten27 - preroll27) / MS_27;
      target = this.#lastWritten27 + preroll27;
    }
    const chunks = this.#timeline.takeUntil(target);
    if (chunks.length === 0) return;
    this.#lastWritten27 = Math.max(this.#lastWritten27, this.#timeline.nextTime27);
    const bytes = Buffer.concat(chunks);
    this.#bytesWritten += bytes.length;
    sink.write(bytes);
  }
}
