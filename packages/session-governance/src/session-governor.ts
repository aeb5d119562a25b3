import { ActiveOperation } from "./active-operation.js";
import type { Clock } from "./clock.js";
import type {
  AdmissionDecision,
  GateRefusal,
  GoneDecision,
  OperationHandle,
  RecheckDecision,
  RunOutcome,
} from "./decisions.js";
import { InvalidArgumentError, StoreClosedError } from "./errors.js";
import { evaluateAdmission } from "./evaluate-admission.js";
import { parseOperation, parseSessionId, SYSTEM_ACTOR, type SessionId } from "./identifiers.js";
import type { Logger } from "./logger.js";
import type { GovernancePolicy } from "./policy.js";
import type { SessionRow } from "./session-row.js";
import type { SessionStore } from "./session-store.js";
import type { SessionTerminationService, TerminationResult } from "./session-termination-service.js";
import type { TerminationReason } from "./termination-reason.js";

/** Options of {@link SessionGovernor}. */
export interface SessionGovernorOptions {
  readonly clock: Clock;
  readonly policy: GovernancePolicy;
  readonly logger: Logger;
  /**
   * Running slot-holding operations are rechecked automatically (on `clock` timers) at
   * their session's hard deadline and at least this often, ms, which also refreshes
   * `last_activity_at` in the DB (capped at half the idle timeout so a restart never finds
   * a streaming session idle). `null` disables the timers: call `stillAllowed` yourself.
   * Default 30 000.
   */
  readonly recheckIntervalMs?: number | null;
  /**
   * Activity is kept in memory and written for all sessions in one transaction at most this
   * long after it happened, without an fsync (GOVERNANCE guarantee 2: activity is no
   * promise). A crash loses at most this much activity, so it must stay well under the idle
   * timeout; it is capped at a quarter of the default idle timeout. Default 1 000 ms.
   */
  readonly activityFlushMs?: number;
}

/** Options of {@link SessionGovernor.sweep}. */
export interface SweepOptions {
  /** Terminate at most this many sessions in this call (a batch); default all. */
  readonly maxSessions?: number;
}

/** Options of one admission. */
export interface AdmitOptions {
  /** The caller's cancellation (client went away): when it aborts, the operation ends and its slot is freed. */
  readonly signal?: AbortSignal;
}

/** Sessions a sweep terminated. */
export interface SweepResult {
  readonly terminated: ReadonlyArray<{ readonly sessionId: SessionId; readonly reason: TerminationReason }>;
  /** The batch was full: more expired sessions may remain (call again after yielding). */
  readonly more: boolean;
}

/** Most sessions' activity written in one flush transaction; the rest follow on the next tick. */
const FLUSH_BATCH = 250;

/** A running slot-holding operation as `get` reports it. */
export interface RunningOperation {
  readonly operation: string;
  /** UTC epoch ms. */
  readonly admittedAtMs: number;
}

/**
 * The gate: every session-scoped operation goes through `admit`, which runs the fixed
 * enforcement order ({@link evaluateAdmission}), writes any termination it decides before
 * answering, and records activity on admission. Concurrency slots live in memory, per
 * process (disposable state: they never decide a termination the DB does not record).
 * Synchronous on purpose: no await between check and slot taken, so N admissions at the
 * limit admit exactly the limit.
 */
export class SessionGovernor {
  private readonly running = new Map<SessionId, Set<ActiveOperation>>();
  private readonly recheckIntervalMs: number | null;
  private readonly unhook: () => void;
  private closed = false;
  /** Activity not yet written: the newest instant and operation per session. */
  private readonly pending = new Map<SessionId, { atMs: number; kind: string }>();
  private flushTimer: ReturnType<Clock["setTimeout"]> | undefined;
  private readonly activityFlushMs: number;

  constructor(
    private readonly store: SessionStore,
    private readonly termination: SessionTerminationService,
    private readonly options: SessionGovernorOptions,
  ) {
    const interval = options.recheckIntervalMs === undefined ? 30_000 : options.recheckIntervalMs;
    if (interval !== null && (!Number.isSafeInteger(interval) || interval < 1)) {
      throw new InvalidArgumentError("recheckIntervalMs", "must be an integer >= 1, or null");
    }
    this.recheckIntervalMs = interval;
    const flushMs = options.activityFlushMs ?? 1_000;
    if (!Number.isSafeInteger(flushMs) || flushMs < 1) throw new InvalidArgumentError("activityFlushMs", "must be an integer >= 1");
    this.activityFlushMs = Math.max(1, Math.min(flushMs, Math.floor(options.policy.defaults.idleTimeoutMs / 4)));
    // A termination won in this process ends the session's running operations at once.
    this.unhook = termination.onTerminated(({ sessionId, reason, terminatedAtMs, actor }) => {
      this.pending.delete(sessionId);
      this.endSession(sessionId, { kind: "gone", sessionId, reason, terminatedAtMs, actor });
    });
  }

  /**
   * Decides whether `operation` may run on `sessionId` now, and if so records activity and
   * returns a handle (release it on every path). @throws InvalidSessionIdError,
   * InvalidOperationError for garbage input (nothing written); StoreClosedError after close.
   */
  admit(sessionId: unknown, operation: unknown, options: AdmitOptions = {}): AdmissionDecision {
    this.assertOpen();
    const id = parseSessionId(sessionId);
    const op = parseOperation(operation);
    const now = this.now();
    const takesSlot = this.options.policy.slotOperations.includes(op);
    const checked = this.enforce(id, now, takesSlot);
    if (checked.kind !== "pass") return checked;
    // (5) Record activity. A slot-holding operation writes it at once, conditionally: losing
    // that write means another connection terminated the session after our read, so the
    // stream is refused. Short operations keep it in memory (written within activityFlushMs).
    if (takesSlot) {
      this.pending.delete(id);
      if (!this.store.recordActivity(id, now, op)) return this.refusalFor(id);
    } else {
      this.noteActivity(checked.row, now, op);
    }
    const handle = new ActiveOperation(this, id, op, now, takesSlot, (freed) => this.freed(freed), checked.row);
    if (!takesSlot) return { kind: "admitted", handle }; // short operation: nothing to hold or watch
    let ops = this.running.get(id);
    if (ops === undefined) this.running.set(id, (ops = new Set()));
    ops.add(handle);
    this.arm(handle, checked.row, now);
    if (options.signal !== undefined) handle.follow(options.signal);
    return { kind: "admitted", handle };
  }

  /**
   * Re-evaluates a running operation (terminated elsewhere? past max lifetime?) and, while
   * allowed, refreshes the session's activity. A `gone` answer also ends the handle.
   * @throws InvalidArgumentError for a handle this governor did not issue.
   */
  stillAllowed(handle: OperationHandle): RecheckDecision {
    this.assertOpen();
    const op = this.own(handle);
    if (op.released) return { kind: "released" };
    const now = this.now();
    const checked = this.enforce(op.sessionId, now, false);
    if (checked.kind === "rejected") return { kind: "allowed" }; // unreachable: no slot is taken
    if (checked.kind !== "pass") return checked;
    if (op.holdsSlot) {
      // A running stream's refresh is rare (every recheck interval): written at once, so a
      // restart never finds a streaming session idle, and a lost write means it was terminated.
      this.pending.delete(op.sessionId);
      if (!this.store.recordActivity(op.sessionId, now, op.operation)) {
        const refusal = this.refusalFor(op.sessionId);
        return refusal.kind === "rejected" ? { kind: "allowed" } : refusal;
      }
    } else {
      this.noteActivity(checked.row, now, op.operation);
    }
    if (op.holdsSlot) this.arm(op, checked.row, now);
    return { kind: "allowed" };
  }

  /**
   * Admits, runs `fn` with the handle, and releases on every path (value, throw, abort).
   * Resolves to the refusal or `{ kind: "completed", value }`; rejects with `fn`'s error.
   */
  async run<T>(
    sessionId: unknown,
    operation: unknown,
    fn: (handle: OperationHandle) => T | Promise<T>,
    options: AdmitOptions = {},
  ): Promise<RunOutcome<T>> {
    const decision = this.admit(sessionId, operation, options);
    if (decision.kind !== "admitted") return decision;
    try {
      return { kind: "completed", value: await fn(decision.handle) };
    } finally {
      decision.handle.release();
    }
  }

  /** Slots `sessionId` holds in this process right now (its running slot-holding operations). */
  activeSlots(sessionId: SessionId): number {
    return this.running.get(sessionId)?.size ?? 0;
  }

  /** Slot-holding operations of `sessionId` running in this process, oldest first. */
  runningOperations(sessionId: SessionId): RunningOperation[] {
    return [...(this.running.get(sessionId) ?? [])].map(({ operation, admittedAtMs }) => ({ operation, admittedAtMs }));
  }

  /**
   * Optional prompt cleanup (guarantee 7: never needed for correctness): terminates every
   * live session whose limits ran out at `nowMs` (default: the clock), through the same
   * pipeline as `admit`. Records no activity. Idempotent: a second call finds nothing.
   */
  sweep(nowMs?: number, options: SweepOptions = {}): SweepResult {
    this.assertOpen();
    const now = nowMs === undefined ? this.now() : nowMs;
    if (!Number.isSafeInteger(now)) throw new InvalidArgumentError("nowMs", "must be an integer (epoch ms)");
    const limit = options.maxSessions ?? -1;
    if (limit !== -1 && (!Number.isSafeInteger(limit) || limit < 1)) throw new InvalidArgumentError("maxSessions", "must be an integer >= 1");
    // The DB must know every activity first, or a busy session would look idle to the query.
    this.flushActivity();
    const terminated: Array<{ sessionId: SessionId; reason: TerminationReason }> = [];
    const rows = this.store.expiredLiveSessions(now, limit);
    // No fsync per sweep termination: the deadlines that expired these sessions are durable,
    // so after a power cut the same verdict is reached again (nothing a client was told changes).
    this.store.withoutFsync(() => {
      for (const row of rows) {
        const result = this.enforceExpiry(row, now);
        if (result?.kind === "terminated" && result.won) terminated.push({ sessionId: row.id, reason: result.reason });
      }
    });
    return { terminated, more: limit !== -1 && rows.length === limit };
  }

  /**
   * Writes the activity kept in memory (up to a batch; the rest is scheduled at once), in
   * one transaction without an fsync. Called on its timer, before a sweep and at close.
   * Returns how many sessions were written. @throws the store's error (entries are kept).
   */
  flushActivity(): number {
    if (this.flushTimer !== undefined) {
      this.options.clock.clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.pending.size === 0) return 0;
    const batch: Array<readonly [SessionId, number, string]> = [];
    for (const [id, { atMs, kind }] of this.pending) {
      batch.push([id, atMs, kind]);
      if (batch.length >= FLUSH_BATCH) break;
    }
    try {
      this.store.recordActivities(batch);
    } catch (error) {
      if (!this.closed) this.scheduleFlush(this.activityFlushMs);
      throw error;
    }
    for (const [id, atMs] of batch) if (this.pending.get(id)?.atMs === atMs) this.pending.delete(id);
    if (this.pending.size > 0 && !this.closed) this.scheduleFlush(0);
    return batch.length;
  }

  /** The activity of `sessionId` not yet written (newer than its row), if any. */
  pendingActivityOf(sessionId: SessionId): { readonly atMs: number; readonly kind: string } | undefined {
    return this.pending.get(sessionId);
  }

  /** Sessions whose activity is still only in memory. */
  get pendingActivity(): number {
    return this.pending.size;
  }

  /**
   * Steps (1)–(3) for a row read elsewhere (sweep, create's owner count): terminates it when
   * a limit ran out at `now`; records no activity. Returns the termination, if one was due.
   * @private
   */
  enforceExpiry(row: SessionRow, now: number): TerminationResult | undefined {
    const verdict = evaluateAdmission(this.facts(row, now), now, false);
    if (verdict.kind !== "terminate") return undefined;
    return this.termination.terminateAt(row.id, verdict.reason, SYSTEM_ACTOR, now);
  }

  /** Stops the timers, ends every running operation (`{ kind: "closed" }`) and writes pending activity. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.unhook();
    for (const ops of [...this.running.values()]) for (const op of [...ops]) op.end({ kind: "closed" });
    this.running.clear();
    this.closed = true;
    try {
      while (this.pending.size > 0 && !this.store.isClosed) this.flushActivity();
    } catch (error) {
      this.options.logger.error({ err: error, pending: this.pending.size }, "writing pending activity at close failed; it is lost");
    }
    if (this.flushTimer !== undefined) this.options.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Steps (1)–(4) for one session at `now`, carrying out a termination verdict. */
  private enforce(id: SessionId, now: number, takesSlot: boolean): GateRefusal | { kind: "pass"; row: SessionRow } {
    const row = this.store.getSession(id);
    if (row === undefined) return { kind: "not_found", sessionId: id };
    const verdict = evaluateAdmission(this.facts(row, now), now, takesSlot);
    switch (verdict.kind) {
      case "admit":
        return { kind: "pass", row };
      case "reject":
        return {
          kind: "rejected",
          sessionId: id,
          limit: verdict.limit,
          active: verdict.active,
          retryAfterMs: this.options.policy.rejectRetryAfterMs,
        };
      case "already_terminated":
        return this.gone({ kind: "gone", sessionId: id, reason: verdict.reason, terminatedAtMs: verdict.terminatedAtMs, actor: verdict.actor });
      case "terminate":
        return this.fromTermination(this.termination.terminateAt(id, verdict.reason, SYSTEM_ACTOR, now));
    }
  }

  private facts(row: SessionRow, now: number) {
    // A running operation is activity (guarantee 8): the idle clock does not run meanwhile.
    const activeSlots = this.activeSlots(row.id);
    const known = Math.max(row.lastActivityAtMs, this.pending.get(row.id)?.atMs ?? row.lastActivityAtMs);
    const effectiveLastActivityAtMs = activeSlots > 0 ? Math.max(now, known) : known;
    return { ...row, effectiveLastActivityAtMs, activeSlots };
  }

  private refusalFor(id: SessionId): GateRefusal {
    const row = this.store.getSession(id);
    if (row === undefined || row.terminatedAtMs === null) return { kind: "not_found", sessionId: id };
    return this.gone({
      kind: "gone",
      sessionId: id,
      reason: row.terminationReason as TerminationReason,
      terminatedAtMs: row.terminatedAtMs,
      actor: row.terminationActor as string,
    });
  }

  private fromTermination(result: TerminationResult): GateRefusal {
    if (result.kind === "not_found") return result;
    const { sessionId, reason, terminatedAtMs, actor } = result;
    return this.gone({ kind: "gone", sessionId, reason, terminatedAtMs, actor });
  }

  /** Any path that learns a session is gone ends its running operations. */
  private gone(decision: GoneDecision): GoneDecision {
    this.endSession(decision.sessionId, decision);
    return decision;
  }

  private endSession(id: SessionId, decision: GoneDecision): void {
    for (const op of [...(this.running.get(id) ?? [])]) op.end(decision);
  }

  private freed(op: ActiveOperation): void {
    const ops = this.running.get(op.sessionId);
    ops?.delete(op);
    if (ops !== undefined && ops.size === 0) this.running.delete(op.sessionId);
    if (op.timer !== undefined) this.options.clock.clearTimeout(op.timer);
    op.timer = undefined;
    if (this.closed) return;
    try {
      // The stream ran until now: that is the session's last activity (once per stream: written at once).
      this.pending.delete(op.sessionId);
      this.store.recordActivity(op.sessionId, this.now(), op.operation);
    } catch (error) {
      this.options.logger.error({ err: error, sessionId: op.sessionId, invariant: "INV-SESSION-SLOT-RELEASE-001" }, "recording activity at release failed; the slot is free");
    }
  }

  /** Keeps `now` as the session's activity until the next flush; skips it when it changes nothing. */
  private noteActivity(row: SessionRow, now: number, kind: string): void {
    const id = row.id;
    const known = this.pending.get(id);
    if (known !== undefined) {
      if (now > known.atMs || (now === known.atMs && kind !== known.kind)) this.pending.set(id, { atMs: now, kind });
      return;
    }
    if (row.lastActivityAtMs >= now && row.lastActivityKind === kind) return;
    this.pending.set(id, { atMs: now, kind });
    if (this.flushTimer === undefined) this.scheduleFlush(this.activityFlushMs);
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer !== undefined) this.options.clock.clearTimeout(this.flushTimer);
    this.flushTimer = this.options.clock.setTimeout(() => {
      this.flushTimer = undefined;
      if (this.closed || this.store.isClosed) return;
      try {
        this.flushActivity();
      } catch (error) {
        this.options.logger.error({ err: error, pending: this.pending.size }, "writing session activity failed; retrying");
        if (this.flushTimer === undefined) this.scheduleFlush(this.activityFlushMs);
      }
    }, delayMs);
  }

  /** Next automatic recheck: at the hard deadline, or sooner to keep the DB's activity fresh. */
  private arm(op: ActiveOperation, row: SessionRow, now: number): void {
    if (this.recheckIntervalMs === null) return;
    if (op.timer !== undefined) this.options.clock.clearTimeout(op.timer);
    const refreshMs = Math.max(1, Math.min(this.recheckIntervalMs, Math.floor(row.idleTimeoutMs / 2)));
    const dueMs = Math.min(row.hardDeadlineAtMs, now + refreshMs);
    op.timer = this.options.clock.setTimeout(() => {
      op.timer = undefined;
      if (this.closed || op.released || this.store.isClosed) return;
      try {
        this.stillAllowed(op);
      } catch (error) {
        this.options.logger.error({ err: error, sessionId: op.sessionId, invariant: "INV-SESSION-LIFETIME-STREAM-001" }, "automatic recheck failed; retrying");
        if (!op.released && !this.closed) this.arm(op, row, this.now());
      }
    }, dueMs - now);
  }

  /** The row `handle`'s admission read (host use: answer with it instead of reading again). @private */
  admittedRowOf(handle: OperationHandle): SessionRow | undefined {
    return this.own(handle).admittedRow;
  }

  private own(handle: OperationHandle): ActiveOperation {
    if (!(handle instanceof ActiveOperation) || handle.owner !== this) {
      throw new InvalidArgumentError("handle", "not issued by this governor");
    }
    return handle;
  }

  private now(): number {
    return Math.floor(this.options.clock.now());
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}
