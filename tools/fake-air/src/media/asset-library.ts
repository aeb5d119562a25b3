import { readFile, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { createFileSegmentSource, type SegmentRequest } from "./file-segment-source.js";
import { indexMediaFile, type MediaFileIndex } from "./media-file-index.js";
import type { SegmentSource } from "./media-unit.js";

/** A segment as LoadPreview described it, with its asset resolved and demultiplexed. */
export interface LoadedSegment {
  assetPath: string;
  resolvedPath: string;
  startFrame: number;
  frameCount: number;
  fpsNumerator: number;
  fpsDenominator: number;
  index: MediaFileIndex;
}

// Files are read into memory; larger ones are refused (the real engine streams from disk).
const MAX_FILE_BYTES = 512 * 1024 * 1024;
// Demultiplexed files kept for reuse (a channel's playlist loops over a few); least recent go first.
const MAX_CACHED_FILES = 16;

/** Why an asset cannot be played, or its index. */
export type InspectResult = { ok: true; path: string; index: MediaFileIndex } | { ok: false; reason: string };

/** Resolves and demultiplexes assets; caches indexes by path, size and mtime. */
export class AssetLibrary {
  readonly #mediaRoot: string | undefined;
  readonly #cache = new Map<string, { size: number; mtimeMs: number; result: InspectResult }>();

  constructor(mediaRoot: string | undefined) {
    this.#mediaRoot = mediaRoot;
  }

  /** Absolute path of `assetPath` (relative paths resolve under the media root, else the cwd). */
  resolvePath(assetPath: string): string {
    return isAbsolute(assetPath) ? assetPath : resolve(this.#mediaRoot ?? process.cwd(), assetPath);
  }

  /** Opens the asset as the fake can play it (MPEG-TS, H.264 + AAC), or says why it cannot. */
  async inspect(assetPath: string): Promise<InspectResult> {
    if (assetPath === "") return { ok: false, reason: "no asset path" };
    const path = this.resolvePath(assetPath);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      return { ok: false, reason: `cannot open ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})` };
    }
    if (!info.isFile()) return { ok: false, reason: `${path} is not a file` };
    if (info.size > MAX_FILE_BYTES) return { ok: false, reason: `${path} is larger than fake-air's ${MAX_FILE_BYTES} byte limit` };
    const cached = this.#cache.get(path);
    if (cached !== undefined && cached.size === info.size && cached.mtimeMs === info.mtimeMs) {
      this.#cache.delete(path);
      this.#cache.set(path, cached); // most recently used last
      return cached.result;
    }
    let result: InspectResult;
    try {
      const indexed = indexMediaFile(await readFile(path));
      result = indexed.ok ? { ok: true, path, index: indexed.index } : { ok: false, reason: `${path}: ${indexed.reason}` };
    } catch (error) {
      result = { ok: false, reason: `cannot read ${path} (${(error as Error).message})` };
    }
    this.#cache.delete(path);
    this.#cache.set(path, { size: info.size, mtimeMs: info.mtimeMs, result });
    for (const oldest of this.#cache.keys()) {
      if (this.#cache.size <= MAX_CACHED_FILES) break;
      this.#cache.delete(oldest);
    }
    return result;
  }
}

/** The unit source of a loaded segment, padded to the channel's program format. */
export function openSegmentSource(segment: LoadedSegment, format: Pick<SegmentRequest, "width" | "height" | "audio">): SegmentSource {
  return createFileSegmentSource(segment.index, { ...segment, ...format });
}
