import { Invariant, isTransientState } from "../boundary/boundary-state.js";
import type { Clock, TimerHandle } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { PlayoutEngine } from "../ports/playout-engine.js";
import {
  freshEngineRun,
  startEngineRun,
  stopEngineRun,
  type EngineRun,
  type EngineSteps,
  type StartFailure,
} from "./program-director-engine-steps.js";
import { ChannelStartError, ShuttingDownError, TuneInAbortedError } from "./program-director-errors.js";
import type {
  ChannelSessionSnapshot,
  DirectedChannelManager,
  EngineFailureReason,
  ProgramDirectorEvent,
  ProgramDirectorOptions,
  SessionPhase,
  StopOutcome,
  TuneInViewer,
  ViewerLeaveCause,
} from "./program-director-types.js";
import type { ChannelStreamHub, HubViewerSink, StreamHubEvent } from "../stream-hub/stream-hub-types.js";

/**
 * Before a run's first byte the output watchdog allows this many bounds of silence. (The real
 * engine started inside an item holds its first bytes for as long as the start is into the
 * item — up to half an item — which no bound covers; `startPosition: "item-start"` avoids it.
 * It also, now and then, never writes in a session at all: that one the watchdog must end.)
 */
const FIRST_BYTE_BOUND_FACTOR = 3;

/** What a session needs from its director. @internal */
export interface SessionContext {
  readonly engine: PlayoutEngine;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: ProgramDirectorOptions;
  readonly createManager: (channelNumber: number) => DirectedChannelManager;
  readonly emit: (event: ProgramDirectorEvent) => void;
  readonly onViewerGone: (viewerId: string) => void;
  /** The session finished its teardown: free its registry slot and tuner. */
  readonly onFreed: (session: ChannelSession) => void;
}

interface SessionViewer {
  readonly id: string;
  readonly sink: HubViewerSink;
  admitted: boolean;
  /** Settles the viewer's pending tune-in (until admitted). */
  settle?: { resolve: () => void; reject: (error: Error) => void };
  onEarlyClose?: () => void;
}

/**
 * One channel session: its hub, its manager, its viewers, and the start / restart /
 * teardown sequences. At most one engine sequence runs at a time (`busy`); stop requests
 * that arrive meanwhile are recorded and honoured when it ends.
 *
 * @internal Created and owned by ProgramDirector.
 */
export class ChannelSession {
  phase: SessionPhase = "starting";
  restartAttempts = 0;
  readonly createdAtMs: number;
  readonly stopped: Promise<void>;
  private readonly viewers = new Map<string, SessionViewer>();
  private readonly log: Logger;
  private readonly steps: EngineSteps;
  private manager: DirectedChannelManager | undefined;
  private unsubscribeManager: (() => void) | undefined;
  private readonly unsubscribeHub: () => void;
  private run: EngineRun = freshEngineRun();
  private busy = false;
  private hubListening = false;
  private admittedOnce = false;
  private startController: AbortController | undefined;
  private streamLostDuringStart = false;
  private stopRequest: string | undefined;
  /** The manager deferred our teardown request: its `teardown-ready` event is still due. */
  private awaitingTeardownReady = false;
  private restartTimer: TimerHandle | undefined;
  private nextRestartAtMs: number | undefined;
  private liveAtMs: number | undefined;
  /** The current engine run reached LIVE (the watchdog only watches such a run). */
  private liveInRun = false;
  private watchdogTimer: TimerHandle | undefined;
  /** Silence is counted from here when the engine wrote nothing since (the run's first LIVE). */
  private watchdogFromMs = 0;
  /** The current engine is hung: teardown asks it nothing and has it killed. */
  private engineHung = false;
  private restarts = 0;
  private watchdogTrips = 0;
  private lastFailure: { reason: EngineFailureReason; atMs: number } | undefined;
  private finalizing: Promise<void> | undefined;
  private resolveStopped!: () => void;

  constructor(
    readonly channelNumber: number,
    private readonly hub: ChannelStreamHub,
    private readonly ctx: SessionContext,
  ) {
    this.createdAtMs = ctx.clock.now();
    this.log = ctx.log.child({ channel: channelNumber });
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.unsubscribeHub = hub.subscribe((event) => this.onHubEvent(event));
    this.steps = { channelNumber, engine: ctx.engine, clock: ctx.clock, options: ctx.options, hub, log: this.log };
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Begins the first start; the outcome reaches the viewers through `addViewer`. */
  begin(): void {
    void this.runStart(false);
  }

  /**
   * Whether a new viewer may join now. A pending `viewer_inactive` teardown is
   * cancelled by the newcomer (the channel plays on); any other pending teardown
   * (operator stop, shutdown, lost stream) is not: the caller waits for it instead.
   */
  admitsNewViewer(): boolean {
    if (this.phase === "stopping" || this.stopRequest !== undefined) return false;
    const manager = this.manager;
    if (this.phase !== "running" || !manager?.teardownPending) return true;
    const reason = manager.teardownReason ?? "";
    if (reason !== "viewer_inactive") return false;
    if (manager.cancelPendingTeardown()) {
      this.awaitingTeardownReady = false;
      this.log.info({ reason, invariant: Invariant.ViewerCountAdvisory }, "A viewer tuned in while a teardown was pending, so the teardown is cancelled.");
      this.ctx.emit({ type: "teardown-cancelled", channel: this.channelNumber, reason });
    }
    return true;
  }

  /** Adds a viewer; resolves once it is attached to the hub, rejects with a typed error. */
  addViewer(viewerId: string, viewer: TuneInViewer): Promise<void> {
    const { sink } = viewer;
    const record: SessionViewer = { id: viewerId, sink, admitted: false };
    this.viewers.set(viewerId, record);
    this.ctx.emit({ type: "viewer-joined", channel: this.channelNumber, viewerId, viewers: this.viewers.size });
    this.log.debug({ viewerId, label: viewer.label, viewers: this.viewers.size }, "A viewer tuned in.");
    if (this.admittedOnce) {
      return this.admit(record) ? Promise.resolve() : Promise.reject(new TuneInAbortedError(this.channelNumber, "viewer_left"));
    }
    return new Promise<void>((resolve, reject) => {
      record.settle = { resolve, reject };
      record.onEarlyClose = () => this.removeViewer(viewerId, "closed");
      sink.on("close", record.onEarlyClose);
    });
  }

  /** Removes a viewer (ending its response when it was attached). False if unknown. */
  removeViewer(viewerId: string, cause: ViewerLeaveCause, queuedBytes?: number): boolean {
    const record = this.viewers.get(viewerId);
    if (!record) return false;
    this.viewers.delete(viewerId);
    if (record.onEarlyClose) record.sink.off("close", record.onEarlyClose);
    if (record.admitted && cause === "left") this.hub.removeViewer(viewerId, "end");
    const viewerGone = cause === "left" || cause === "closed" || cause === "error";
    if (!record.admitted) record.settle?.reject(this.abortError(viewerGone ? "viewer_left" : undefined));
    this.ctx.onViewerGone(viewerId);
    this.ctx.emit({
      type: "viewer-left",
      channel: this.channelNumber,
      viewerId,
      cause,
      viewers: this.viewers.size,
      ...(queuedBytes !== undefined ? { queuedBytes } : {}),
    });
    if (this.viewers.size === 0) this.onNoViewers(cause === "stream_ended" ? "stream_lost" : "viewer_inactive");
    return true;
  }

  /** Operator stop or shutdown: goes through the manager's teardown gate. Resolves when torn down. */
  requestStop(reason: string): Promise<void> {
    if (this.phase === "stopping") return this.stopped;
    if (this.stopRequest === undefined || reason === "shutdown") this.stopRequest = reason;
    // An immediate start in a transient state is not cut: it ends (LIVE or failure, bounded) and the stop then goes through the gate.
    if (this.phase === "starting") { if (!(this.manager && isTransientState(this.manager.boundaryState))) this.startController?.abort(); }
    else if (this.phase === "running") this.gate(reason);
    else if (!this.busy) void this.finalTeardown(reason, false); // restarting, backoff armed
    return this.stopped;
  }

  /** Shutdown past its grace: tear down now, even in a transient boundary state. */
  forceStop(): Promise<void> {
    this.stopRequest = "shutdown";
    if (this.phase === "starting") this.startController?.abort();
    else if (this.phase === "running" || (this.phase === "restarting" && !this.busy)) void this.finalTeardown("shutdown", true);
    return this.stopped;
  }

  snapshot(): ChannelSessionSnapshot {
    const m = this.manager;
    return {
      channelNumber: this.channelNumber,
      phase: this.phase,
      viewers: this.viewers.size,
      socketPath: this.hub.socketPath,
      createdAtMs: this.createdAtMs,
      ...(this.liveAtMs !== undefined ? { liveAtMs: this.liveAtMs } : {}),
      isLive: m?.isLive ?? false,
      provisional: m?.provisional ?? this.liveAtMs === undefined,
      ...(m ? { boundaryState: m.boundaryState } : {}),
      teardownPending: m?.teardownPending ?? false,
      ...(m?.teardownDeadlineMs !== undefined ? { teardownDeadlineMs: m.teardownDeadlineMs } : {}),
      ...(m?.teardownReason !== undefined ? { teardownReason: m.teardownReason } : {}),
      ...(m?.fatalReason !== undefined ? { fatalReason: m.fatalReason } : {}),
      restartAttempts: this.restartAttempts,
      ...(this.nextRestartAtMs !== undefined ? { nextRestartAtMs: this.nextRestartAtMs } : {}),
      restarts: this.restarts,
      ...(this.lastFailure ? { lastFailureReason: this.lastFailure.reason, lastFailureAtMs: this.lastFailure.atMs } : {}),
      outputWatchdogTrips: this.watchdogTrips,
      hub: this.hub.stats(),
      ...(m ? { manager: m.snapshot() } : {}),
    };
  }

  // ---- start ---------------------------------------------------------------------

  private async runStart(isRestart: boolean): Promise<void> {
    this.phase = "starting";
    this.busy = true;
    this.nextRestartAtMs = undefined;
    this.streamLostDuringStart = false;
    this.liveInRun = false;
    this.engineHung = false;
    if (isRestart) this.restarts++;
    const controller = new AbortController();
    this.startController = controller;
    this.ctx.emit({ type: "session-starting", channel: this.channelNumber, restartAttempt: isRestart ? this.restartAttempts : 0 });
    const failure = await this.startSteps(controller.signal);
    this.startController = undefined;
    this.busy = false;
    if (failure) return this.onStartFailed(failure, isRestart);
    this.run.started = true;
    this.phase = "running";
    this.ctx.emit({ type: "session-started", channel: this.channelNumber });
    this.log.info({ restart: isRestart, viewers: this.viewers.size }, isRestart ? "The channel session restarted; its viewers resume at the new stream's keyframe." : "The channel session started.");
    if (!this.admittedOnce) {
      this.admittedOnce = true;
      for (const record of [...this.viewers.values()]) this.admit(record);
    }
    const manager = this.manager as DirectedChannelManager;
    if (manager.isLive) this.onLive();
    if (manager.boundaryState === "FAILED_TERMINAL") this.onTerminal(manager.fatalReason ?? "terminal during start");
    else if (this.stopRequest !== undefined) this.gate(this.stopRequest);
    else if (this.viewers.size === 0) this.gate("viewer_inactive");
  }

  private startSteps(signal: AbortSignal): Promise<StartFailure | undefined> {
    const listen = !this.hubListening;
    this.hubListening = true; // listen() is idempotent and close() waits for it
    return startEngineRun(this.steps, this.run, signal, {
      listen,
      streamLost: () => this.streamLostDuringStart,
      createManager: () => {
        const manager = this.ctx.createManager(this.channelNumber);
        this.manager = manager;
        this.unsubscribeManager = manager.subscribe((event) => {
          if (this.manager === manager) this.onManagerEvent(event);
        });
        return manager;
      },
    });
  }

  private async onStartFailed(f: StartFailure, isRestart: boolean): Promise<void> {
    const error = new ChannelStartError(this.channelNumber, f.stage, f.failure, f.message, f.cause !== undefined ? { cause: f.cause } : undefined);
    this.log.warn({ stage: f.stage, failure: f.failure, message: f.message, restart: isRestart }, "The channel could not be started.");
    this.ctx.emit({ type: "start-failed", channel: this.channelNumber, error });
    if (!isRestart) {
      const reject = this.stopRequest !== undefined ? this.abortError(undefined) : error;
      for (const record of [...this.viewers.values()]) {
        record.settle?.reject(reject);
        record.settle = undefined;
        this.removeViewer(record.id, "start_failed");
      }
      return this.finalTeardown(this.stopRequest ?? "start_failed", true);
    }
    this.phase = "restarting";
    this.busy = true;
    await this.stopEngine(true);
    this.disposeManager();
    this.busy = false;
    this.afterFailedRun(`restart failed at ${f.stage}: ${f.message}`);
  }

  private admit(record: SessionViewer): boolean {
    if (record.onEarlyClose) record.sink.off("close", record.onEarlyClose);
    record.onEarlyClose = undefined;
    if (!this.hub.addViewer(record.id, record.sink)) {
      this.removeViewer(record.id, "closed");
      return false;
    }
    record.admitted = true;
    record.settle?.resolve();
    record.settle = undefined;
    return true;
  }

  // ---- events --------------------------------------------------------------------

  private onManagerEvent(event: { readonly type: string; readonly reason?: string }): void {
    if (this.phase !== "running") return; // start and restart re-check the manager's state themselves
    if (event.type === "live") this.onLive();
    else if (event.type === "terminal") this.onTerminal(event.reason ?? "terminal");
    else if (event.type === "teardown-ready") {
      this.awaitingTeardownReady = false;
      void this.finalTeardown(event.reason ?? "deferred", false);
    }
  }

  private onLive(): void {
    this.restartAttempts = 0;
    this.liveAtMs = this.ctx.clock.now();
    if (!this.liveInRun) {
      this.liveInRun = true;
      this.watchdogFromMs = this.liveAtMs;
      this.armWatchdog(this.ctx.options.outputWatchdogMs);
    }
    this.ctx.emit({ type: "session-live", channel: this.channelNumber });
  }

  private onTerminal(reason: string): void {
    // A deferred teardown runs now instead: the manager posts teardown-ready right after.
    if (this.awaitingTeardownReady) return;
    if (this.stopRequest !== undefined) return this.gate(this.stopRequest);
    if (this.viewers.size === 0) return this.gate("viewer_inactive");
    void this.restart("terminal", reason);
  }

  // ---- output watchdog -----------------------------------------------------------

  private armWatchdog(delayMs: number): void {
    if (this.ctx.options.outputWatchdogMs === 0 || this.watchdogTimer !== undefined) return;
    this.watchdogTimer = this.ctx.clock.setTimeout(() => {
      this.watchdogTimer = undefined;
      this.checkWatchdog();
    }, delayMs);
  }

  private clearWatchdog(): void {
    if (this.watchdogTimer !== undefined) this.ctx.clock.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }

  /**
   * One timer, re-armed for the rest of the bound after each byte: no per-read work.
   * Before the run's first byte the bound is tripled: an engine that is slow to emit its
   * first packets (the real engine's encoder on a loaded machine) must not be restarted in a
   * loop that only adds load; a stall once bytes flow gets the plain bound.
   */
  private checkWatchdog(): void {
    if (this.phase !== "running" || !this.liveInRun) return;
    const lastInputAtMs = this.hub.stats().lastInputAtMs;
    const flowing = lastInputAtMs !== undefined && lastInputAtMs >= this.watchdogFromMs;
    const boundMs = this.ctx.options.outputWatchdogMs * (flowing ? 1 : FIRST_BYTE_BOUND_FACTOR);
    const silentMs = this.ctx.clock.now() - (flowing ? lastInputAtMs : this.watchdogFromMs);
    // Before the first byte, look again after one plain bound (not the whole first-byte bound),
    // so a stall soon after a late first byte is still caught one bound after its last byte.
    if (silentMs < boundMs) return this.armWatchdog(Math.min(boundMs - silentMs, this.ctx.options.outputWatchdogMs));
    this.watchdogTrips++;
    this.engineHung = true;
    this.ctx.emit({ type: "output-watchdog-tripped", channel: this.channelNumber, silentMs });
    this.log.warn(
      { silentMs, boundMs, firstByte: !flowing, viewers: this.viewers.size },
      "The engine wrote no bytes for too long while live, so it is treated as hung and ended.",
    );
    this.onEngineFailure("output_watchdog", `no output for ${silentMs} ms`);
  }

  /** The engine failed under the running session: restart with viewers, else tear down at once. */
  private onEngineFailure(reason: EngineFailureReason, detail: string): void {
    if (this.phase !== "running") return;
    if (this.stopRequest !== undefined || this.awaitingTeardownReady || this.viewers.size === 0) {
      // Nobody to keep: the engine is gone or hung, so no stable boundary state is worth waiting for.
      void this.finalTeardown(this.stopRequest ?? (this.viewers.size === 0 ? "viewer_inactive" : reason), true);
      return;
    }
    void this.restart(reason, detail);
  }

  private onHubEvent(event: StreamHubEvent): void {
    if (event.type === "viewer-removed") {
      this.removeViewer(event.viewerId, event.cause, event.queuedBytes);
    } else if (event.type === "engine-disconnected") {
      this.ctx.emit({ type: "engine-disconnected", channel: this.channelNumber, expected: event.expected });
      if (event.expected || this.phase === "stopping") return;
      if (this.phase === "starting" && this.startController) {
        this.streamLostDuringStart = true;
        this.startController.abort();
        return;
      }
      // The hub keeps the viewers: the next engine's stream is spliced in after the restart.
      this.onEngineFailure("stream_lost", event.error?.message ?? "the engine closed its stream");
    }
  }

  private onNoViewers(reason: string): void {
    if (this.phase === "running") this.gate(reason);
    else if (this.phase === "restarting" && !this.busy) void this.finalTeardown(reason, false);
    // starting / busy restarting: checked when that sequence ends.
  }

  /** Every teardown trigger goes through the manager's one gate (INV-VIEWER-COUNT-ADVISORY-001). */
  private gate(reason: string): void {
    const manager = this.manager;
    if (this.phase !== "running" || !manager) return;
    const wasPending = manager.teardownPending;
    const now = manager.requestTeardown(reason);
    if (now) {
      this.ctx.emit({ type: "teardown-requested", channel: this.channelNumber, reason, deferred: false });
      void this.finalTeardown(reason, false);
    } else if (!wasPending) {
      this.awaitingTeardownReady = true;
      this.ctx.emit({ type: "teardown-requested", channel: this.channelNumber, reason, deferred: true });
      this.log.info(
        { reason, state: manager.boundaryState, deadlineMs: manager.teardownDeadlineMs, invariant: Invariant.TeardownStableState },
        "The teardown waits for a stable boundary state.",
      );
    }
  }

  // ---- restart -------------------------------------------------------------------

  private async restart(failure: EngineFailureReason, detail: string): Promise<void> {
    this.phase = "restarting";
    this.busy = true;
    this.clearWatchdog();
    this.lastFailure = { reason: failure, atMs: this.ctx.clock.now() };
    this.ctx.emit({ type: "engine-failed", channel: this.channelNumber, reason: failure, viewers: this.viewers.size });
    this.log.warn({ failure, detail, viewers: this.viewers.size }, "The engine failed while viewers watch; it is restarted and the viewers stay connected.");
    // FAILED_TERMINAL is stable: always permitted. After a lost stream or a hang the manager
    // may be mid-boundary; it is disposed either way, so no new engine work is formed.
    const teardownReason = failure === "terminal" ? "terminal_restart" : "engine_restart";
    this.manager?.requestTeardown(teardownReason);
    this.ctx.emit({ type: "teardown-requested", channel: this.channelNumber, reason: teardownReason, deferred: false });
    await this.stopEngine(true);
    this.disposeManager();
    this.busy = false;
    this.afterFailedRun(`${failure}: ${detail}`);
  }

  private afterFailedRun(reason: string): void {
    if (this.stopRequest !== undefined) return void this.finalTeardown(this.stopRequest, false);
    if (this.viewers.size === 0) return void this.finalTeardown("viewer_inactive", false);
    const backoff = this.ctx.options.restartBackoffMs;
    if (this.restartAttempts >= backoff.length) {
      this.log.error(
        { attempts: this.restartAttempts, reason, viewers: this.viewers.size },
        "The channel's engine kept failing and every restart try is spent, so the channel ends for its viewers.",
      );
      this.ctx.emit({ type: "restart-exhausted", channel: this.channelNumber, attempts: this.restartAttempts });
      return void this.finalTeardown("restart_exhausted", false);
    }
    const delayMs = backoff[this.restartAttempts] as number;
    this.restartAttempts++;
    this.nextRestartAtMs = this.ctx.clock.now() + delayMs;
    this.restartTimer = this.ctx.clock.setTimeout(() => {
      this.restartTimer = undefined;
      void this.runStart(true);
    }, delayMs);
    this.ctx.emit({ type: "restart-scheduled", channel: this.channelNumber, attempt: this.restartAttempts, delayMs, reason });
  }

  // ---- teardown ------------------------------------------------------------------

  /** Idempotent: the first call runs the teardown, later calls share its completion. */
  private finalTeardown(reason: string, forced: boolean): Promise<void> {
    this.finalizing ??= this.runFinalTeardown(reason, forced);
    return this.finalizing;
  }

  private async runFinalTeardown(reason: string, forced: boolean): Promise<void> {
    const startedAtMs = this.ctx.clock.now();
    this.phase = "stopping";
    this.clearWatchdog();
    if (this.restartTimer) this.ctx.clock.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.nextRestartAtMs = undefined;
    for (const record of [...this.viewers.values()]) if (!record.admitted) this.removeViewer(record.id, "teardown");
    this.log.info({ reason, forced, viewers: this.viewers.size, invariant: Invariant.ViewerCountAdvisory }, "executing teardown");
    const stop = await this.stopEngine(forced);
    await this.hub.close().catch((error: unknown) => this.log.error({ err: String(error) }, "hub close failed"));
    const cause = reason === "restart_exhausted" ? "restart_exhausted" : "teardown";
    for (const record of [...this.viewers.values()]) this.removeViewer(record.id, cause);
    this.unsubscribeHub();
    this.disposeManager();
    this.ctx.onFreed(this);
    const durationMs = this.ctx.clock.now() - startedAtMs;
    this.log.info({ reason, stop, durationMs }, "teardown complete");
    this.ctx.emit({ type: "teardown-completed", channel: this.channelNumber, reason, stop, forced, durationMs });
    this.resolveStopped();
  }

  /** Tears down what the current engine run reached (see stopEngineRun); the next run starts fresh. */
  private stopEngine(force: boolean): Promise<StopOutcome> {
    const run = this.run;
    this.run = freshEngineRun();
    return stopEngineRun(this.steps, run, force, this.engineHung);
  }

  private disposeManager(): void {
    this.unsubscribeManager?.();
    this.unsubscribeManager = undefined;
    this.manager?.dispose();
    this.manager = undefined;
  }

  private abortError(reason: "viewer_left" | undefined): Error {
    if (reason === "viewer_left") return new TuneInAbortedError(this.channelNumber, "viewer_left");
    if (this.stopRequest === "shutdown") return new ShuttingDownError(this.channelNumber);
    return new TuneInAbortedError(this.channelNumber, "channel_stopped");
  }
}
