import { chmod, lstat, mkdir, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { dirname, join } from "node:path";
import type { Clock, TimerHandle } from "../ports/clock.js";
import { silentLogger, type Logger } from "../ports/logger.js";
import {
  resolveStreamHubOptions,
  StreamHubError,
  type ChannelStreamHub,
  type HubViewerRemovalCause,
  type HubViewerSink,
  type StreamHubEvent,
  type StreamHubOptions,
  type StreamHubStats,
} from "./stream-hub-types.js";
import { GopCache } from "./gop-cache.js";
import { PesAssembler } from "./pes-assembler.js";
import { RandomAccessTracker, type JoinPoint, type TrackedChunk } from "./random-access-tracker.js";
import { TsPacketFramer } from "./ts-packet-framer.js";

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes with the NUL). */
const MAX_SOCKET_PATH_BYTES = 107;

/** Collaborators of a {@link StreamHub}. */
export interface StreamHubDeps {
  readonly channelNumber: number;
  /** Where to listen; see {@link streamSocketPath}. */
  readonly socketPath: string;
  /** Drives the coalescing delay; nothing else in the hub is timed. */
  readonly clock: Clock;
  readonly logger?: Logger;
}

/** The socket path of a channel under Core's runtime directory: `<dir>/ch_<n>.sock`. */
export function streamSocketPath(runtimeDir: string, channelNumber: number): string {
  return join(runtimeDir, `ch_${channelNumber}.sock`);
}

interface ViewerEntry {
  readonly id: string;
  readonly sink: HubViewerSink;
  /** False until the viewer got its first (aligned) bytes. */
  started: boolean;
  /** Bytes seen while waiting for a start point. */
  waitedBytes: number;
  readonly onClose: () => void;
  readonly onError: (error: Error) => void;
}

/**
 * One channel session's fan-out: listens on a Unix socket owned by Core, accepts the
 * engine's connection, and writes every chunk it reads to every viewer — the same
 * buffer to each, never a per-viewer copy. Small reads are coalesced (up to
 * `coalesceBytes` or `coalesceMaxDelayMs`) and cut into whole packets; each PES goes
 * out once whole (see {@link PesAssembler}). A viewer whose queue would pass
 * `maxViewerQueueBytes` is destroyed and counted, never waited for, so one slow viewer
 * cannot slow the others.
 *
 * A late joiner gets the cached GOP (PAT, PMT, the last video keyframe and what followed,
 * at most `gopCacheMaxBytes`) and then the live bytes; without a valid cache it starts at
 * the next keyframe or PAT, and past `latePatWindowBytes` at any packet. When the engine
 * reconnects (a restart) the viewers stay and the new stream is spliced in cleanly: from
 * its first PAT/PMT + keyframe, with discontinuity_indicator on the first packet of each
 * PID (see {@link RandomAccessTracker}).
 */
export class StreamHub implements ChannelStreamHub {
  readonly socketPath: string;
  private readonly options: StreamHubOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly viewers = new Map<string, ViewerEntry>();
  private readonly listeners = new Set<(event: StreamHubEvent) => void>();
  private readonly framer = new TsPacketFramer();
  private readonly pes = new PesAssembler();
  private readonly tracker: RandomAccessTracker;
  private readonly gop: GopCache;
  private hadStream = false;
  private lastInputAtMs: number | undefined;
  private server: Server | undefined;
  private engine: Socket | undefined;
  private engineCloseExpected = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushTimer: TimerHandle | undefined;
  private closing: Promise<void> | undefined;
  private listenRun: Promise<void> | undefined;
  private counters = { bytesIn: 0, chunksOut: 0, bytesOut: 0, viewersEvicted: 0, splices: 0 };

  constructor(deps: StreamHubDeps, options?: Partial<StreamHubOptions>) {
    this.options = resolveStreamHubOptions(options);
    this.tracker = new RandomAccessTracker(this.options.latePatWindowBytes);
    this.gop = new GopCache(this.options.gopCacheMaxBytes);
    this.socketPath = deps.socketPath;
    this.clock = deps.clock;
    this.log = (deps.logger ?? silentLogger).child({ component: "stream-hub", channel: deps.channelNumber });
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  listen(): Promise<void> {
    if (this.closing) return Promise.reject(new StreamHubError("closed", this.socketPath, "hub is closed"));
    this.listenRun ??= this.runListen();
    return this.listenRun;
  }

  private async runListen(): Promise<void> {
    if (Buffer.byteLength(this.socketPath) > MAX_SOCKET_PATH_BYTES) {
      throw new StreamHubError("path_too_long", this.socketPath, `socket path longer than ${MAX_SOCKET_PATH_BYTES} bytes`);
    }
    await this.removeStaleSocket();
    if (this.closing) throw new StreamHubError("closed", this.socketPath, "hub closed while opening its socket");
    const server = createServer({ allowHalfOpen: false }, (socket) => this.onEngineConnection(socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(new StreamHubError("listen_failed", this.socketPath, error.message, { cause: error }));
      };
      server.once("error", onError);
      server.listen(this.socketPath, () => {
        server.off("error", onError);
        resolve();
      });
    });
    this.server = server;
    // Only the engine (same user) may connect to Core's socket.
    await chmod(this.socketPath, 0o600).catch(() => undefined);
    server.on("error", (error) => this.log.error({ err: error.message }, "stream hub server error"));
    this.log.debug({ socketPath: this.socketPath }, "stream hub listening");
  }

  addViewer(viewerId: string, sink: HubViewerSink): boolean {
    if (this.closing) throw new StreamHubError("closed", this.socketPath, "hub is closed");
    if (this.viewers.has(viewerId)) {
      throw new StreamHubError("duplicate_viewer", this.socketPath, `viewer ${viewerId} already attached`);
    }
    if (sink.destroyed === true || sink.writableEnded === true) return false;
    const entry: ViewerEntry = {
      id: viewerId,
      sink,
      started: false,
      waitedBytes: 0,
      onClose: () => this.dropViewer(entry, "closed"),
      onError: () => this.dropViewer(entry, "error"),
    };
    sink.on("close", entry.onClose);
    sink.on("error", entry.onError);
    this.viewers.set(viewerId, entry);
    return true;
  }

  removeViewer(viewerId: string, how: "end" | "destroy" = "end"): boolean {
    const entry = this.viewers.get(viewerId);
    if (!entry) return false;
    this.detach(entry);
    if (how === "end") entry.sink.end();
    else entry.sink.destroy();
    return true;
  }

  expectEngineClose(): void {
    this.engineCloseExpected = true;
  }

  subscribe(listener: (event: StreamHubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): StreamHubStats {
    return {
      viewers: this.viewers.size,
      engineConnected: this.engine !== undefined,
      ...this.counters,
      resyncs: this.framer.resyncs,
      gopCacheBytes: this.gop.bytes,
      gopCacheOverflows: this.gop.overflows,
      ...(this.lastInputAtMs !== undefined ? { lastInputAtMs: this.lastInputAtMs } : {}),
    };
  }

  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  private async runClose(): Promise<void> {
    // A listen still in flight finishes first, so its socket is closed (and its file
    // removed) here, never later under a successor session's feet.
    await this.listenRun?.catch(() => undefined);
    this.flush();
    this.clearFlushTimer();
    this.engineCloseExpected = true;
    this.engine?.destroy();
    this.engine = undefined;
    await this.closeServer();
    await rm(this.socketPath, { force: true }).catch(() => undefined);
    for (const entry of [...this.viewers.values()]) {
      this.detach(entry);
      entry.sink.end();
    }
    this.listeners.clear();
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server?.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async removeStaleSocket(): Promise<void> {
    await mkdir(dirname(this.socketPath), { recursive: true, mode: 0o700 });
    const stat = await lstat(this.socketPath).catch(() => undefined);
    if (!stat) return;
    if (!stat.isSocket()) {
      throw new StreamHubError("not_a_socket", this.socketPath, "path exists and is not a socket; refusing to remove it");
    }
    await rm(this.socketPath, { force: true });
    this.log.info({ socketPath: this.socketPath }, "removed stale stream socket");
  }

  private onEngineConnection(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.engine) {
      // A re-attach (replace_existing) wins over the old connection.
      this.log.warn({}, "The engine reconnected; its new stream connection replaces the previous one.");
      const old = this.engine;
      this.engine = undefined;
      old.destroy();
    }
    this.engine = socket;
    this.engineCloseExpected = false;
    this.framer.reset();
    this.pes.reset();
    this.gop.clear();
    // A new stream under the same viewers is a splice: it enters at a keyframe, marked.
    const splice = this.hadStream;
    this.hadStream = true;
    if (splice) this.counters.splices++;
    this.tracker.newStream(splice);
    for (const entry of this.viewers.values()) {
      entry.started = false;
      entry.waitedBytes = 0;
    }
    let lastError: Error | undefined;
    socket.on("data", (data: Buffer) => this.ingest(socket, data));
    socket.on("error", (error) => {
      lastError = error;
    });
    socket.on("close", () => this.onEngineClose(socket, lastError));
    this.emit({ type: "engine-connected" });
  }

  private onEngineClose(socket: Socket, error: Error | undefined): void {
    if (this.engine !== socket) return; // superseded or closed by us
    this.flush();
    this.engine = undefined;
    this.gop.clear(); // joiners must not start on a stream that is gone
    // The last frame of each PID may be half-written: it never reaches a viewer.
    const droppedPes = this.pes.reset();
    if (droppedPes > 0) this.log.debug({ droppedPes }, "Unfinished PES packets of the ended stream were dropped.");
    const expected = this.engineCloseExpected;
    this.engineCloseExpected = false;
    if (!expected) this.log.info({ err: error?.message, viewers: this.viewers.size }, "The engine's stream closed unexpectedly; the viewers stay attached.");
    this.emit({ type: "engine-disconnected", expected, ...(error ? { error } : {}) });
  }

  private ingest(socket: Socket, data: Buffer): void {
    if (this.engine !== socket) return;
    this.counters.bytesIn += data.length;
    this.lastInputAtMs = this.clock.now();
    const { coalesceBytes, coalesceMaxDelayMs } = this.options;
    if (coalesceMaxDelayMs === 0 || (this.pendingBytes === 0 && data.length >= coalesceBytes)) {
      this.fanOut(data);
      return;
    }
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= coalesceBytes) this.flush();
    else this.flushTimer ??= this.clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, coalesceMaxDelayMs);
  }

  private flush(): void {
    this.clearFlushTimer();
    if (this.pendingBytes === 0) return;
    const chunk = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.fanOut(chunk);
  }

  private clearFlushTimer(): void {
    if (this.flushTimer) this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** One chunk to every viewer: the same buffer, or a view into it for a late joiner. */
  private fanOut(chunk: Buffer): void {
    const packets = this.pes.push(this.framer.push(chunk));
    if (packets.length === 0) return;
    // A joiner gets the cache as it stood before this chunk (taken before the chunk is added).
    let joinCache: Buffer | undefined;
    if (this.gop.valid) for (const entry of this.viewers.values()) if (!entry.started) joinCache ??= this.gop.contents();
    const tracked = this.tracker.process(packets);
    const { out } = tracked;
    this.updateGopCache(tracked);
    if (out.length === 0) {
      for (const entry of this.viewers.values()) if (!entry.started) entry.waitedBytes += packets.length;
      return;
    }
    this.counters.chunksOut++;
    for (const entry of this.viewers.values()) {
      if (entry.started) {
        this.deliver(entry, [out]);
        continue;
      }
      let parts: Buffer[] | undefined;
      if (tracked.gateOpened) parts = [out];
      else if (joinCache) parts = [joinCache, out];
      else parts = this.lateStart(entry, tracked);
      if (!parts) {
        entry.waitedBytes += out.length;
        continue;
      }
      entry.started = true;
      this.deliver(entry, parts);
    }
  }

  /**
   * Where a joiner without a cache starts in this chunk. In a stream whose video PID is
   * known: its next keyframe (PAT and PMT first), past `latePatWindowBytes` the next PAT,
   * past twice that any packet. Otherwise: the next PAT, past the window any packet.
   */
  private lateStart(entry: ViewerEntry, tracked: TrackedChunk): Buffer[] | undefined {
    const { out, firstRap, firstPat } = tracked;
    const window = this.options.latePatWindowBytes;
    const keyframes = this.tracker.videoKnown;
    let point: JoinPoint | undefined = firstRap;
    const patAllowed = !keyframes || entry.waitedBytes >= window;
    if (patAllowed && firstPat !== undefined && (point === undefined || firstPat < point.offset)) point = { offset: firstPat };
    if (!point && entry.waitedBytes >= (keyframes ? 2 * window : window)) point = { offset: 0 };
    if (!point) return undefined;
    const from = point.offset > 0 ? out.subarray(point.offset) : out;
    return point.prefix ? [point.prefix, from] : [from];
  }

  private updateGopCache(tracked: TrackedChunk): void {
    const { out, lastRap } = tracked;
    if (!lastRap) return this.gop.append(out);
    const from = out.subarray(lastRap.offset);
    this.gop.restart(lastRap.prefix ? [lastRap.prefix, from] : [from]);
  }

  /** Writes `parts` to a viewer; a first write may exceed the queue bound by the cache it carries. */
  private deliver(entry: ViewerEntry, parts: Buffer[]): void {
    const queued = entry.sink.writableLength;
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const allowance = parts.length > 1 ? total - (parts[parts.length - 1] as Buffer).length : 0;
    if (queued + total > this.options.maxViewerQueueBytes + allowance) {
      this.evict(entry, queued);
      return;
    }
    try {
      for (const part of parts) entry.sink.write(part);
    } catch (error) {
      // A sink that throws must not break the loop for the others.
      this.log.warn({ viewerId: entry.id, err: String(error) }, "Writing to a viewer threw, so the viewer is dropped.");
      this.dropViewer(entry, "error");
      return;
    }
    this.counters.bytesOut += total;
  }

  private evict(entry: ViewerEntry, queuedBytes: number): void {
    this.counters.viewersEvicted++;
    this.detach(entry);
    entry.sink.destroy();
    this.log.warn({ viewerId: entry.id, queuedBytes, maxViewerQueueBytes: this.options.maxViewerQueueBytes }, "A slow viewer fell too far behind and was evicted.");
    this.emit({ type: "viewer-removed", viewerId: entry.id, cause: "evicted", queuedBytes });
  }

  /** The sink closed or failed on its own. */
  private dropViewer(entry: ViewerEntry, cause: HubViewerRemovalCause): void {
    if (this.viewers.get(entry.id) !== entry) return;
    this.detach(entry);
    if (cause === "error") entry.sink.destroy();
    this.emit({ type: "viewer-removed", viewerId: entry.id, cause });
  }

  private detach(entry: ViewerEntry): void {
    this.viewers.delete(entry.id);
    entry.sink.off("close", entry.onClose);
    entry.sink.off("error", entry.onError);
  }

  private emit(event: StreamHubEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: String(error), event: event.type }, "stream hub listener threw");
      }
    }
  }
}
