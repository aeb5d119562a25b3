import { planNextBoundary, planStartupBoundary, type BoundaryPlan } from "../boundary/boundary-plan.js";
import { Invariant, type BoundaryState, type InvariantId } from "../boundary/boundary-state.js";
import { BoundaryStateMachine, type BoundaryMove } from "../boundary/boundary-state-machine.js";
import { dueRule, nextDueAtMs, type DueRule, type TimeRuleInput } from "../boundary/boundary-time-rules.js";
import type { Clock } from "../ports/clock.js";
import { checkDeclaredMatchesPlan } from "../boundary/declared-plan-check.js";
import { DueTimer } from "./due-timer.js";
import { EngineCallSlot, type EngineCallTicket } from "./engine-call-slot.js";
import {
  withDefined,
  type ChannelManagerEvent,
  type ChannelManagerPhase,
  type ChannelManagerSnapshot,
  type TeardownReason,
} from "./channel-manager-events.js";
import { resolveChannelManagerOptions, type ChannelManagerOptions } from "./channel-manager-options.js";
import { ChannelManagerStateError } from "./channel-manager-state-error.js";
import { decideLoadPreviewRetry, describeEngineFailure } from "./engine-failure.js";
import { EventMailbox } from "./event-mailbox.js";
import { TeardownGate } from "./teardown-gate.js";
import { noopLifecycleMetrics, type LifecycleMetrics } from "../ports/lifecycle-metrics.js";
import { silentLogger, type Logger } from "../ports/logger.js";
import type { EngineOutcome, PlayoutEngine, SwitchToLiveResult } from "../ports/playout-engine.js";
import type { ProgramFormat } from "../ports/program-format.js";
import type { ScheduleSource } from "../ports/schedule-source.js";

export type { ChannelManagerEvent, ChannelManagerPhase, ChannelManagerSnapshot, TeardownReason } from "./channel-manager-events.js";

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
 * The lifecycle authority of one channel session (LIFECYCLE.md): it governs every boundary
 * through the seven-state machine, talks to the engine only through the PlayoutEngine port,
 * takes all time from the injected Clock, and gates teardown.
 *
 * - Boundaries: PLANNED is entered at boundary − preload lead with a LoadPreview (retried
 *   until the switch issuance instant on REJECTED_BUSY/NOT_READY/transport errors); the
 *   one-shot SwitchToLive goes out at boundary − MIN_PREFEED − margin with the planned
 *   boundary as target; its success is LIVE, any failure FAILED_TERMINAL.
 * - Teardown: {@link requestTeardown} permits at once in a stable state, otherwise defers
 *   and emits `teardown-ready` the moment a stable state is entered, or forces
 *   FAILED_TERMINAL at the grace deadline. The manager never performs teardown itself.
 * - Time: one clock timer armed for the next due instant; {@link tick} evaluates every
 *   time rule at `clock.now()` and is idempotent.
 */
export class ChannelManager {
  /** The channel this manager governs. */
  readonly channelNumber: number;
  /** The resolved options (defaults applied). */
  readonly options: ChannelManagerOptions;

  private readonly engine: PlayoutEngine;
  private readonly schedule: ScheduleSource;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly metrics: LifecycleMetrics;
  private readonly machine: BoundaryStateMachine;
  private readonly mailbox: EventMailbox<ChannelManagerEvent>;

  private phase: ChannelManagerPhase = "idle";
  private startFailureReason: string | undefined;
  private isProvisional = true;
  private plan: BoundaryPlan | undefined;
  private live: BoundaryPlan | undefined;
  private liveCount = 0;
  private loadPreviewRetryAtMs: number | undefined;
  private lastSwitchTargetMs: number | undefined;
  /** The one engine call in flight; invalidated on terminal entry and dispose so late answers are ignored. */
  private readonly calls = new EngineCallSlot();
  /** The one clock timer, armed for the next due instant. */
  private readonly timer: DueTimer;
  private inStep = false;
  private readonly gate: TeardownGate;

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

  /**
   * Starts the session: StartChannel (plan handle = the first live asset, program format
   * from the schedule), then governs the first boundary NONE→PLANNED→…→LIVE. Resolves to
   * StartChannel's outcome (or a `not_found` error if the schedule does not know the
   * channel); on failure the manager stays in NONE, phase `start_failed`, and is only good
   * for dispose. Throws ChannelManagerStateError if called twice.
   */
  async start(): Promise<EngineOutcome> {
    if (this.phase === "disposed" || this.phase === "teardown_granted") {
      this.logger.info({ invariant: Invariant.TeardownNoNewWork, phase: this.phase }, "start refused: no new session start");
      return { ok: false, failure: { kind: "error", error: "aborted", message: `channel manager is ${this.phase}` } };
    }
    if (this.phase !== "idle") throw new ChannelManagerStateError("start", this.phase);
    this.phase = "starting";
    let planHandle: string;
    let programFormat: ProgramFormat;
    try {
      planHandle = planStartupBoundary(this.schedule, this.channelNumber, this.clock.now(), this.options).segment.assetPath;
      programFormat = this.schedule.programFormat(this.channelNumber);
    } catch (error) {
      return this.failStart(`Schedule has no plan for channel ${this.channelNumber}: ${String(error)}`, "not_found");
    }
    const ticket = this.calls.begin();
    const outcome = await this.engine.startChannel(
      { channelId: this.channelNumber, planHandle, programFormat },
      { signal: ticket.signal, timeoutMs: this.options.engineCallTimeoutMs },
    );
    return this.step(() => {
      if (!this.calls.accept(ticket) || this.phase !== "starting") {
        this.logger.info({ phase: this.phase }, "StartChannel answered after the session was released");
        return outcome;
      }
      if (!outcome.ok) {
        this.failStart(`StartChannel failed: ${describeEngineFailure(outcome.failure)}`);
        return outcome;
      }
      try {
        this.plan = planStartupBoundary(this.schedule, this.channelNumber, this.clock.now(), this.options);
      } catch (error) {
        return this.failStart(`Schedule has no plan for channel ${this.channelNumber}: ${String(error)}`, "not_found");
      }
      this.phase = "running";
      this.logger.info(
        { boundaryMs: this.plan.boundaryMs, assetPath: this.plan.segment.assetPath, startFrame: this.plan.startFrame },
        "session started; first boundary planned",
      );
      return outcome;
    });
  }

  /**
   * The one teardown gate (INV-VIEWER-COUNT-ADVISORY-001). In a stable state returns true:
   * the caller tears down now, and the manager forms no new work. In a transient state
   * records the request (deadline = now + grace) and returns false; a `teardown-ready`
   * event follows exactly once, on the next stable state or at the grace deadline
   * (INV-TEARDOWN-STABLE-STATE-001, INV-TEARDOWN-GRACE-TIMEOUT-001). A repeat while
   * pending is a no-op returning false: the first deadline and reason stand.
   */
  requestTeardown(reason: TeardownReason): boolean {
    return this.step(() => {
      if (this.phase === "disposed") return true;
      const firstPermit = this.phase !== "teardown_granted";
      const decision = this.gate.request(reason, this.machine.state, this.clock.now(), firstPermit);
      if (decision.kind !== "permit") return false;
      if (firstPermit) this.grantTeardown();
      return true;
    });
  }

  /**
   * A viewer came back while a teardown was pending: drops the request and resumes
   * normal work. Returns false when nothing was pending (including after a teardown
   * was already granted: that session is over).
   */
  cancelPendingTeardown(): boolean {
    return this.step(() => this.gate.cancel(this.machine.state) !== undefined);
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
      liveBoundaryCount: this.liveCount,
      nowMs: this.clock.now(),
    };
    return withDefined(snapshot, {
      teardownDeadlineMs: this.gate.pending?.deadlineMs,
      teardownReason: this.gate.pending?.reason,
      fatalReason: this.fatalReason,
      currentSegment: this.live?.segment,
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
  private step<T>(input: () => T): T {
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

  private evaluate(): void {
    for (let i = 0; i < MAX_RULES_PER_EVALUATION; i++) {
      if (this.phase === "disposed") return;
      const nowMs = this.clock.now();
      const rule = dueRule(this.timeRuleInput(), nowMs);
      if (rule === undefined) return;
      this.apply(rule, nowMs);
    }
  }

  private timeRuleInput(): TimeRuleInput {
    return {
      state: this.machine.state,
      running: this.phase === "running",
      plan: this.plan,
      teardownDeadlineMs: this.gate.pending?.deadlineMs,
      loadPreviewRetryAtMs: this.loadPreviewRetryAtMs,
      loadPreviewInFlight: this.calls.busy,
      switchAnswerTimeoutMs: this.options.switchAnswerTimeoutMs,
    };
  }

  /** Carries out one due rule (see {@link DueRule}). */
  private apply(rule: DueRule, nowMs: number): void {
    if (rule === "grace-expired") return this.expireGrace(nowMs);
    // Every other rule needs a plan (dueRule returns none without one).
    const plan = this.plan!;
    switch (rule) {
      case "preload":
        this.moveTo("PLANNED");
        return this.sendLoadPreview(plan, nowMs);
      case "retry-preload":
        return this.sendLoadPreview(plan, nowMs);
      case "preload-missed":
        return this.fail(
          `LoadPreview for boundary ${plan.boundaryMs} not accepted by the switch issuance instant ${plan.switchIssueAtMs}`,
          Invariant.SwitchIssuanceDeadline,
        );
      case "arm-switch":
        this.moveTo("SWITCH_SCHEDULED");
        return;
      case "switch-missed":
        return this.fail(
          `Boundary ${plan.boundaryMs} missed: no switch may be scheduled while a teardown is pending`,
          Invariant.TeardownNoNewWork,
        );
      case "issue-switch":
        return this.issueSwitch(plan, nowMs);
      case "switch-unanswered":
        return this.fail(
          `SwitchToLive for boundary ${plan.boundaryMs} unanswered ${this.options.switchAnswerTimeoutMs} ms after its target`,
          Invariant.SwitchIssuanceTerminal,
        );
    }
  }

  /** Keeps exactly one clock timer, armed for the next due instant (nothing polls). */
  private rearm(): void {
    this.timer.set(this.phase === "disposed" ? undefined : nextDueAtMs(this.timeRuleInput()));
  }

  // ── boundary work ──────────────────────────────────────────────────────────

  private sendLoadPreview(plan: BoundaryPlan, nowMs: number): void {
    this.loadPreviewRetryAtMs = undefined;
    const ticket = this.calls.begin();
    const params = {
      channelId: this.channelNumber,
      assetPath: plan.segment.assetPath,
      startFrame: plan.startFrame,
      frameCount: plan.frameCount,
      fps: plan.segment.fps,
    };
    this.logger.debug({ boundaryMs: plan.boundaryMs, ...params }, "LoadPreview issued");
    const timeoutMs = Math.max(1, Math.min(this.options.engineCallTimeoutMs, plan.switchIssueAtMs - nowMs));
    void this.engine
      .loadPreview(params, { signal: ticket.signal, timeoutMs })
      .then((outcome) => this.step(() => this.onLoadPreviewAnswer(ticket, plan, outcome)));
  }

  private onLoadPreviewAnswer(ticket: EngineCallTicket, plan: BoundaryPlan, outcome: EngineOutcome): void {
    if (!this.calls.accept(ticket) || this.plan !== plan || this.machine.state !== "PLANNED") {
      this.logger.debug({ boundaryMs: plan.boundaryMs }, "late LoadPreview answer ignored");
      return;
    }
    const nowMs = this.clock.now();
    if (outcome.ok) {
      this.metrics.observePrefeedLeadMs(this.channelNumber, plan.boundaryMs - nowMs);
      this.moveTo("PRELOAD_ISSUED");
      return;
    }
    const failure = describeEngineFailure(outcome.failure);
    const next = decideLoadPreviewRetry(outcome.failure, this.gate.pending !== undefined, nowMs, this.options.loadPreviewRetryDelayMs, plan.switchIssueAtMs);
    const fields = { boundaryMs: plan.boundaryMs, failure };
    switch (next.kind) {
      case "terminal":
        return this.fail(`LoadPreview for boundary ${plan.boundaryMs} failed: ${failure}`);
      case "hold":
        return this.logger.info({ invariant: Invariant.TeardownNoNewWork, ...fields }, "LoadPreview failed; no retry while a teardown is pending");
      case "no-time":
        return this.logger.warn(fields, "LoadPreview failed; no time left to retry before switch issuance");
      case "retry":
        this.loadPreviewRetryAtMs = next.retryAtMs;
        return this.logger.warn({ ...fields, retryAtMs: next.retryAtMs }, "LoadPreview failed; retrying");
    }
  }

  private issueSwitch(plan: BoundaryPlan, nowMs: number): void {
    const lateByMs = nowMs - plan.switchIssueAtMs;
    if (lateByMs > this.options.lateIssuanceToleranceMs) {
      this.fail(
        `SwitchToLive for boundary ${plan.boundaryMs} would be issued ${lateByMs} ms late (tolerance ${this.options.lateIssuanceToleranceMs} ms)`,
        Invariant.SwitchIssuanceDeadline,
      );
      return;
    }
    const params = { channelId: this.channelNumber, targetBoundaryTimeMs: plan.boundaryMs, issuedAtTimeMs: nowMs };
    const mismatch = checkDeclaredMatchesPlan(this.schedule, plan, params.targetBoundaryTimeMs, nowMs, this.options.minPrefeedLeadMs);
    if (mismatch !== undefined) {
      this.fail(mismatch, Invariant.BoundaryDeclaredMatchesPlan);
      return;
    }
    if (this.lastSwitchTargetMs === plan.boundaryMs) {
      this.fail(`SwitchToLive for boundary ${plan.boundaryMs} already issued once`, Invariant.SwitchIssuanceOneShot);
      return;
    }
    this.lastSwitchTargetMs = plan.boundaryMs;
    this.moveTo("SWITCH_ISSUED");
    const leadMs = plan.boundaryMs - nowMs;
    this.metrics.observeSwitchLeadMs(this.channelNumber, leadMs);
    this.logger.info(
      { invariant: Invariant.SwitchIssuanceOneShot, targetBoundaryTimeMs: plan.boundaryMs, issuedAtTimeMs: nowMs, leadMs, lateByMs },
      "SwitchToLive issued",
    );
    const ticket = this.calls.begin();
    void this.engine
      .switchToLive(params, { signal: ticket.signal, timeoutMs: leadMs + this.options.switchAnswerTimeoutMs })
      .then((outcome) => this.step(() => this.onSwitchAnswer(ticket, plan, outcome)));
  }

  private onSwitchAnswer(ticket: EngineCallTicket, plan: BoundaryPlan, outcome: EngineOutcome<SwitchToLiveResult>): void {
    if (!this.calls.accept(ticket) || this.machine.state !== "SWITCH_ISSUED") {
      this.logger.debug({ boundaryMs: plan.boundaryMs }, "late SwitchToLive answer ignored");
      return;
    }
    if (!outcome.ok) {
      this.fail(
        `SwitchToLive for boundary ${plan.boundaryMs} failed: ${describeEngineFailure(outcome.failure)}`,
        Invariant.SwitchIssuanceTerminal,
      );
      return;
    }
    const move = this.moveTo("LIVE");
    // A deferred teardown that ran on entering LIVE has released the session: plan nothing more.
    if (move.to === "LIVE" && this.phase === "running") this.planNext(plan);
  }

  private planNext(live: BoundaryPlan): void {
    try {
      const next = planNextBoundary(this.schedule, this.channelNumber, live.boundaryMs, this.options);
      if (next.skippedBoundariesMs.length > 0) {
        this.logger.warn(
          { skippedBoundariesMs: next.skippedBoundariesMs, nextBoundaryMs: next.boundaryMs, kind: next.kind },
          "boundary skipped: too close to honour the prefeed lead",
        );
      }
      this.plan = next;
    } catch (error) {
      this.plan = undefined;
      this.logger.error({ err: error, afterBoundaryMs: live.boundaryMs }, "schedule has no next boundary; channel goes idle");
      this.moveTo("NONE");
    }
  }

  private fail(reason: string, invariant?: InvariantId): void {
    this.logger.error({ invariant, state: this.machine.state, reason }, invariant ? `${invariant}: ${reason}` : reason);
    this.moveTo("FAILED_TERMINAL", reason);
  }

  private failStart(reason: string, error: "not_found" | undefined = undefined): EngineOutcome {
    this.phase = "start_failed";
    this.startFailureReason = reason;
    this.logger.error({ reason }, "channel start failed");
    return { ok: false, failure: { kind: "error", error: error ?? "internal", message: reason } };
  }

  private expireGrace(nowMs: number): void {
    this.fail(this.gate.expire(this.machine.state, nowMs), Invariant.TeardownGraceTimeout);
  }

  private grantTeardown(): void {
    this.phase = "teardown_granted";
    this.plan = undefined;
    this.loadPreviewRetryAtMs = undefined;
  }

  /** Runs inside BoundaryStateMachine.moveTo for every move: events, terminal entry, deferred teardown. */
  private onMove(move: BoundaryMove): void {
    this.metrics.boundaryTransition?.(this.channelNumber, move.from, move.to);
    this.mailbox.post({ type: "state", from: move.from, to: move.to, atMs: move.atMs });
    if (move.to === "FAILED_TERMINAL") this.enterTerminal(move);
    if (move.to === "LIVE" && this.plan !== undefined) {
      this.live = this.plan;
      this.liveCount += 1;
      this.isProvisional = false;
      this.logger.info(
        { invariant: Invariant.LiveSessionAuthority, boundaryMs: this.plan.boundaryMs, kind: this.plan.kind, assetPath: this.plan.segment.assetPath },
        "boundary live",
      );
      this.mailbox.post({ type: "live", atMs: move.atMs, boundaryMs: this.plan.boundaryMs, kind: this.plan.kind, segment: this.plan.segment });
    }
    this.runDeferredTeardown(move.to, move.atMs);
  }

  /** INV-TERMINAL-TIMER-CLEARED-001 and INV-TERMINAL-SCHEDULER-HALT-001, whatever the path in. */
  private enterTerminal(move: BoundaryMove): void {
    this.plan = undefined;
    this.loadPreviewRetryAtMs = undefined;
    this.timer.clear();
    this.calls.invalidate();
    if (!move.enteredTerminal) return;
    const reason = this.machine.fatalReason ?? "unknown";
    this.logger.error(
      { invariant: Invariant.TerminalSchedulerHalt, from: move.from, fatalReason: reason },
      `FAILED_TERMINAL entered; scheduling halted, timers cleared (${Invariant.TerminalTimerCleared})`,
    );
    this.mailbox.post({ type: "terminal", reason, atMs: move.atMs });
  }

  private runDeferredTeardown(stateReached: BoundaryState, atMs: number): void {
    const released = this.gate.releaseOnEntry(stateReached, atMs);
    if (released === undefined) return;
    this.grantTeardown();
    this.mailbox.post({ type: "teardown-ready", ...released, atMs });
  }
}
