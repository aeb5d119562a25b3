import { createHash } from "node:crypto";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { ScheduleSource, ScheduledSegment } from "@retrovue/core-runtime";
import type { GuideChannel } from "./guide-lineup.js";
import { renderXmltv } from "./xmltv.js";

/** One channel's programmes starting in one tile (`[startMs, startMs + tileMs)`), rendered. */
interface Tile {
  /** The whole tile's bytes (used when the window covers the tile). */
  readonly body: Buffer;
  /** Each programme's start and its own bytes (for the window's edge tiles). */
  readonly starts: readonly number[];
  readonly pieces: readonly string[];
}

/** Counters of an {@link XmltvTiles}, for tests, benchmarks and metrics. */
export interface XmltvTileStats {
  /** Tiles rendered (each one channel × one tile of time): the only synchronous rendering work. */
  readonly renders: number;
  readonly hits: number;
  readonly tiles: number;
  readonly bytes: number;
}

/** What one XMLTV document is built from. */
export interface XmltvComposeInput {
  /** Identifies the lineup's content; tiles of another version are never reused. */
  readonly version: string;
  readonly channels: readonly GuideChannel[];
  readonly schedule: ScheduleSource;
  readonly fromMs: number;
  readonly toMs: number;
  readonly baseUrl: string;
  readonly generatorName: string;
}

/**
 * Builds XMLTV documents from cached tiles so no request renders much at once (issue 14: a
 * 7-day guide rendered in one go held the event loop 0.5–0.76 s). A tile is one channel's
 * programmes that start within one `tileMs` slice of time; any window is the channel list,
 * then for each channel the programme already running at `fromMs` and the tiles up to
 * `toMs`. Bytes are identical to {@link renderXmltv} of the same window (xmltv.ts stays the
 * one renderer: tiles are cut from its output). Between tiles the composer yields to the
 * event loop once it has worked `sliceMs`, and tiles are cached (LRU by bytes), so
 * cache-busting windows reuse them instead of rendering again.
 */
export interface XmltvTiles {
  compose(input: XmltvComposeInput): Promise<Buffer>;
  stats(): XmltvTileStats;
}

/** Options of {@link createXmltvTiles}. */
export interface XmltvTilesOptions {
  /** Tile length, ms. Default 3 600 000 (1 h). */
  readonly tileMs?: number;
  /** Most bytes of tiles kept. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Work between two yields to the event loop, ms. Default 4. */
  readonly sliceMs?: number;
  /** Monotonic ms for the slices; default performance.now. */
  readonly now?: () => number;
}

const PROGRAMME = '  <programme start="';
const CHANNEL_END = "  </channel>\n";
const DOCUMENT_END = "</tv>\n";

/** Creates an {@link XmltvTiles}. */
export function createXmltvTiles(options: XmltvTilesOptions = {}): XmltvTiles {
  const tileMs = options.tileMs ?? 3_600_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const sliceMs = options.sliceMs ?? 4;
  const now = options.now ?? (() => performance.now());
  const tiles = new Map<string, Tile>();
  let bytes = 0;
  let renders = 0;
  let hits = 0;

  const keep = (key: string, tile: Tile): void => {
    tiles.set(key, tile);
    bytes += tile.body.length * 2;
    for (const [old, entry] of tiles) {
      if (bytes <= maxBytes) break;
      tiles.delete(old);
      bytes -= entry.body.length * 2;
    }
  };

  const tileOf = (input: XmltvComposeInput, channel: GuideChannel, startMs: number): Tile => {
    const key = `${input.version}\0${channel.number}\0${startMs}`;
    const found = tiles.get(key);
    if (found !== undefined) {
      hits += 1;
      tiles.delete(key);
      tiles.set(key, found);
      return found;
    }
    renders += 1;
    const segments = input.schedule.segmentsBetween(channel.number, startMs, startMs + tileMs).filter((s) => s.startMs >= startMs);
    const text = renderXmltv({
      channels: [channel],
      schedule: onlySegments(input.schedule, segments),
      fromMs: startMs,
      toMs: startMs + tileMs,
      baseUrl: input.baseUrl,
      generatorName: input.generatorName,
    });
    const programmes = text.slice(text.lastIndexOf(CHANNEL_END) + CHANNEL_END.length, text.length - DOCUMENT_END.length);
    const pieces = programmes === "" ? [] : programmes.split(PROGRAMME).slice(1).map((p) => PROGRAMME + p);
    if (pieces.length !== segments.length) throw new Error(`xmltv tile: ${pieces.length} programmes rendered for ${segments.length} segments`);
    const tile: Tile = { body: Buffer.from(programmes, "utf8"), starts: segments.map((s) => s.startMs), pieces };
    keep(key, tile);
    return tile;
  };

  return {
    async compose(input) {
      const { fromMs, toMs } = input;
      if (!(toMs > fromMs)) throw new RangeError(`guide window is empty: ${fromMs}..${toMs}`);
      const head = renderXmltv({ ...input, schedule: onlySegments(input.schedule, []), channels: input.channels });
      const parts: Buffer[] = [Buffer.from(head.slice(0, head.length - DOCUMENT_END.length), "utf8")];
      let sliceStart = now();
      const pause = async (): Promise<void> => {
        if (now() - sliceStart < sliceMs) return;
        await yieldToLoop();
        sliceStart = now();
      };
      for (const channel of input.channels) {
        // The programme already running at fromMs (listed whole, as renderXmltv does).
        for (const running of input.schedule.segmentsBetween(channel.number, fromMs, fromMs + 1)) {
          if (running.startMs >= fromMs) continue;
          const tile = tileOf(input, channel, Math.floor(running.startMs / tileMs) * tileMs);
          const at = tile.starts.indexOf(running.startMs);
          if (at !== -1) parts.push(Buffer.from(tile.pieces[at] ?? "", "utf8"));
        }
        for (let startMs = Math.floor(fromMs / tileMs) * tileMs; startMs < toMs; startMs += tileMs) {
          const tile = tileOf(input, channel, startMs);
          if (startMs >= fromMs && startMs + tileMs <= toMs) {
            parts.push(tile.body);
          } else {
            const inside = tile.pieces.filter((_, i) => (tile.starts[i] ?? 0) >= fromMs && (tile.starts[i] ?? 0) < toMs);
            if (inside.length > 0) parts.push(Buffer.from(inside.join(""), "utf8"));
          }
          await pause();
        }
      }
      parts.push(Buffer.from(DOCUMENT_END, "utf8"));
      // One copy into the final buffer, a slice at a time (a week of guide is megabytes).
      const out = Buffer.allocUnsafe(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        offset += part.copy(out, offset);
        await pause();
      }
      return out;
    },
    stats: () => ({ renders, hits, tiles: tiles.size, bytes }),
  };
}

/** A strong ETag for a composed document: its bytes are a pure function of the key. */
export function etagOfKey(key: string): string {
  return `"${createHash("sha1").update(key).digest("base64url")}"`;
}

/** `schedule` answering `segmentsBetween` with `segments` only (for rendering one tile or the head). */
function onlySegments(schedule: ScheduleSource, segments: readonly ScheduledSegment[]): ScheduleSource {
  const view = Object.create(schedule) as ScheduleSource;
  view.segmentsBetween = () => [...segments];
  return view;
}
