import type { SessionId } from "./identifiers.js";
import type { ConcurrencyPolicy } from "./policy.js";
import type { TerminationReason } from "./termination-reason.js";

/**
 * One `sessions` row as the store reads and writes it. Instants are UTC epoch ms.
 * @private Internal shape; the public view is `SessionView`.
 */
export interface SessionRow {
  readonly id: SessionId;
  readonly ownerId: string;
  readonly tokenHash: string;
  readonly createdAtMs: number;
  readonly lastActivityAtMs: number;
  readonly lastActivityKind: string;
  readonly idleTimeoutMs: number;
  readonly hardDeadlineAtMs: number;
  readonly maxDeadlineAtMs: number;
  readonly maxConcurrentOps: number;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  readonly terminatedAtMs: number | null;
  readonly terminationReason: TerminationReason | null;
  readonly terminationActor: string | null;
  /** Address of the client that created it (admission control), when the host gave one. */
  readonly clientAddress: string | null;
}

/** Column list selecting a row in {@link SessionRow}'s shape. */
export const SESSION_COLUMNS = `
  id, owner_id AS ownerId, token_hash AS tokenHash, created_at AS createdAtMs,
  last_activity_at AS lastActivityAtMs, last_activity_kind AS lastActivityKind,
  idle_timeout_ms AS idleTimeoutMs, hard_deadline_at AS hardDeadlineAtMs,
  max_deadline_at AS maxDeadlineAtMs, max_concurrent_ops AS maxConcurrentOps,
  concurrency_policy AS concurrencyPolicy, terminated_at AS terminatedAtMs,
  termination_reason AS terminationReason, termination_actor AS terminationActor,
  client_address AS clientAddress`;
