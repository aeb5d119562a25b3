import type { Clock } from "./clock.js";
import { parseActor, parseSessionId, type SessionId } from "./identifiers.js";
import type { Logger } from "./logger.js";
import type { SessionStore } from "./session-store.js";
import { parseTerminationReason, type TerminationReason } from "./termination-reason.js";

/** What a termination hook is told: the termination that won. */
export interface TerminationEvent {
  readonly sessionId: SessionId;
  readonly ownerId: string;
  readonly reason: TerminationReason;
  readonly actor: string;
  /** UTC epoch ms. */
  readonly terminatedAtMs: number;
}

/** Runs once per session, after the winning termination committed. May be async. */
export type TerminationHook = (event: TerminationEvent) => void | Promise<void>;

/**
 * Answer of `terminate`. `won` says whether this call's write is the one that stands;
 * `reason`, `actor` and `terminatedAtMs` are always the standing (first) ones.
 */
export type TerminationResult =
  | {
      readonly kind: "terminated";
      readonly won: boolean;
      readonly sessionId: SessionId;
      readonly reason: TerminationReason;
      readonly actor: string;
      readonly terminatedAtMs: number;
    }
  | { readonly kind: "not_found"; readonly sessionId: SessionId };

/**
 * Ends sessions for good (GOVERNANCE guarantees 3, 9, 10). One conditional write
 * (`... WHERE id = ? AND terminated_at IS NULL`) plus its audit row in one IMMEDIATE
 * transaction; hooks run after the commit, only for the write that won
 * (INV-SESSION-TERMINATION-ONCE-001), and a failing hook never changes the outcome
 * (INV-SESSION-HOOK-ISOLATION-001).
 */
export class SessionTerminationService {
  private readonly hooks: TerminationHook[] = [];

  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * Terminates `sessionId` now. Irreversible and idempotent: the first reason wins, later
   * calls change nothing and report it. @throws InvalidSessionIdError, InvalidReasonError,
   * InvalidActorError for garbage input (nothing written).
   */
  terminate(sessionId: unknown, reason: unknown, actor: unknown): TerminationResult {
    const id = parseSessionId(sessionId);
    const why = parseTerminationReason(reason);
    const who = parseActor(actor);
    return this.terminateAt(id, why, who, Math.floor(this.clock.now()));
  }

  /**
   * Registers a hook; returns a function that unregisters it. Hooks run in registration
   * order; a throw or a rejected promise is logged and ignored.
   */
  onTerminated(hook: TerminationHook): () => void {
    this.hooks.push(hook);
    return () => {
      const at = this.hooks.indexOf(hook);
      if (at >= 0) this.hooks.splice(at, 1);
    };
  }

  /** @private The write with an explicit instant (the governor's decision time). Inputs already valid. */
  terminateAt(id: SessionId, reason: TerminationReason, actor: string, atMs: number): TerminationResult {
    const { won, row } = this.store.immediate(() => {
      const wrote = this.store.markTerminated(id, atMs, reason, actor);
      if (wrote) this.store.appendEvent(id, atMs, "terminated", actor, { reason });
      return { won: wrote, row: this.store.getSession(id) };
    });
    if (row === undefined) return { kind: "not_found", sessionId: id };
    const result: TerminationResult = {
      kind: "terminated",
      won: false,
      sessionId: id,
      reason: row.terminationReason as TerminationReason,
      actor: row.terminationActor as string,
      terminatedAtMs: row.terminatedAtMs as number,
    };
    return won ? this.announce({ ...result, won: true }, row.ownerId) : result;
  }

  private announce<R extends TerminationResult & { kind: "terminated" }>(result: R, ownerId: string): R {
    const event: TerminationEvent = {
      sessionId: result.sessionId,
      ownerId,
      reason: result.reason,
      actor: result.actor,
      terminatedAtMs: result.terminatedAtMs,
    };
    this.logger.info({ ...event, invariant: "INV-SESSION-TERMINATION-ONCE-001" }, "session terminated");
    for (const hook of [...this.hooks]) {
      try {
        const pending = hook(event);
        if (pending instanceof Promise) pending.catch((error: unknown) => this.hookFailed(error, event));
      } catch (error) {
        this.hookFailed(error, event);
      }
    }
    return result;
  }

  private hookFailed(error: unknown, event: TerminationEvent): void {
    this.logger.error(
      { err: error, sessionId: event.sessionId, reason: event.reason, invariant: "INV-SESSION-HOOK-ISOLATION-001" },
      "termination hook failed; the termination stands",
    );
  }
}
