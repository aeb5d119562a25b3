/**
 * Types of the StreamHub: the viewer sink abstraction, options, events, stats and
 * the hub port the ProgramDirector drives (so tests can inject an in-memory hub).
 */

/**
 * What the hub writes a viewer's bytes into: the Writable subset it needs. An HTTP
 * `ServerResponse`, a `net.Socket` or a `PassThrough` all fit. The hub never waits for
 * `drain`: it watches `writableLength` against its per-viewer bound instead.
 */
export interface HubViewerSink {
  /** Queues `chunk`; the same buffer object goes to every viewer (no copy). */
  write(chunk: Uint8Array): boolean;
  /** Bytes queued in the sink and not yet handed to the OS. */
  readonly writableLength: number;
  /** Set once the sink is destroyed (optional; checked when a viewer is added). */
  readonly destroyed?: boolean;
  /** Set once `end()` was called (optional; checked when a viewer is added). */
  readonly writableEnded?: boolean;
  /** Ends the response cleanly after the queued bytes. */
  end(): void;
  /** Drops the response at once (used to evict a viewer that fell behind). */
  destroy(error?: Error): void;
  on(event: "close" | "drain", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  off(event: "close" | "drain", listener: () => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** Options of a StreamHub; `resolveStreamHubOptions` fills defaults and checks ranges. */
export interface StreamHubOptions {
  /**
   * Most bytes one viewer may have queued (its sink's `writableLength` plus the chunk
   * being written). Past it the viewer is evicted (destroyed and counted), never waited
   * for. Default 2 MiB (~2 s at 8 Mbit/s); at least 64 KiB.
   */
  readonly maxViewerQueueBytes: number;
  /** Pending input of at least this many bytes is fanned out at once. Default 64 KiB; >= 188. */
  readonly coalesceBytes: number;
  /**
   * Longest a small read waits for more input before it is fanned out, ms. 0 fans out
   * every read as it arrives (no coalescing). Default 20; 0–1000.
   */
  readonly coalesceMaxDelayMs: number;
  /**
   * How many bytes a late joiner waits for a PAT packet before it starts at the next
   * plain packet boundary instead. Default 1 MiB (~1 s at 8 Mbit/s); >= 0.
   */
  readonly latePatWindowBytes: number;
  /**
   * Most bytes of the stream kept since its last random access point (PAT, PMT, video
   * keyframe) so a late joiner starts on a keyframe at once. A longer GOP is dropped
   * and joiners start at the next PAT instead. Default 4 MiB; 0 disables the cache.
   */
  readonly gopCacheMaxBytes: number;
}

/** Defaults of {@link StreamHubOptions}. */
export const DEFAULT_STREAM_HUB_OPTIONS: StreamHubOptions = {
  maxViewerQueueBytes: 2 * 1024 * 1024,
  coalesceBytes: 64 * 1024,
  coalesceMaxDelayMs: 20,
  latePatWindowBytes: 1024 * 1024,
  gopCacheMaxBytes: 4 * 1024 * 1024,
};

/** Why a StreamHub call failed. */
export type StreamHubErrorCode = "listen_failed" | "path_too_long" | "not_a_socket" | "closed" | "duplicate_viewer";

/** A StreamHub failure (listen errors, API misuse), with the socket path and a closed code. */
export class StreamHubError extends Error {
  override readonly name = "StreamHubError";
  constructor(
    readonly code: StreamHubErrorCode,
    readonly socketPath: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`[${code}] ${message}`, options);
  }
}

/** Fills defaults and validates ranges; throws RangeError on a bad value. */
export function resolveStreamHubOptions(options: Partial<StreamHubOptions> = {}): StreamHubOptions {
  const resolved = { ...DEFAULT_STREAM_HUB_OPTIONS, ...options };
  const check = (name: keyof StreamHubOptions, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    const value = resolved[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`StreamHubOptions.${name} must be an integer in [${min}, ${max}], got ${value}`);
    }
  };
  check("maxViewerQueueBytes", 64 * 1024);
  check("coalesceBytes", 188);
  check("coalesceMaxDelayMs", 0, 1000);
  check("latePatWindowBytes", 0);
  check("gopCacheMaxBytes", 0);
  return resolved;
}

/** Why a viewer left the hub without the hub's owner asking. */
export type HubViewerRemovalCause = "evicted" | "closed" | "error";

/** Events a hub reports to its owner (the ProgramDirector). */
export type StreamHubEvent =
  | { readonly type: "engine-connected" }
  | {
      /**
       * The engine's connection closed. The viewers stay attached either way: the owner
       * decides (restart and splice the next stream in, or end them).
       */
      readonly type: "engine-disconnected";
      readonly expected: boolean;
      readonly error?: Error;
    }
  | {
      readonly type: "viewer-removed";
      readonly viewerId: string;
      readonly cause: HubViewerRemovalCause;
      /** Bytes the viewer had queued when it was evicted (eviction only). */
      readonly queuedBytes?: number;
    };

/** Counters of a hub, for the admin API and the benchmark. */
export interface StreamHubStats {
  readonly viewers: number;
  readonly engineConnected: boolean;
  /** Bytes read from the engine. */
  readonly bytesIn: number;
  /** Fan-out rounds (coalesced chunks written to the viewers). */
  readonly chunksOut: number;
  /** Bytes handed to viewer sinks, summed over viewers. */
  readonly bytesOut: number;
  readonly viewersEvicted: number;
  /** Times the input lost MPEG-TS packet sync and was re-aligned. */
  readonly resyncs: number;
  /** Engine streams that replaced an earlier one under the same hub (each spliced in cleanly). */
  readonly splices: number;
  /** Bytes in the GOP cache now. */
  readonly gopCacheBytes: number;
  /** Times a GOP outgrew `gopCacheMaxBytes` and was dropped. */
  readonly gopCacheOverflows: number;
  /** Clock time (epoch ms) of the last read from the engine; undefined before the first. */
  readonly lastInputAtMs?: number;
}

/**
 * The hub as the ProgramDirector uses it. `StreamHub` implements it over a Unix
 * socket; tests may inject an in-memory one.
 */
export interface ChannelStreamHub {
  /** Unix socket path the engine is told to connect to (AttachStream endpoint). */
  readonly socketPath: string;
  readonly viewerCount: number;
  /** Opens the socket (stale file removed first). Rejects with {@link StreamHubError}. */
  listen(): Promise<void>;
  /**
   * Adds a viewer; from the next read on it gets the cached GOP (PAT, PMT, keyframe and
   * what followed) then the live bytes, or without a cache the next keyframe or PAT. Returns false (and adds nothing) when the sink is already ended or destroyed.
   * Throws StreamHubError `duplicate_viewer` / `closed` on misuse.
   */
  addViewer(viewerId: string, sink: HubViewerSink): boolean;
  /** Removes a viewer and ends (default) or destroys its sink. False if unknown. */
  removeViewer(viewerId: string, how?: "end" | "destroy"): boolean;
  /** The engine's next disconnect is planned (detach/restart): keep the viewers. */
  expectEngineClose(): void;
  /** Listens to hub events; returns the unsubscribe function. */
  subscribe(listener: (event: StreamHubEvent) => void): () => void;
  stats(): StreamHubStats;
  /**
   * Idempotent teardown in order: stop listening and drop the engine connection,
   * remove the socket file, then end every viewer's sink cleanly.
   */
  close(): Promise<void>;
}
