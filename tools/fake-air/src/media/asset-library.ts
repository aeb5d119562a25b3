import { open, readFile, stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { SYNC_BYTE, TS_PACKET_SIZE } from "../mpegts/constants.js";
import type { SegmentSource } from "./segment-source.js";
import { createSyntheticSource } from "./synthetic-source.js";
import { createTsFileSource } from "./ts-file-source.js";
import { indexTsFile, type TsFileIndex } from "./ts-file-index.js";

/** A segment as LoadPreview described it, with its asset resolved and inspected. */
export interface LoadedSegment {
  assetPath: string;
  resolvedPath: string;
  startFrame: number;
  frameCount: number;
  fpsNumerator: number;
  fpsDenominator: number;
  /** Index of the asset when it is a streamable MPEG-TS file; undefined → synthetic packets. */
  tsIndex: TsFileIndex | undefined;
}

// Larger TS files are played as synthetic output rather than read into memory.
const MAX_TS_FILE_BYTES = 512 * 1024 * 1024;

/** Resolves, checks and indexes assets; caches TS indexes by path, size and mtime. */
export class AssetLibrary {
  readonly #mediaRoot: string | undefined;
  readonly #cache = new Map<string, { size: number; mtimeMs: number; index: TsFileIndex | undefined }>();

  constructor(mediaRoot: string | undefined) {
    this.#mediaRoot = mediaRoot;
  }

  /** Absolute path of `assetPath` (relative paths resolve under the media root, else the cwd). */
  resolvePath(assetPath: string): string {
    return isAbsolute(assetPath) ? assetPath : resolve(this.#mediaRoot ?? process.cwd(), assetPath);
  }

  /**
   * Checks that the asset is a readable regular file and indexes it if it is MPEG-TS.
   * Returns an error message (for a FAILED answer) when it is missing or unreadable.
   */
  async inspect(assetPath: string): Promise<{ ok: true; path: string; tsIndex: TsFileIndex | undefined } | { ok: false; message: string }> {
    const path = this.resolvePath(assetPath);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      return { ok: false, message: `Asset not found: ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})` };
    }
    if (!info.isFile()) return { ok: false, message: `Asset is not a file: ${path}` };
    const cached = this.#cache.get(path);
    if (cached !== undefined && cached.size === info.size && cached.mtimeMs === info.mtimeMs) {
      return { ok: true, path, tsIndex: cached.index };
    }
    let index: TsFileIndex | undefined;
    try {
      if (info.size <= MAX_TS_FILE_BYTES && (await looksLikeTs(path))) index = indexTsFile(await readFile(path));
    } catch (error) {
      return { ok: false, message: `Asset unreadable: ${path} (${(error as Error).message})` };
    }
    this.#cache.set(path, { size: info.size, mtimeMs: info.mtimeMs, index });
    return { ok: true, path, tsIndex: index };
  }
}

async function looksLikeTs(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(TS_PACKET_SIZE * 3);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (bytesRead < TS_PACKET_SIZE) return false;
    for (let start = 0; start < TS_PACKET_SIZE; start++) {
      if (head[start] === SYNC_BYTE && (start + TS_PACKET_SIZE >= bytesRead || head[start + TS_PACKET_SIZE] === SYNC_BYTE)) return true;
    }
    return false;
  } finally {
    await handle.close();
  }
}

/** The packet source for a loaded segment: the file's own packets, or synthetic ones at `bitrateBps`. */
export function openSegmentSource(segment: LoadedSegment, bitrateBps: number): SegmentSource {
  if (segment.tsIndex !== undefined) return createTsFileSource(segment.tsIndex, segment.startFrame, segment.frameCount);
  return createSyntheticSource({
    bitrateBps,
    fpsNumerator: segment.fpsNumerator,
    fpsDenominator: segment.fpsDenominator,
    label: segment.assetPath,
  });
}
