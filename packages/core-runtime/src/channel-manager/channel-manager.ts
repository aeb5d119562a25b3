import { fromItemStart, planAfterLive, planImmediateStart, planStartupBoundary, type BoundaryPlan } from "../boundary/boundary-plan.js";
import { Invariant } from "../boundary/boundary-state.js";
import type { DueRule } from "../boundary/boundary-time-rules.js";
import { decideSwitchIssuance } from "../boundary/switch-issuance-decision.js";
import {
  IMMEDIATE_SWITCH_TARGET_MS,
  type EngineOutcome,
  type SwitchToLiveResult,
} from "../ports/playout-engine.js";
import type { ProgramFormat } from "../ports/program-format.js";
import { ChannelManagerBase } from "./channel-manager-base.js";
import type { TeardownReason } from "./channel-manager-events.js";
import { ChannelManagerStateError } from "./channel-manager-state-error.js";
import type { EngineCallTicket } from "./engine-call-slot.js";
import { decideLoadPreviewRetry, describeEngineFailure } from "./engine-failure.js";

export type { BadItem, ChannelManagerEvent, ChannelManagerPhase, ChannelManagerSnapshot, TeardownReason } from "./channel-manager-events.js";

export type { ChannelManagerDeps } from "./channel-manager-base.js";

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
 * - Session start: immediate (SwitchToLive target 0, NOT_READY polled within a start deadline,
 *   INV-SESSION-START-IMMEDIATE-001) or scheduled; bad media fails only its item.
 *
 * State, events, the gate and the time-rule evaluation live in {@link ChannelManagerBase}.
 */
export class ChannelManager extends ChannelManagerBase {
  /**
   * Starts the session: StartChannel (plan handle = the first live asset, program format
   * from the schedule), then governs the first boundary NONE→PLANNED→…→LIVE.
   *
   * - `sessionStart: "immediate"` (default, INV-SESSION-START-IMMEDIATE-001): LoadPreview of
   *   the item on air at the expected live instant, then SwitchToLive with target 0, NOT_READY
   *   polled every `startPollIntervalMs`; resolves at the first LIVE (ok), or with the typed
   *   start failure (any other answer, or `deadline_exceeded` at `startDeadlineMs`), the
   *   manager then in FAILED_TERMINAL, phase `start_failed`.
   * - `sessionStart: "scheduled"`: resolves with StartChannel's outcome; the first switch is a
   *   scheduled one at now + preload lead.
   *
   * A failed StartChannel (or `not_found` if the schedule does not know the channel) leaves
   * the manager in NONE, phase `start_failed`, only good for dispose. Throws
   * ChannelManagerStateError if called twice.
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
      // The first live asset: the item on air at the first switch (immediate: now + the expected latency).
      const nowMs = this.clock.now();
      planHandle =
        this.options.sessionStart === "immediate"
          ? this.schedule.segmentAt(this.channelNumber, Math.ceil(nowMs + this.options.startLiveLatencyMs)).assetPath
          : planStartupBoundary(this.schedule, this.channelNumber, nowMs, this.options).segment.assetPath;
      programFormat = this.schedule.programFormat(this.channelNumber);
    } catch (error) {
      return this.failStart(`Schedule has no plan for channel ${this.channelNumber}: ${String(error)}`, "not_found");
    }
    const immediate = this.options.sessionStart === "immediate";
    const callStart = (handle: string) => {
      const ticket = this.calls.begin();
      const answer = this.engine.startChannel(
        { channelId: this.channelNumber, planHandle: handle, programFormat },
        { signal: ticket.signal, timeoutMs: this.options.engineCallTimeoutMs },
      );
      return answer.then((outcome) => ({ ticket, outcome }));
    };
    let { ticket, outcome } = await callStart(planHandle);
    // Immediate start: a plan handle the engine cannot open (StartChannel INTERNAL, "Failed to
    // start producer") is bad media like a FAILED LoadPreview: reported, and StartChannel is
    // tried again with the next substitute (the next items, then the fallback).
    let substitute: BoundaryPlan | undefined;
    while (immediate && !outcome.ok && outcome.failure.kind === "error" && outcome.failure.error === "internal" && this.calls.isCurrent(ticket)) {
      const failure = `StartChannel failed: ${describeEngineFailure(outcome.failure)}`;
      const next = this.step(() => {
        const nowMs = this.clock.now();
        const failed = substitute ?? planImmediateStart(this.schedule, this.channelNumber, nowMs, nowMs + this.options.startLiveLatencyMs, nowMs, this.options);
        return this.badMedia.replace(failed, undefined, failure, nowMs);
      });
      if (next === undefined) break;
      substitute = next;
      ({ ticket, outcome } = await callStart(next.assetPath));
    }
    let waiting: Promise<EngineOutcome> | undefined;
    const answered = this.step(() => {
      if (!this.calls.accept(ticket) || this.phase !== "starting") {
        this.logger.info({ phase: this.phase }, "StartChannel answered after the session was released.");
        return outcome;
      }
      if (!outcome.ok) {
        this.failStart(`StartChannel failed: ${describeEngineFailure(outcome.failure)}`);
        return outcome;
      }
      const nowMs = this.clock.now();
      try {
        const deadlineMs = nowMs + this.options.startDeadlineMs;
        const onAir = !immediate
          ? planStartupBoundary(this.schedule, this.channelNumber, nowMs, this.options)
          : substitute !== undefined
            ? { ...substitute, preloadAtMs: nowMs, switchIssueAtMs: nowMs, startDeadlineMs: deadlineMs }
            : planImmediateStart(this.schedule, this.channelNumber, nowMs, nowMs + this.options.startLiveLatencyMs, deadlineMs, this.options);
        this.plan = this.options.startPosition === "item-start" ? fromItemStart(onAir, this.schedule) : onAir;
      } catch (error) {
        return this.failStart(`Schedule has no plan for channel ${this.channelNumber}: ${String(error)}`, "not_found");
      }
      this.badMedia.reset();
      if (immediate) waiting = new Promise<EngineOutcome>((resolve) => (this.startWaiter = resolve));
      else this.phase = "running";
      this.logger.info(
        {
          sessionStart: this.options.sessionStart,
          startPosition: this.options.startPosition,
          ...(immediate ? { invariant: Invariant.SessionStartImmediate, startDeadlineMs: this.plan.startDeadlineMs } : {}),
          boundaryMs: this.plan.boundaryMs,
          assetPath: this.plan.assetPath,
          startFrame: this.plan.startFrame,
          frameCount: this.plan.frameCount,
          coverUntilMs: this.plan.coverUntilMs,
        },
        immediate ? "Session started; switching to the item on air at once." : "Session started; first boundary planned.",
      );
      this.logPlayedOver(this.plan);
      return outcome;
    });
    return waiting ?? answered;
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

  /** Carries out one due rule (see {@link DueRule}). */
  protected override apply(rule: DueRule, nowMs: number): void {
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
        if (plan.startDeadlineMs !== undefined) {
          this.startFailure = { kind: "error", error: "deadline_exceeded", message: "start LoadPreview not accepted by the start deadline" };
          return this.fail(`Session start: LoadPreview not accepted by the start deadline ${plan.startDeadlineMs}`, Invariant.SessionStartImmediate, "warn");
        }
        return this.fail(
          `LoadPreview for boundary ${plan.boundaryMs} not accepted by the switch issuance instant ${plan.switchIssueAtMs}`,
          Invariant.SwitchIssuanceDeadline,
        );
      case "arm-switch":
        this.moveTo("SWITCH_SCHEDULED");
        return;
      case "switch-missed":
        // A viewer leaving (or a stop) at a boundary: routine, the teardown runs at this stable entry.
        this.startFailure = { kind: "error", error: "aborted", message: "teardown requested during the start" };
        return this.fail(
          `Boundary ${plan.boundaryMs} not switched: no switch may be scheduled while a teardown is pending`,
          Invariant.TeardownNoNewWork,
          "info",
        );
      case "issue-switch":
        return plan.startDeadlineMs !== undefined ? this.issueImmediateSwitch(plan, nowMs) : this.issueSwitch(plan, nowMs);
      case "poll-switch":
        return this.sendImmediateSwitch(plan, nowMs);
      case "start-deadline":
        this.startFailure = { kind: "error", error: "deadline_exceeded", message: `not live within ${this.options.startDeadlineMs} ms` };
        return this.fail(
          `Session start not live by the start deadline ${plan.startDeadlineMs} (${this.options.startDeadlineMs} ms)`,
          Invariant.SessionStartImmediate,
          "warn",
        );
      case "switch-unanswered":
        return this.fail(
          `SwitchToLive for boundary ${plan.boundaryMs} unanswered ${this.options.switchAnswerTimeoutMs} ms after its target`,
          Invariant.SwitchIssuanceTerminal,
        );
    }
  }

  private sendLoadPreview(plan: BoundaryPlan, nowMs: number): void {
    this.loadPreviewRetryAtMs = undefined;
    const ticket = this.calls.begin();
    const params = {
      channelId: this.channelNumber,
      assetPath: plan.assetPath,
      startFrame: plan.startFrame,
      frameCount: plan.frameCount,
      fps: plan.fps,
    };
    this.logger.debug({ boundaryMs: plan.boundaryMs, substitute: plan.substitute, ...params }, "LoadPreview issued.");
    const timeoutMs = Math.max(1, Math.min(this.options.engineCallTimeoutMs, preloadDeadlineMs(plan) - nowMs));
    void this.engine
      .loadPreview(params, { signal: ticket.signal, timeoutMs })
      .then((outcome) => this.step(() => this.onLoadPreviewAnswer(ticket, plan, outcome)));
  }

  private onLoadPreviewAnswer(ticket: EngineCallTicket, plan: BoundaryPlan, outcome: EngineOutcome): void {
    if (!this.calls.accept(ticket) || this.plan !== plan || this.machine.state !== "PLANNED") {
      this.logger.debug({ boundaryMs: plan.boundaryMs }, "A late LoadPreview answer was ignored.");
      return;
    }
    const nowMs = this.clock.now();
    if (outcome.ok) {
      this.metrics.observePrefeedLeadMs(this.channelNumber, plan.boundaryMs - nowMs);
      this.moveTo("PRELOAD_ISSUED");
      return;
    }
    const failure = describeEngineFailure(outcome.failure);
    if (outcome.failure.kind === "rejected" && outcome.failure.code === "failed") return this.onBadMedia(plan, failure, nowMs);
    const next = decideLoadPreviewRetry(outcome.failure, this.gate.pending !== undefined, nowMs, this.options.loadPreviewRetryDelayMs, preloadDeadlineMs(plan));
    const fields = { boundaryMs: plan.boundaryMs, failure };
    switch (next.kind) {
      case "terminal":
        this.startFailure = outcome.failure;
        return this.fail(`LoadPreview for boundary ${plan.boundaryMs} failed: ${failure}`);
      case "hold":
        return this.logger.info({ invariant: Invariant.TeardownNoNewWork, ...fields }, "LoadPreview failed and is not retried while a teardown is pending.");
      case "no-time":
        return this.logger.warn(fields, "LoadPreview failed with no time left to retry before the switch issuance.");
      case "retry":
        this.loadPreviewRetryAtMs = next.retryAtMs;
        return this.logger.info({ ...fields, retryAtMs: next.retryAtMs }, "LoadPreview failed and will be retried.");
    }
  }

  /**
   * LoadPreview FAILED (media the engine cannot play): only that item fails. Reported, then
   * the next substitute (fallback clip, item on air continued, or at start the next item) is
   * loaded for the same boundary; with none left the boundary fails as before.
   */
  private onBadMedia(plan: BoundaryPlan, failure: string, nowMs: number): void {
    const next = this.badMedia.replace(plan, this.live, failure, nowMs);
    if (next === undefined) {
      this.startFailure = { kind: "rejected", code: "failed", message: failure };
      return this.fail(`LoadPreview for boundary ${plan.boundaryMs} failed and no substitute could be loaded: ${failure}`);
    }
    this.plan = next;
    this.sendLoadPreview(next, nowMs);
  }

  private issueSwitch(plan: BoundaryPlan, nowMs: number): void {
    const decision = decideSwitchIssuance(this.schedule, plan, nowMs, this.options, this.lastSwitchTargetMs);
    if (decision.kind === "terminal") return this.fail(decision.reason, decision.invariant);
    const { leadMs, lateByMs } = decision;
    if (decision.countedLate) {
      this.metrics.switchIssuedLate?.(this.channelNumber, lateByMs);
      this.logger.warn(
        { invariant: Invariant.SwitchIssuanceDeadline, targetBoundaryTimeMs: plan.boundaryMs, lateByMs, leadMs, toleranceMs: this.options.lateIssuanceToleranceMs },
        `SwitchToLive is issued ${lateByMs} ms late, still with its exact target and a ${leadMs} ms lead.`,
      );
    }
    const params = { channelId: this.channelNumber, targetBoundaryTimeMs: plan.boundaryMs, issuedAtTimeMs: nowMs };
    this.lastSwitchTargetMs = plan.boundaryMs;
    this.moveTo("SWITCH_ISSUED");
    this.metrics.observeSwitchLeadMs(this.channelNumber, leadMs);
    this.logger.info(
      { invariant: Invariant.SwitchIssuanceOneShot, targetBoundaryTimeMs: plan.boundaryMs, issuedAtTimeMs: nowMs, leadMs, lateByMs },
      "SwitchToLive issued.",
    );
    const ticket = this.calls.begin();
    void this.engine
      .switchToLive(params, { signal: ticket.signal, timeoutMs: leadMs + this.options.switchAnswerTimeoutMs })
      .then((outcome) => this.step(() => this.onSwitchAnswer(ticket, plan, outcome)));
  }

  /** The immediate start's switch (INV-SESSION-START-IMMEDIATE-001): the only polled one. */
  private issueImmediateSwitch(plan: BoundaryPlan, nowMs: number): void {
    this.moveTo("SWITCH_ISSUED");
    this.logger.info(
      { invariant: Invariant.SessionStartImmediate, targetBoundaryTimeMs: IMMEDIATE_SWITCH_TARGET_MS, issuedAtTimeMs: nowMs, startDeadlineMs: plan.startDeadlineMs },
      "Immediate SwitchToLive issued for the session start.",
    );
    this.sendImmediateSwitch(plan, nowMs);
  }

  private sendImmediateSwitch(plan: BoundaryPlan, nowMs: number): void {
    this.switchPollAtMs = undefined;
    const ticket = this.calls.begin();
    const params = { channelId: this.channelNumber, targetBoundaryTimeMs: IMMEDIATE_SWITCH_TARGET_MS, issuedAtTimeMs: nowMs };
    const timeoutMs = Math.max(1, Math.min(this.options.engineCallTimeoutMs, plan.startDeadlineMs! - nowMs));
    void this.engine
      .switchToLive(params, { signal: ticket.signal, timeoutMs })
      .then((outcome) => this.step(() => this.onImmediateSwitchAnswer(ticket, plan, outcome)));
  }

  private onImmediateSwitchAnswer(ticket: EngineCallTicket, plan: BoundaryPlan, outcome: EngineOutcome<SwitchToLiveResult>): void {
    if (!this.calls.accept(ticket) || this.machine.state !== "SWITCH_ISSUED") {
      this.logger.debug({ boundaryMs: plan.boundaryMs }, "A late SwitchToLive answer was ignored.");
      return;
    }
    if (outcome.ok) return this.onSwitchLive(plan);
    if (outcome.failure.kind === "rejected" && outcome.failure.code === "not_ready") {
      this.switchPollAtMs = this.clock.now() + this.options.startPollIntervalMs;
      this.logger.debug({ invariant: Invariant.SessionStartImmediate, pollAtMs: this.switchPollAtMs }, "The engine is not ready yet; the switch is polled again.");
      return;
    }
    this.startFailure = outcome.failure;
    this.fail(`Session start: immediate SwitchToLive failed: ${describeEngineFailure(outcome.failure)}`, Invariant.SessionStartImmediate, "warn");
  }

  private onSwitchAnswer(ticket: EngineCallTicket, plan: BoundaryPlan, outcome: EngineOutcome<SwitchToLiveResult>): void {
    if (!this.calls.accept(ticket) || this.machine.state !== "SWITCH_ISSUED") {
      this.logger.debug({ boundaryMs: plan.boundaryMs }, "A late SwitchToLive answer was ignored.");
      return;
    }
    if (!outcome.ok) {
      this.fail(
        `SwitchToLive for boundary ${plan.boundaryMs} failed: ${describeEngineFailure(outcome.failure)}`,
        Invariant.SwitchIssuanceTerminal,
      );
      return;
    }
    this.onSwitchLive(plan);
  }

  private onSwitchLive(plan: BoundaryPlan): void {
    const move = this.moveTo("LIVE");
    // A deferred teardown that ran on entering LIVE has released the session: plan nothing more.
    if (move.to === "LIVE" && this.phase === "running") this.planNext(plan);
  }

  private planNext(live: BoundaryPlan): void {
    this.badMedia.reset();
    this.switchPollAtMs = undefined;
    try {
      const { plan, lateSkippedBoundariesMs } = planAfterLive(this.schedule, this.channelNumber, live, this.clock.now(), this.options);
      if (lateSkippedBoundariesMs.length > 0) {
        this.logger.info(
          { skippedBoundariesMs: lateSkippedBoundariesMs, nextBoundaryMs: plan.boundaryMs, liveBoundaryMs: live.boundaryMs },
          "The item on air plays on: the switch went live too late to honour the next boundary.",
        );
      }
      this.plan = plan;
      this.logPlayedOver(plan);
    } catch (error) {
      this.plan = undefined;
      this.logger.warn({ err: error, afterBoundaryMs: live.boundaryMs }, "The schedule has no next boundary; the channel goes idle.");
      this.moveTo("NONE");
    }
  }
}

/** The last instant a LoadPreview may still be accepted: the start deadline, or the switch issuance instant. */
function preloadDeadlineMs(plan: BoundaryPlan): number {
  return plan.startDeadlineMs ?? plan.switchIssueAtMs;
}
