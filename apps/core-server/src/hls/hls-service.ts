import type { Clock, ProgramDirector, TimerHandle } from "@retrovue/core-runtime";
import type { OperationHandle } from "@retrovue/session-governance";
import type { Logger } from "pino";
import { HlsSegmenter, resolveHlsSegmenterOptions, type HlsSegment, type HlsSegmenterOptions, type HlsSegmenterStats } from "./hls-segmenter.js";
import { PresenceSink } from "./presence-sink.js";

/** Options of an {@link HlsService}. */
export interface HlsServiceOptions {
  readonly segmenter: HlsSegmenterOptions;
  /** A viewer whose last playlist or segment fetch is older than this has left, ms. Default 15000. */
  readonly viewerIdleMs: number;
  /** How long a playlist request waits for the channel's first segment, ms. Default 30000 (a spawned real engine can take 15 s to come up, then the preload lead). */
  readonly firstSegmentWaitMs: number;
}

/** What an {@link HlsService} needs. */
export interface HlsServiceDeps {
  readonly director: () => ProgramDirector;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One HLS viewer: a director viewer held by a {@link PresenceSink}. */
interface HlsViewer {
  readonly key: string;
  readonly sink: PresenceSink;
  lastFetchMs: number;
  viewerId?: string;
  joining: Promise<void>;
  governed?: OperationHandle;
  gone: boolean;
  /** Playlist requests still waiting for the first segment: the viewer is present meanwhile. */
  waiting: number;
  /** Aborted when the viewer leaves (ends the waits). */
  readonly left: AbortController;
}

/** A channel's HLS side: one segmenter fed by one of its viewers' sinks. */
interface HlsChannel {
  readonly channel: number;
  /** Distinguishes segment URLs of successive segmenters (segments are cacheable). */
  readonly epoch: string;
  readonly segmenter: HlsSegmenter;
  readonly viewers: Map<string, HlsViewer>;
  feeder?: HlsViewer;
}

/** A channel's HLS state for the operator view. */
export interface HlsChannelSnapshot {
  readonly channel: number;
  readonly viewers: number;
  readonly segments: number;
  readonly stats: HlsSegmenterStats;
}

/** Thrown when the channel tuned in but no segment came within `firstSegmentWaitMs`. */
export class HlsNotReadyError extends Error {
  override readonly name = "HlsNotReadyError";
}

/**
 * HLS viewers of every channel. The first playlist request of a viewer tunes it in
 * (`ProgramDirector.tuneIn` with a {@link PresenceSink}), so it counts as a viewer like an
 * MPEG-TS one; a viewer whose last fetch is older than `viewerIdleMs` leaves
 * (`director.leave`), and the last one out requests teardown through the same gate
 * (INV-VIEWER-COUNT-ADVISORY-001). One segmenter per channel is fed from the very bytes
 * the hub writes to one viewer's sink (the feeder); when the feeder leaves, another
 * viewer's sink, which got the same chunks, takes over (a newcomer not yet fed means a
 * gap: EXT-X-DISCONTINUITY).
 */
export class HlsService {
  readonly options: HlsServiceOptions;
  private readonly channels = new Map<number, HlsChannel>();
  private timer: TimerHandle | undefined;
  private timerDueMs = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly deps: HlsServiceDeps,
    options: Partial<Omit<HlsServiceOptions, "segmenter">> & { readonly segmenter?: Partial<HlsSegmenterOptions> } = {},
  ) {
    this.options = {
      segmenter: resolveHlsSegmenterOptions(options.segmenter),
      viewerIdleMs: options.viewerIdleMs ?? 15_000,
      firstSegmentWaitMs: options.firstSegmentWaitMs ?? 30_000,
    };
  }

  /** Whether `key` is a current HLS viewer of `channel`. */
  hasViewer(channel: number, key: string): boolean {
    return this.channels.get(channel)?.viewers.has(key) ?? false;
  }

  /**
   * A playlist fetch by viewer `key`: tunes it in when new (a governed viewer passes its
   * stream handle, released when the viewer leaves; its abort makes it leave), records the
   * fetch, and resolves once the channel has a segment.
   * @throws what `tuneIn` rejects with; HlsNotReadyError after `firstSegmentWaitMs`.
   */
  async watch(channel: number, key: string, label: string, governed?: OperationHandle): Promise<void> {
    const state = this.channelState(channel);
    let viewer = state.viewers.get(key);
    if (viewer === undefined) {
      viewer = this.join(state, key, label, governed);
    } else {
      governed?.release();
    }
    viewer.lastFetchMs = this.deps.clock.now();
    viewer.waiting++;
    try {
      await viewer.joining;
      await this.firstSegment(state, viewer);
    } finally {
      viewer.waiting--;
      // A request that waited for the start was activity until it was answered.
      viewer.lastFetchMs = this.deps.clock.now();
    }
  }

  /** A segment fetch: counts as activity of a current viewer (false if `key` is none). */
  touch(channel: number, key: string): boolean {
    const viewer = this.channels.get(channel)?.viewers.get(key);
    if (viewer === undefined) return false;
    viewer.lastFetchMs = this.deps.clock.now();
    return true;
  }

  /** The playlist window of `channel`, with the URL prefix of its segments (`<epoch>-<seq>.ts`). */
  window(channel: number): { readonly epoch: string; readonly segments: readonly HlsSegment[] } | undefined {
    const state = this.channels.get(channel);
    return state === undefined ? undefined : { epoch: state.epoch, segments: state.segmenter.window() };
  }

  /** A held segment, by the name in its URL (`<epoch>-<seq>`). */
  segment(channel: number, name: string): HlsSegment | undefined {
    const state = this.channels.get(channel);
    const match = /^([a-z0-9]+)-(\d{1,12})$/.exec(name);
    if (state === undefined || match === null || match[1] !== state.epoch) return undefined;
    return state.segmenter.segment(Number(match[2]));
  }

  /** Per channel with HLS viewers: viewer count, held segments, segmenter counters. */
  snapshots(): HlsChannelSnapshot[] {
    return [...this.channels.values()].map((s) => ({ channel: s.channel, viewers: s.viewers.size, segments: s.segmenter.segments.length, stats: s.segmenter.stats }));
  }

  /** Every viewer leaves; no timer stays armed. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const state of [...this.channels.values()]) for (const viewer of [...state.viewers.values()]) this.leave(state, viewer, "closing");
  }

  private channelState(channel: number): HlsChannel {
    let state = this.channels.get(channel);
    if (state === undefined) {
      if (this.closed) throw new Error("HlsService is closed");
      state = { channel, epoch: this.deps.clock.now().toString(36), segmenter: new HlsSegmenter(this.options.segmenter), viewers: new Map() };
      this.channels.set(channel, state);
    }
    return state;
  }

  private join(state: HlsChannel, key: string, label: string, governed: OperationHandle | undefined): HlsViewer {
    const sink = new PresenceSink(
      (chunk) => {
        if (state.feeder === viewer) state.segmenter.push(chunk);
      },
      () => this.leave(state, viewer, "ended"),
    );
    const viewer: HlsViewer = {
      key,
      sink,
      lastFetchMs: this.deps.clock.now(),
      joining: Promise.resolve(),
      gone: false,
      waiting: 0,
      left: new AbortController(),
      ...(governed ? { governed } : {}),
    };
    state.viewers.set(key, viewer);
    state.feeder ??= viewer;
    governed?.signal.addEventListener("abort", () => this.leave(state, viewer, "session_ended"), { once: true });
    viewer.joining = this.deps
      .director()
      .tuneIn(state.channel, { sink, label: `hls ${label}` })
      .then(({ viewerId }) => {
        viewer.viewerId = viewerId;
        if (viewer.gone) this.deps.director().leave(viewerId);
        else this.deps.logger.info({ channel: state.channel, viewer: key, viewerId }, "An HLS viewer tuned in.");
      })
      .catch((error: unknown) => {
        this.leave(state, viewer, "tune_in_failed");
        throw error;
      });
    this.arm(viewer.lastFetchMs + this.options.viewerIdleMs);
    return viewer;
  }

  private leave(state: HlsChannel, viewer: HlsViewer, cause: string): void {
    if (viewer.gone) return;
    viewer.gone = true;
    viewer.left.abort();
    state.viewers.delete(viewer.key);
    if (viewer.viewerId !== undefined) this.deps.director().leave(viewer.viewerId);
    viewer.governed?.release();
    this.deps.logger.info({ channel: state.channel, viewer: viewer.key, cause, hlsViewers: state.viewers.size }, "An HLS viewer left.");
    if (state.feeder === viewer) {
      // Every fed sink got the same chunks up to now, so a fed one continues the stream seamlessly.
      const next = [...state.viewers.values()].find((v) => v.sink.primed) ?? state.viewers.values().next().value;
      delete state.feeder;
      if (next !== undefined) {
        state.feeder = next;
        if (!next.sink.primed) state.segmenter.markGap();
      }
    }
    if (state.viewers.size === 0 && this.channels.get(state.channel) === state) this.channels.delete(state.channel);
  }

  /** Resolves at the channel's first segment; rejects past the wait or if the viewer left meanwhile. */
  private firstSegment(state: HlsChannel, viewer: HlsViewer): Promise<void> {
    if (state.segmenter.window().length > 0) return Promise.resolve();
    if (viewer.gone) return Promise.reject(new HlsNotReadyError(`Channel ${state.channel} stopped`));
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        this.deps.clock.clearTimeout(timer);
        unsubscribe();
        viewer.left.signal.removeEventListener("abort", onLeft);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onLeft = (): void => done(new HlsNotReadyError(`Channel ${state.channel} stopped before its first segment`));
      const timer = this.deps.clock.setTimeout(() => done(new HlsNotReadyError(`Channel ${state.channel} has no HLS segment yet`)), this.options.firstSegmentWaitMs);
      const unsubscribe = state.segmenter.onSegment(() => done());
      viewer.left.signal.addEventListener("abort", onLeft, { once: true });
    });
  }

  /** One timer for the whole service, at the earliest idle deadline. */
  private arm(dueMs: number): void {
    if (this.closed || dueMs >= this.timerDueMs) return;
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timerDueMs = dueMs;
    this.timer = this.deps.clock.setTimeout(() => this.sweep(), dueMs - this.deps.clock.now());
  }

  private sweep(): void {
    this.timer = undefined;
    this.timerDueMs = Number.POSITIVE_INFINITY;
    const now = this.deps.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const state of [...this.channels.values()]) {
      for (const viewer of [...state.viewers.values()]) {
        // A viewer with a request waiting is present; its idle clock starts when that is answered.
        const due = viewer.waiting > 0 ? now + this.options.viewerIdleMs : viewer.lastFetchMs + this.options.viewerIdleMs;
        if (due <= now) this.leave(state, viewer, "idle");
        else next = Math.min(next, due);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.arm(next);
  }
}
