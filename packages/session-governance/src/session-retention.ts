import type { Clock } from "./clock.js";
import { InvalidArgumentError } from "./errors.js";
import type { SessionStore } from "./session-store.js";

/** How long tombstones and audit rows are kept (GOVERNANCE guarantee 4). */
export interface RetentionPolicy {
  /** A terminated session (its tombstone, answering 410) is kept this long after termination, then purged with its audit, ms. */
  readonly sessionRetentionMs: number;
  /** Audit rows of terminated sessions older than this are purged even while the tombstone stays, ms; at most `sessionRetentionMs`. */
  readonly auditRetentionMs: number;
}

/** Defaults of {@link RetentionPolicy}: 30 days each. */
export const DEFAULT_RETENTION: RetentionPolicy = { sessionRetentionMs: 30 * 86_400_000, auditRetentionMs: 30 * 86_400_000 };

/** What one {@link SessionRetention.purgeBatch} removed. */
export interface PurgeResult {
  readonly sessions: number;
  readonly events: number;
  /** A batch was full: call again (after yielding) to purge the rest. */
  readonly more: boolean;
}

/**
 * Purges what the retention policy no longer keeps, one small transaction per call, so a
 * host can spread a large backlog over many turns of its event loop. Live sessions and
 * their audit are never touched (the schema refuses it too).
 */
export class SessionRetention {
  readonly policy: RetentionPolicy;

  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    policy: Partial<RetentionPolicy> = {},
  ) {
    const sessionRetentionMs = policy.sessionRetentionMs ?? DEFAULT_RETENTION.sessionRetentionMs;
    const auditRetentionMs = policy.auditRetentionMs ?? Math.min(DEFAULT_RETENTION.auditRetentionMs, sessionRetentionMs);
    if (!Number.isSafeInteger(sessionRetentionMs) || sessionRetentionMs < 1) {
      throw new InvalidArgumentError("sessionRetentionMs", "must be an integer >= 1 (ms)");
    }
    if (!Number.isSafeInteger(auditRetentionMs) || auditRetentionMs < 1 || auditRetentionMs > sessionRetentionMs) {
      throw new InvalidArgumentError("auditRetentionMs", "must be an integer from 1 to sessionRetentionMs (ms)");
    }
    this.policy = { sessionRetentionMs, auditRetentionMs };
  }

  /**
   * Purges at most `maxRows` sessions (with their audit) terminated more than the session
   * retention ago, then, if room is left, at most that many old audit rows. @throws
   * InvalidArgumentError; the store's errors.
   */
  purgeBatch(maxRows = 500, nowMs: number = Math.floor(this.clock.now())): PurgeResult {
    if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new InvalidArgumentError("maxRows", "must be an integer >= 1");
    const sessions = this.store.purgeTerminatedBefore(nowMs - this.policy.sessionRetentionMs, maxRows);
    if (sessions === maxRows) return { sessions, events: 0, more: true };
    const room = maxRows - sessions;
    const events = this.store.purgeAuditBefore(nowMs - this.policy.auditRetentionMs, room);
    return { sessions, events, more: events === room };
  }
}
