/**
 * @retrovue/session-governance — viewer sessions, their limits, and termination for good.
 *
 * ```ts
 * const gov = openSessionGovernance({ path: "data/sessions.db", clock });
 * const created = gov.sessions.create({ ownerId: "device:tv-1" });
 * const decision = gov.governor.admit(sessionId, "stream", { signal });
 * ```
 * Decisions are values (`admitted` / `gone` / `not_found` / `rejected`); garbage input
 * throws a typed {@link SessionGovernanceError}. See README.md for policy and reasons.
 */
export { openSessionGovernance } from "./session-governance.js";
export type { SessionGovernance, SessionGovernanceOptions } from "./session-governance.js";
export { SessionGovernor } from "./session-governor.js";
export type { AdmitOptions, RunningOperation, SessionGovernorOptions, SweepResult } from "./session-governor.js";
export { SessionTerminationService } from "./session-termination-service.js";
export type { TerminationEvent, TerminationHook, TerminationResult } from "./session-termination-service.js";
export { SessionService } from "./session-service.js";
export type {
  CreateSessionInput,
  CreateSessionResult,
  EventPageRequest,
  ExtendResult,
  HeartbeatResult,
  ListSessionsFilter,
  ListSessionsPage,
  SessionPage,
  TokenCheck,
} from "./session-service.js";
export type {
  AdmissionDecision,
  AdmittedDecision,
  GateRefusal,
  GoneDecision,
  NotFoundDecision,
  OperationEnd,
  OperationHandle,
  RecheckDecision,
  RejectedDecision,
  RunOutcome,
} from "./decisions.js";
export type { SessionView } from "./session-view.js";
export type {
  SessionCreatedEvent,
  SessionEvent,
  SessionEventKind,
  SessionEventPage,
  SessionExtendedEvent,
  SessionTerminatedEvent,
} from "./session-event.js";
export { TERMINATION_REASONS, isTerminationReason, parseTerminationReason } from "./termination-reason.js";
export type { TerminationReason } from "./termination-reason.js";
export { MAX_POLICY_DURATION_MS, resolveGovernancePolicy, resolveSessionLimits } from "./policy.js";
export type {
  ConcurrencyPolicy,
  GovernancePolicy,
  GovernancePolicyOptions,
  SessionCeilings,
  SessionLimits,
  SessionLimitsOverride,
} from "./policy.js";
export { SYSTEM_ACTOR, generateSessionId, isSessionId, parseSessionId } from "./identifiers.js";
export type { SessionId } from "./identifiers.js";
export {
  InvalidActorError,
  InvalidArgumentError,
  InvalidOperationError,
  InvalidOwnerIdError,
  InvalidPolicyError,
  InvalidReasonError,
  InvalidSessionIdError,
  SessionGovernanceError,
  StoreClosedError,
  StoreFailureError,
  StoreVersionError,
  isSessionGovernanceError,
} from "./errors.js";
export type { GovernanceErrorCode } from "./errors.js";
export type { Clock, TimerHandle } from "./clock.js";
export { ManualClock } from "@retrovue/clock";
export type { Logger } from "./logger.js";
export { silentLogger } from "./logger.js";

// Building blocks, for hosts that need a second connection or their own wiring.
export { SessionStore } from "./session-store.js";
export type { SessionListFilter, SessionListPosition, SessionStoreOptions } from "./session-store.js";
export { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
export type { Migration } from "./migrations.js";
export { evaluateAdmission } from "./evaluate-admission.js";
export type { AdmissionFacts, AdmissionVerdict } from "./evaluate-admission.js";
export { SessionRetention, DEFAULT_RETENTION } from "./session-retention.js";
export type { PurgeResult, RetentionPolicy } from "./session-retention.js";
export type { SweepOptions } from "./session-governor.js";
export type { StoreHealth } from "./session-store.js";
export { StoreUnavailableError } from "./errors.js";
export type { StoreProblem } from "./errors.js";
export { DATABASE_FILE_MODE } from "./store-file-watch.js";
