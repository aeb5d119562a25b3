import type { SessionId } from "./identifiers.js";
import type { ConcurrencyPolicy } from "./policy.js";
import type { RunningOperation } from "./session-governor.js";
import type { SessionRow } from "./session-row.js";
import type { TerminationReason } from "./termination-reason.js";

/** A session as `get`/`list` report it. Instants are UTC epoch ms. */
export interface SessionView {
  readonly id: SessionId;
  readonly ownerId: string;
  /** `live` until terminated; a live session may already be past a limit that no request has enforced yet. */
  readonly state: "live" | "terminated";
  readonly createdAtMs: number;
  readonly lastActivityAtMs: number;
  /** Operation that last recorded activity (`create`, `heartbeat`, `stream`, ...). */
  readonly lastActivityKind: string;
  /** Frozen at creation. */
  readonly idleTimeoutMs: number;
  readonly maxConcurrentOps: number;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  /** Max-lifetime deadline (moved by `extend`); at this instant the session is over. */
  readonly hardDeadlineAtMs: number;
  /** How far `extend` can ever push `hardDeadlineAtMs`. */
  readonly maxDeadlineAtMs: number;
  /** Idle deadline; `null` while operations run (they are activity) or once terminated. */
  readonly idleDeadlineAtMs: number | null;
  /** Operations running in this process (slot holders count against `maxConcurrentOps`). */
  readonly activeOperations: readonly RunningOperation[];
  readonly termination: {
    readonly reason: TerminationReason;
    readonly terminatedAtMs: number;
    readonly actor: string;
  } | null;
}

/** @private Builds the public view of a row. */
export function toSessionView(row: SessionRow, running: readonly RunningOperation[]): SessionView {
  const terminated = row.terminatedAtMs !== null;
  return {
    id: row.id,
    ownerId: row.ownerId,
    state: terminated ? "terminated" : "live",
    createdAtMs: row.createdAtMs,
    lastActivityAtMs: row.lastActivityAtMs,
    lastActivityKind: row.lastActivityKind,
    idleTimeoutMs: row.idleTimeoutMs,
    maxConcurrentOps: row.maxConcurrentOps,
    concurrencyPolicy: row.concurrencyPolicy,
    hardDeadlineAtMs: row.hardDeadlineAtMs,
    maxDeadlineAtMs: row.maxDeadlineAtMs,
    idleDeadlineAtMs: terminated || running.length > 0 ? null : row.lastActivityAtMs + row.idleTimeoutMs,
    activeOperations: running,
    termination: terminated
      ? {
          reason: row.terminationReason as TerminationReason,
          terminatedAtMs: row.terminatedAtMs as number,
          actor: row.terminationActor as string,
        }
      : null,
  };
}
