import type { SessionId } from "./identifiers.js";
import type { SessionLimits } from "./policy.js";
import type { TerminationReason } from "./termination-reason.js";

interface SessionEventBase {
  /** Position in the global audit feed; strictly increasing, never reused. */
  readonly seq: number;
  readonly sessionId: SessionId;
  /** When the change happened, UTC epoch ms. */
  readonly atMs: number;
  /** Who made the change (`system:governor`, `session:<id>`, `operator:<name>`, ...). */
  readonly actor: string;
}

/** The session was created with these frozen limits. */
export interface SessionCreatedEvent extends SessionEventBase {
  readonly kind: "created";
  readonly ownerId: string;
  readonly limits: SessionLimits;
  readonly hardDeadlineAtMs: number;
  readonly maxDeadlineAtMs: number;
}

/** `extend` moved the hard deadline. */
export interface SessionExtendedEvent extends SessionEventBase {
  readonly kind: "extended";
  readonly previousDeadlineAtMs: number;
  readonly hardDeadlineAtMs: number;
  /** What the caller asked for, ms; the grant is `hardDeadlineAtMs - previousDeadlineAtMs`. */
  readonly requestedMs: number;
}

/** The winning termination write (there is at most one per session). */
export interface SessionTerminatedEvent extends SessionEventBase {
  readonly kind: "terminated";
  readonly reason: TerminationReason;
}

/** One row of the append-only audit (GOVERNANCE guarantee 10). */
export type SessionEvent = SessionCreatedEvent | SessionExtendedEvent | SessionTerminatedEvent;

/** The kinds of {@link SessionEvent}. */
export type SessionEventKind = SessionEvent["kind"];

/** A page of events; pass `nextAfterSeq` as `afterSeq` to continue (it stays put at the end). */
export interface SessionEventPage {
  readonly events: readonly SessionEvent[];
  readonly nextAfterSeq: number;
}
