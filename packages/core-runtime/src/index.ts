/**
 * @retrovue/core-runtime — channel lifecycle authority for RetroVue Core.
 *
 * Ports (implemented by the server, or by test doubles): {@link Clock},
 * {@link PlayoutEngine}, {@link ScheduleSource}, {@link Logger}.
 */
export type { Clock, TimerHandle } from "./ports/clock.js";
export { ManualClock, scheduleAt, SystemClock, systemClock } from "./ports/clock.js";
export type { Logger } from "./ports/logger.js";
export { silentLogger } from "./ports/logger.js";
export type { Rational } from "./ports/rational.js";
export type { ProgramFormat } from "./ports/program-format.js";
export type {
  AttachStreamParams,
  DetachStreamParams,
  EngineCallErrorKind,
  EngineCallOptions,
  EngineFailure,
  EngineOutcome,
  EngineReleaseReason,
  EngineResultCode,
  LoadPreviewParams,
  PlayoutEngine,
  StartChannelParams,
  SwitchToLiveParams,
  SwitchToLiveResult,
} from "./ports/playout-engine.js";
export type { ScheduledSegment, ScheduleSource } from "./ports/schedule-source.js";
export { TS_PACKET_SIZE, TS_PAT_PID, TS_SYNC_BYTE, TsPacketAligner, findPatStart, findSync, isPatStart } from "./stream-hub/ts-packet.js";
export { StreamHub, streamSocketPath } from "./stream-hub/stream-hub.js";
export { TsPacketFramer } from "./stream-hub/ts-packet-framer.js";
export { GopCache } from "./stream-hub/gop-cache.js";
export { RandomAccessTracker, type JoinPoint, type TrackedChunk } from "./stream-hub/random-access-tracker.js";
export { markDiscontinuity } from "./stream-hub/ts-discontinuity.js";
export { pmtPidFromPat, videoPidFromPmt } from "./stream-hub/ts-psi.js";
export type { StreamHubDeps } from "./stream-hub/stream-hub.js";
export { DEFAULT_STREAM_HUB_OPTIONS, StreamHubError, resolveStreamHubOptions } from "./stream-hub/stream-hub-types.js";
export type {
  ChannelStreamHub,
  HubViewerRemovalCause,
  HubViewerSink,
  StreamHubErrorCode,
  StreamHubEvent,
  StreamHubOptions,
  StreamHubStats,
} from "./stream-hub/stream-hub-types.js";
export { UnknownChannelError } from "./ports/unknown-channel-error.js";

// Channel lifecycle (LIFECYCLE.md)
export type { BoundaryState, InvariantId } from "./boundary/boundary-state.js";
export { BOUNDARY_STATES, STABLE_STATES, TRANSIENT_STATES, Invariant, isStableState, isTransientState } from "./boundary/boundary-state.js";
export type { BoundaryTransitionResult } from "./boundary/boundary-transition.js";
export { LEGAL_BOUNDARY_MOVES, isLegalBoundaryMove, transition } from "./boundary/boundary-transition.js";
export type { BoundaryKind, BoundaryPlan, BoundaryTiming } from "./boundary/boundary-plan.js";
export { framesIn, planNextBoundary, planStartupBoundary, switchIssueAtMs } from "./boundary/boundary-plan.js";
export type { ChannelManagerOptions } from "./channel-manager/channel-manager-options.js";
export {
  ChannelManagerOptionsError,
  DEFAULT_MIN_PREFEED_LEAD_MS,
  DEFAULT_TEARDOWN_GRACE_MS,
  defaultPreloadLeadMs,
  resolveChannelManagerOptions,
} from "./channel-manager/channel-manager-options.js";
export type {
  ChannelManagerEvent,
  ChannelManagerPhase,
  ChannelManagerSnapshot,
  TeardownReason,
} from "./channel-manager/channel-manager-events.js";
export type { ChannelManagerDeps } from "./channel-manager/channel-manager.js";
export { ChannelManager } from "./channel-manager/channel-manager.js";
export { ChannelManagerStateError } from "./channel-manager/channel-manager-state-error.js";
export type { LifecycleMetrics } from "./ports/lifecycle-metrics.js";
export { noopLifecycleMetrics } from "./ports/lifecycle-metrics.js";
export { ProgramDirector } from "./program-director/program-director.js";
export {
  DEFAULT_PROGRAM_DIRECTOR_OPTIONS,
  resolveProgramDirectorOptions,
} from "./program-director/program-director-types.js";
export type {
  ChannelSessionSnapshot,
  DirectedChannelManager,
  HubFactoryParams,
  ManagerFactoryParams,
  ProgramDirectorDeps,
  ProgramDirectorEvent,
  ProgramDirectorOptions,
  SessionPhase,
  StopOutcome,
  TunedViewer,
  TuneInViewer,
  ViewerLeaveCause,
} from "./program-director/program-director-types.js";
export {
  ChannelStartError,
  NoTunerAvailableError,
  ShuttingDownError,
  TuneInAbortedError,
} from "./program-director/program-director-errors.js";
export type { ChannelStartStage, TuneInAbortReason, TuneInErrorCode } from "./program-director/program-director-errors.js";
export { TunerBudget } from "./program-director/tuner-budget.js";

// Lineup schedule (CONTRACTS.md section A)
export type { Lineup, LineupAsset, LineupChannel } from "./lineup/lineup-types.js";
export type { LineupIssue } from "./lineup/lineup-error.js";
export { LineupError } from "./lineup/lineup-error.js";
export { parseLineup, parseLineupJson } from "./lineup/parse-lineup.js";
export { formatRational, parseRational } from "./lineup/parse-rational.js";
export { checkMediaPath, resolveMediaPath } from "./lineup/media-path.js";
export type { LineupSchedule, LineupScheduleOptions } from "./lineup/lineup-schedule.js";
export { MAX_SEGMENTS_PER_QUERY, createLineupSchedule } from "./lineup/lineup-schedule.js";
export type { LoadedLineup } from "./lineup/load-lineup-file.js";
export { loadLineupFile } from "./lineup/load-lineup-file.js";

// Session start, no-gap coverage and bad media (LIFECYCLE.md "Session start", INV-SESSION-START-IMMEDIATE-001)
export { IMMEDIATE_SWITCH_TARGET_MS } from "./ports/playout-engine.js";
export type { SessionStartMode, StartPosition } from "./channel-manager/channel-manager-options.js";
export { SESSION_START_MODES, START_POSITIONS } from "./channel-manager/channel-manager-options.js";
export type { BoundarySubstitute } from "./boundary/boundary-plan.js";
export { fromItemStart, planAfterLive, planAt, planImmediateStart } from "./boundary/boundary-plan.js";
export type { PlanAfterLive } from "./boundary/boundary-plan.js";
export type { SwitchIssuanceDecision } from "./boundary/switch-issuance-decision.js";
export { decideSwitchIssuance } from "./boundary/switch-issuance-decision.js";
export type { BoundaryCoverage } from "./boundary/boundary-coverage.js";
export { coverToHonourableBoundary } from "./boundary/boundary-coverage.js";
export type { SubstituteContext } from "./boundary/boundary-substitute.js";
export { MAX_NEXT_ITEM_SUBSTITUTES, substitutePlans } from "./boundary/boundary-substitute.js";
export type { BadItem } from "./channel-manager/channel-manager-events.js";
