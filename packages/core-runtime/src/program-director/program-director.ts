import { ChannelManager } from "../channel-manager/channel-manager.js";
import type { Clock } from "../ports/clock.js";
import { silentLogger, type Logger } from "../ports/logger.js";
import { boundedWait } from "./program-director-deadline.js";
import { NoTunerAvailableError, ShuttingDownError } from "./program-director-errors.js";
import { ChannelSession, type SessionContext } from "./program-director-session.js";
import {
  resolveProgramDirectorOptions,
  type ChannelSessionSnapshot,
  type DirectedChannelManager,
  type HubFactoryParams,
  type ProgramDirectorDeps,
  type ProgramDirectorEvent,
  type ProgramDirectorOptions,
  type TunedViewer,
  type TuneInViewer,
} from "./program-director-types.js";
import type { ScheduleSource } from "../ports/schedule-source.js";
import { StreamHub, streamSocketPath } from "../stream-hub/stream-hub.js";
import type { ChannelStreamHub } from "../stream-hub/stream-hub-types.js";
import { TunerBudget } from "./tuner-budget.js";
import { UnknownChannelError } from "../ports/unknown-channel-error.js";

const defaultCreateHub = (params: HubFactoryParams): ChannelStreamHub =>
  new StreamHub({ channelNumber: params.channelNumber, socketPath: params.socketPath, clock: params.clock, logger: params.logger }, params.options);

/**
 * The registry of live channel sessions. The first viewer of a channel creates its
 * session (StreamHub socket, engine acquire + AttachStream, ChannelManager start); later
 * viewers share it; concurrent first tune-ins start it once and many channels start in
 * parallel (nothing here blocks the event loop). The last viewer leaving requests
 * teardown through the manager's gate (now, or deferred until the manager signals
 * `teardown-ready`). Teardown order: DetachStream → StopChannel (deadline) →
 * releaseChannel → close the socket → end the viewers → dispose the manager → free the
 * slot. A terminal failure with viewers restarts the session with backoff.
 */
export class ProgramDirector {
  private readonly options: ProgramDirectorOptions;
  private readonly clock: Clock;
  private readonly schedule: ScheduleSource;
  private readonly log: Logger;
  private readonly sessions = new Map<number, ChannelSession>();
  private readonly viewerIndex = new Map<string, ChannelSession>();
  private readonly listeners = new Set<(event: ProgramDirectorEvent) => void>();
  private readonly tuners: TunerBudget;
  private readonly emptyWaiters: Array<() => void> = [];
  private readonly ctx: SessionContext;
  private readonly createHub: (params: HubFactoryParams) => ChannelStreamHub;
  private nextViewerSeq = 1;
  private accepting = true;
  private shuttingDown: Promise<void> | undefined;

  /**
   * @param deps engine, schedule, clock, runtime directory and optional factories.
   * @param options validated at once; throws RangeError on a bad value.
   */
  constructor(
    private readonly deps: ProgramDirectorDeps,
    options?: Partial<ProgramDirectorOptions>,
  ) {
    this.options = resolveProgramDirectorOptions(options);
    this.clock = deps.clock;
    this.schedule = deps.schedule;
    this.log = (deps.logger ?? silentLogger).child({ component: "program-director" });
    this.tuners = new TunerBudget(this.options.tunerBudget);
    this.createHub = deps.createHub ?? defaultCreateHub;
    const createManager = deps.createManager ?? ((params) => new ChannelManager(params, params.options));
    this.ctx = {
      engine: deps.engine,
      clock: deps.clock,
      log: this.log,
      options: this.options,
      createManager: (channelNumber): DirectedChannelManager =>
        createManager({
          channelNumber,
          engine: deps.engine,
          schedule: deps.schedule,
          clock: deps.clock,
          // The manager binds its own component and channel fields.
          logger: deps.logger ?? silentLogger,
          ...(deps.metrics ? { metrics: deps.metrics } : {}),
          options: deps.channelManagerOptions ?? {},
        }),
      emit: (event) => this.emit(event),
      onViewerGone: (viewerId) => this.viewerIndex.delete(viewerId),
      onFreed: (session) => this.free(session),
    };
  }

  /** Channel sessions in the registry (any phase). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Viewers across all sessions, admitted or waiting for their channel to start. */
  get viewerCount(): number {
    return this.viewerIndex.size;
  }

  /** True until `shutdown()` is called. */
  get acceptingViewers(): boolean {
    return this.accepting;
  }

  /**
   * Tunes a viewer in. Resolves once the viewer is attached to the channel's stream
   * (the first viewer waits for the channel to start). Rejects with
   * `UnknownChannelError`, `NoTunerAvailableError` (budget spent), `ChannelStartError`
   * (engine refused, unreachable, timed out; nothing is left behind and the next
   * tune-in tries afresh), `ShuttingDownError`, or `TuneInAbortedError` (the viewer
   * left, or the channel was stopped, before it was attached). A viewer tuning in while
   * a `viewer_inactive` teardown is pending cancels it.
   */
  async tuneIn(channelNumber: number, viewer: TuneInViewer): Promise<TunedViewer> {
    let session: ChannelSession;
    for (;;) {
      if (!this.accepting) throw new ShuttingDownError(channelNumber);
      const existing = this.sessions.get(channelNumber);
      if (existing?.admitsNewViewer()) {
        session = existing;
        break;
      }
      if (existing) {
        await existing.stopped; // a stopping session: start afresh once it is gone
        continue;
      }
      if (!this.schedule.channelNumbers().includes(channelNumber)) throw new UnknownChannelError(channelNumber);
      if (!this.tuners.tryAcquire(channelNumber)) {
        this.log.warn({ channel: channelNumber, tunerBudget: this.tuners.capacity }, "No tuner is available for the channel.");
        throw new NoTunerAvailableError(channelNumber, this.tuners.capacity);
      }
      session = this.openSession(channelNumber);
      break;
    }
    const viewerId = `v${this.nextViewerSeq++}`;
    this.viewerIndex.set(viewerId, session);
    await session.addViewer(viewerId, viewer);
    return { viewerId, channelNumber };
  }

  /**
   * The viewer leaves: its response is ended, and the last viewer out requests the
   * channel's teardown (`viewer_inactive`). Idempotent: false for an unknown viewer.
   */
  leave(viewerId: string): boolean {
    return this.viewerIndex.get(viewerId)?.removeViewer(viewerId, "left") ?? false;
  }

  /**
   * Operator stop: requests teardown through the manager's gate (`operator_stop`), so it
   * waits for a stable boundary state. Resolves true once the session is gone; false
   * when the channel had no session. Safe to call twice.
   */
  async stopChannel(channelNumber: number): Promise<boolean> {
    const session = this.sessions.get(channelNumber);
    if (!session) return false;
    await session.requestStop("operator_stop");
    return true;
  }

  /** Plain-data view of every session, by channel number, for the admin API. */
  channelSnapshots(): ChannelSessionSnapshot[] {
    return [...this.sessions.values()].sort((a, b) => a.channelNumber - b.channelNumber).map((s) => s.snapshot());
  }

  /** Listens to director events (for metrics); returns the unsubscribe function. */
  subscribe(listener: (event: ProgramDirectorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops accepting viewers, requests teardown of every session (`shutdown`), waits up
   * to `shutdownGraceMs` for the negotiated teardowns, then forces the rest. Resolves
   * when every session is gone; no timer of the director fires afterwards. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shuttingDown ??= this.runShutdown();
    return this.shuttingDown;
  }

  private async runShutdown(): Promise<void> {
    this.accepting = false;
    this.log.info({ sessions: this.sessions.size }, "shutting down: requesting teardown of every channel");
    for (const session of [...this.sessions.values()]) void session.requestStop("shutdown");
    const graceful = await boundedWait(this.clock, this.options.shutdownGraceMs, this.whenEmpty());
    if (graceful.kind !== "done") {
      this.log.warn({ remaining: this.sessions.size, shutdownGraceMs: this.options.shutdownGraceMs }, "The shutdown grace expired, so the remaining channels are torn down by force.");
      for (const session of [...this.sessions.values()]) void session.forceStop();
      await this.whenEmpty();
    }
    this.log.info({}, "shutdown complete");
  }

  private openSession(channelNumber: number): ChannelSession {
    const hub = this.createHub({
      channelNumber,
      socketPath: streamSocketPath(this.deps.runtimeDir, channelNumber),
      clock: this.clock,
      // The hub binds its own component and channel fields.
      logger: this.deps.logger ?? silentLogger,
      options: this.deps.hubOptions ?? {},
    });
    const session = new ChannelSession(channelNumber, hub, this.ctx);
    this.sessions.set(channelNumber, session);
    session.begin();
    return session;
  }

  private free(session: ChannelSession): void {
    if (this.sessions.get(session.channelNumber) !== session) return;
    this.sessions.delete(session.channelNumber);
    this.tuners.release(session.channelNumber);
    if (this.sessions.size === 0) for (const resolve of this.emptyWaiters.splice(0)) resolve();
  }

  private whenEmpty(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptyWaiters.push(resolve));
  }

  private emit(event: ProgramDirectorEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.log.error({ err: String(error), event: event.type }, "director listener threw");
      }
    }
  }
}
