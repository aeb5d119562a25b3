import { createHash } from "node:crypto";

/** One cached rendering: the bytes, their strong ETag, and the gzip form once asked for. */
export interface CachedBody {
  readonly body: Buffer;
  /** Strong ETag (quoted), a hash of `body`. */
  readonly etag: string;
  gzip?: Buffer;
}

/** Bounds of a {@link RenderCache}. */
export interface RenderCacheOptions {
  /** Most entries kept; default 64 (min 1). */
  readonly maxEntries: number;
  /** Most bytes kept (bodies plus gzip forms); default 32 MiB. A larger single body is served but not kept. */
  readonly maxBytes: number;
}

/** Counters of a {@link RenderCache}, for tests, benchmarks and metrics. */
export interface RenderCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

/**
 * A bounded least-recently-used cache of rendered responses, keyed by a string that must
 * carry everything the bytes depend on (kind, lineup version, base URL, window).
 */
export interface RenderCache {
  /** The cached body for `key`, rendering (and keeping, within bounds) it on a miss. Rethrows render errors. */
  getOrRender(key: string, render: () => string): CachedBody;
  /** The cached body for `key`, or undefined (counts a hit or a miss). */
  peek(key: string): CachedBody | undefined;
  /** Keeps a body built elsewhere (composed asynchronously) under `key`, within bounds; returns its entry. */
  put(key: string, body: Buffer, etag: string): CachedBody;
  /** Records that the cached `entry` under `key` grew (its gzip form was added), evicting if over budget. */
  noteGrowth(key: string, entry: CachedBody, addedBytes: number): void;
  stats(): RenderCacheStats;
  clear(): void;
}

/** Creates a {@link RenderCache}. Throws RangeError for non-positive bounds. */
export function createRenderCache(options?: Partial<RenderCacheOptions>): RenderCache {
  const maxEntries = options?.maxEntries ?? 64;
  const maxBytes = options?.maxBytes ?? 32 * 1024 * 1024;
  if (!(Number.isInteger(maxEntries) && maxEntries >= 1)) throw new RangeError(`maxEntries must be an integer >= 1: ${maxEntries}`);
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0: ${maxBytes}`);

  const entries = new Map<string, CachedBody>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const sizeOf = (entry: CachedBody): number => entry.body.length + (entry.gzip?.length ?? 0);
  const evict = (): void => {
    // Map iteration order is insertion order; re-inserting on a hit makes it LRU order.
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      entries.delete(key);
      bytes -= sizeOf(entry);
    }
  };

  return {
    getOrRender(key, render) {
      const found = entries.get(key);
      if (found !== undefined) {
        hits += 1;
        entries.delete(key);
        entries.set(key, found);
        return found;
      }
      misses += 1;
      const body = Buffer.from(render(), "utf8");
      const entry: CachedBody = { body, etag: `"${createHash("sha1").update(body).digest("base64url")}"` };
      if (body.length <= maxBytes) {
        entries.set(key, entry);
        bytes += body.length;
        evict();
      }
      return entry;
    },
    peek(key) {
      const found = entries.get(key);
      if (found === undefined) {
        misses += 1;
        return undefined;
      }
      hits += 1;
      entries.delete(key);
      entries.set(key, found);
      return found;
    },
    put(key, body, etag) {
      const entry: CachedBody = { body, etag };
      const old = entries.get(key);
      if (old !== undefined) {
        entries.delete(key);
        bytes -= sizeOf(old);
      }
      if (body.length <= maxBytes) {
        entries.set(key, entry);
        bytes += body.length;
        evict();
      }
      return entry;
    },
    noteGrowth(key, entry, addedBytes) {
      if (entries.get(key) !== entry) return;
      bytes += addedBytes;
      evict();
    },
    stats: () => ({ hits, misses, entries: entries.size, bytes }),
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}
