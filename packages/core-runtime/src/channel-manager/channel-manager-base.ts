import type { BoundaryPlan } from "../boundary/boundary-plan.js";
import { Invariant, type BoundaryState, type InvariantId } from "../boundary/boundary-state.js";
import { BoundaryStateMachine, type BoundaryMove } from "../boundary/boundary-state-machine.js";
import { dueRule, nextDueAtMs, type DueRule, type TimeRuleInput } from "../boundary/boundary-time-rules.js";
import type { Clock } from "../ports/clock.js";
import { noopLifecycleMetrics, type LifecycleMetrics } from "../ports/lifecycle-metrics.js";
import { silentLogger, type Logger } from "../ports/logger.js";
import type { EngineFailure, EngineOutcome, PlayoutEngine } from "../ports/playout-engine.js";
import type { ScheduleSource } from "../ports/schedule-source.js";
import { BadMediaReplacer } from "./bad-media-replacer.js";
import { withDefined, type ChannelManagerEvent, type ChannelManagerPhase, type ChannelManagerSnapshot } from "./channel-manager-events.js";
import { resolveChannelManagerOptions, type ChannelManagerOptions } from "./channel-manager-options.js";
import { DueTimer } from "./due-timer.js";
import { EngineCallSlot } from "./engine-call-slot.js";
import { EventMailbox } from "./event-mailbox.js";
import { TeardownGate } from "./teardown-gate.js";

/** Log level of a routine or operator-worthy event. @internal */
export type LogLevel = "error" | "warn" | "info";

/** What a ChannelManager needs. `logger` defaults to silent, `metrics` to no-op. */
export interface ChannelManagerDeps {
  readonly channelNumber: number;
  readonly engine: PlayoutEngine;
  readonly schedule: ScheduleSource;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly metrics?: LifecycleMetrics;
}

/** Bound on rules applied in one evaluation; a pass applies at most a few (e.g. arm-switch then issue-switch). */
const MAX_RULES_PER_EVALUATION = 8;

/**
 * What every ChannelManager holds beside its boundary work: the state machine, events, the
 * teardown gate, the one due timer and the time-rule evaluation, terminal entry and the
 * snapshot. {@link ChannelManager} adds the start and the engine calls of each boundary.
 * @internal Not for use outside the package.
 */
export abstract class ChannelManagerBase {
  /** The channel this manager governs. */
  readonly channelNumber: number;
  /** The resolved options (defaults applied). */
  readonly options: ChannelManagerOptions;

  protected readonly engine: PlayoutEngine;
  protected readonly schedule: ScheduleSource;
  protected readonly clock: Clock;
  protected readonly logger: Logger;
  protected readonly metrics: LifecycleMetrics;
  protected readonly machine: BoundaryStateMachine;
  protected readonly mailbox: EventMailbox<ChannelManagerEvent>;

  protected phase: ChannelManagerPhase = "idle";
  protected startFailureReason: string | undefined;
  protected isProvisional = true;
  protected plan: BoundaryPlan | undefined;
  protected live: BoundaryPlan | undefined;
  protected liveCount = 0;
  protected loadPreviewRetryAtMs: number | undefined;
  protected lastSwitchTargetMs: number | undefined;
  /** Immediate start: when the next SwitchToLive poll is due (after a NOT_READY). */
  protected switchPollAtMs: number | undefined;
  /** Immediate start: settles start() at the first LIVE or the start failure. */
  protected startWaiter: ((outcome: EngineOutcome) => void) | undefined;
  /** Immediate start: the typed failure start() reports (set where the start fails). */
  protected startFailure: EngineFailure | undefined;
  protected readonly badMedia: BadMediaReplacer;
  /** Level of the log line announcing the next FAILED_TERMINAL entry (routine causes are not errors). */
  protected terminalLevel: LogLevel = "error";
  /** The one engine call in flight; invalidated on terminal entry and dispose so late answers are ignored. */
  protected readonly calls = new EngineCallSlot();
  /** The one clock timer, armed for the next due instant. */
  protected readonly timer: DueTimer;
  protected inStep = false;
  protected readonly gate: TeardownGate;

  /** Throws ChannelManagerOptionsError for options out of range. */
  constructor(deps: ChannelManagerDeps, options: Partial<ChannelManagerOptions> = {}) {
    this.channelNumber = deps.channelNumber;
    this.options = resolveChannelManagerOptions(options);
    this.engine = deps.engine;
    this.schedule = deps.schedule;
    this.clock = deps.clock;
    this.logger = (deps.logger ?? silentLogger).child({ component: "channel-manager", channel: deps.channelNumber });
    this.metrics = deps.metrics ?? noopLifecycleMetrics;
    this.machine = new BoundaryStateMachine(this.logger, () => this.clock.now(), (move) => this.onMove(move));
    this.gate = new TeardownGate(this.channelNumber, this.options.teardownGraceMs, this.logger, this.metrics);
    this.timer = new DueTimer(this.clock, () => this.tick());
    this.badMedia = new BadMediaReplacer({
      channelNumber: this.channelNumber,
      schedule: this.schedule,
      timing: this.options,
      logger: this.logger,
      metrics: this.metrics,
      report: (item) => this.mailbox.post({ type: "bad-item", item, atMs: item.atMs }),
    });
    this.mailbox = new EventMailbox((error, event) =>
      this.logger.error({ err: error, event: event.type }, "channel manager listener threw"),
    );
  }

  /** The current boundary state. */
  get boundaryState(): BoundaryState {
    return this.machine.state;
  }

  /** True only in LIVE: the channel is durably live (INV-LIVE-SESSION-AUTHORITY-001). */
  get isLive(): boolean {
    return this.machine.state === "LIVE" && this.phase !== "disposed";
  }

  /** True until the session's first LIVE. */
  get provisional(): boolean {
    return this.isProvisional;
  }

  /** True while a teardown request waits for a stable state. */
  get teardownPending(): boolean {
    return this.gate.pending !== undefined;
  }

  /** Grace deadline (epoch ms) of the pending teardown. */
  get teardownDeadlineMs(): number | undefined {
    return this.gate.pending?.deadlineMs;
  }

  /** Reason of the pending teardown (the first request's). */
  get teardownReason(): string | undefined {
    return this.gate.pending?.reason;
  }

  /** Why the manager failed: the FAILED_TERMINAL reason, or the start failure. */
  get fatalReason(): string | undefined {
    return this.machine.fatalReason ?? this.startFailureReason;
  }

  /** The manager's own life phase (see {@link ChannelManagerPhase}). */
  get lifePhase(): ChannelManagerPhase {
    return this.phase;
  }

  /** Evaluates every time rule at `clock.now()`. Idempotent: a second call at the same instant does nothing. */
  tick(): void {
    this.step(() => undefined);
  }

  /** Adds a listener for {@link ChannelManagerEvent}s; returns the unsubscribe function. */
  subscribe(listener: (event: ChannelManagerEvent) => void): () => void {
    return this.mailbox.subscribe(listener);
  }

  /** Plain data for diagnostics and the admin API. */
  snapshot(): ChannelManagerSnapshot {
    const snapshot: ChannelManagerSnapshot = {
      channelNumber: this.channelNumber,
      phase: this.phase,
      state: this.machine.state,
      isLive: this.isLive,
      provisional: this.isProvisional,
      teardownPending: this.gate.pending !== undefined,
      badItems: this.badMedia.items,
      liveBoundaryCount: this.liveCount,
      nowMs: this.clock.now(),
    };
    return withDefined(snapshot, {
      teardownDeadlineMs: this.gate.pending?.deadlineMs,
      teardownReason: this.gate.pending?.reason,
      fatalReason: this.fatalReason,
      currentSegment: this.live?.segment,
      lastBadItem: this.badMedia.last,
      nextSegment: this.plan?.segment,
      nextBoundaryMs: this.plan?.boundaryMs,
      nextDueAtMs: this.timer.atMs,
    });
  }

  /** Idempotent: clears the timer, aborts in-flight calls, ignores late answers, drops listeners. */
  dispose(): void {
    if (this.phase === "disposed") return;
    this.phase = "disposed";
    this.gate.clear();
    this.plan = undefined;
    this.loadPreviewRetryAtMs = undefined;
    this.timer.clear();
    this.calls.invalidate();
    this.settleStart({ ok: false, failure: { kind: "error", error: "aborted", message: "channel manager disposed during the start" } });
    this.mailbox.close();
    this.logger.debug({ state: this.machine.state }, "channel manager disposed");
  }

  /**
   * The manager's only way to change the boundary state: through the one transition
   * function (INV-BOUNDARY-LIFECYCLE-001); an illegal move forces FAILED_TERMINAL.
   * @internal Protected so tests can attempt arbitrary moves; not for production callers.
   */
  protected moveTo(to: BoundaryState, failureReason?: string): BoundaryMove {
    return this.machine.moveTo(to, failureReason);
  }

  // ── processing ─────────────────────────────────────────────────────────────

  /** Runs one input (API call, timer, engine answer), then the time rules, re-arms the one timer and delivers events. */
  protected step<T>(input: () => T): T {
    if (this.inStep) return input();
    this.inStep = true;
    let result: T;
    try {
      result = input();
      this.evaluate();
    } finally {
      this.inStep = false;
      this.rearm();
    }
    this.mailbox.deliver();
    return result;
  }

  protected evaluate(): void {
    for (let i = 0; i < MAX_RULES_PER_EVALUATION; i++) {
      if (this.phase === "disposed") return;
      const nowMs = this.clock.now();
      const rule = dueRule(this.timeRuleInput(), nowMs);
      if (rule === undefined) return;
      this.apply(rule, nowMs);
    }
  }

  protected timeRuleInput(): TimeRuleInput {
    return {
      state: this.machine.state,
      running: this.phase === "running" || (this.phase === "starting" && this.startWaiter !== undefined),
      plan: this.plan,
      teardownDeadlineMs: this.gate.pending?.deadlineMs,
      loadPreviewRetryAtMs: this.loadPreviewRetryAtMs,
      loadPreviewInFlight: this.calls.busy,
      switchPollAtMs: this.switchPollAtMs,
      switchAnswerTimeoutMs: this.options.switchAnswerTimeoutMs,
    };
  }

  /** Keeps exactly one clock timer, armed for the next due instant (nothing polls). */
  protected rearm(): void {
    this.timer.set(this.phase === "disposed" ? undefined : nextDueAtMs(this.timeRuleInput()));
  }

  // ── boundary work ──────────────────────────────────────────────────────────

  /** Boundaries too close to honour are played over (never forced, never a gap): INFO. */
  protected logPlayedOver(plan: BoundaryPlan): void {
    if (plan.skippedBoundariesMs.length === 0) return;
    this.logger.info(
      { boundaryMs: plan.boundaryMs, assetPath: plan.assetPath, skippedBoundariesMs: plan.skippedBoundariesMs, coverUntilMs: plan.coverUntilMs, frameCount: plan.frameCount },
      "Boundaries too close to honour are played over; the item plays on to the next one that can be honoured.",
    );
  }

  protected fail(reason: string, invariant?: InvariantId, level: LogLevel = "error"): void {
    this.terminalLevel = level;
    this.logger[level]({ invariant, state: this.machine.state, reason }, reason.endsWith(".") ? reason : `${reason}.`);
    this.moveTo("FAILED_TERMINAL", reason);
  }

  /** Settles an immediate start()'s promise once. */
  protected settleStart(outcome: EngineOutcome): void {
    const resolve = this.startWaiter;
    this.startWaiter = undefined;
    resolve?.(outcome);
  }

  protected failStart(reason: string, error: "not_found" | undefined = undefined): EngineOutcome {
    this.phase = "start_failed";
    this.startFailureReason = reason;
    this.logger.warn({ reason }, "The channel start failed.");
    return { ok: false, failure: { kind: "error", error: error ?? "internal", message: reason } };
  }

  protected expireGrace(nowMs: number): void {
    this.startFailure = { kind: "error", error: "aborted", message: "teardown grace expired during the start" };
    this.fail(this.gate.expire(this.machine.state, nowMs), Invariant.TeardownGraceTimeout, "warn");
  }

  protected grantTeardown(): void {
    this.phase = "teardown_granted";
    this.plan = undefined;
    this.loadPreviewRetryAtMs = undefined;
    this.switchPollAtMs = undefined;
  }

  /** Runs inside BoundaryStateMachine.moveTo for every move: events, terminal entry, deferred teardown. */
  protected onMove(move: BoundaryMove): void {
    this.metrics.boundaryTransition?.(this.channelNumber, move.from, move.to);
    this.mailbox.post({ type: "state", from: move.from, to: move.to, atMs: move.atMs });
    if (move.to === "FAILED_TERMINAL") this.enterTerminal(move);
    if (move.to === "LIVE" && this.plan !== undefined) {
      this.live = this.plan;
      this.liveCount += 1;
      this.isProvisional = false;
      const immediate = this.plan.startDeadlineMs !== undefined;
      this.logger.info(
        {
          invariant: immediate ? Invariant.SessionStartImmediate : Invariant.LiveSessionAuthority,
          boundaryMs: this.plan.boundaryMs,
          kind: this.plan.kind,
          assetPath: this.plan.assetPath,
          ...(this.plan.substitute ? { substitute: this.plan.substitute } : {}),
        },
        immediate ? "The session start is live." : "The boundary is live.",
      );
      this.mailbox.post({ type: "live", atMs: move.atMs, boundaryMs: this.plan.boundaryMs, kind: this.plan.kind, segment: this.plan.segment });
      if (this.phase === "starting") {
        this.phase = "running";
        this.settleStart({ ok: true, value: undefined });
      }
    }
    this.runDeferredTeardown(move.to, move.atMs);
  }

  /** INV-TERMINAL-TIMER-CLEARED-001 and INV-TERMINAL-SCHEDULER-HALT-001, whatever the path in. */
  protected enterTerminal(move: BoundaryMove): void {
    this.plan = undefined;
    this.loadPreviewRetryAtMs = undefined;
    this.switchPollAtMs = undefined;
    this.timer.clear();
    this.calls.invalidate();
    if (!move.enteredTerminal) return;
    const reason = this.machine.fatalReason ?? "unknown";
    const level = this.terminalLevel;
    this.terminalLevel = "error";
    this.logger[level](
      { invariant: Invariant.TerminalSchedulerHalt, alsoInvariant: Invariant.TerminalTimerCleared, from: move.from, fatalReason: reason },
      "The channel entered FAILED_TERMINAL; scheduling is halted and its timers are cleared.",
    );
    if (this.startWaiter !== undefined) {
      this.phase = "start_failed";
      this.startFailureReason = reason;
      const failure = this.startFailure ?? { kind: "error", error: "internal", message: reason };
      this.settleStart({ ok: false, failure });
    }
    this.mailbox.post({ type: "terminal", reason, atMs: move.atMs });
  }

  protected runDeferredTeardown(stateReached: BoundaryState, atMs: number): void {
    const released = this.gate.releaseOnEntry(stateReached, atMs);
    if (released === undefined) return;
    this.grantTeardown();
    this.mailbox.post({ type: "teardown-ready", ...released, atMs });
  }

  /** Carries out one due rule (see {@link DueRule}). */
  protected abstract apply(rule: DueRule, nowMs: number): void;
}
