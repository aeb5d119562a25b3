/**
 * @retrovue/core-runtime — channel lifecycle authority for RetroVue Core.
 *
 * Ports (implemented by the server, or by test doubles): {@link Clock},
 * {@link PlayoutEngine}, {@link ScheduleSource}, {@link Logger}.
 */
export type { Clock, TimerHandle } from "./clock.js";
export { scheduleAt } from "./clock.js";
export { SystemClock, systemClock } from "./system-clock.js";
export { ManualClock } from "./manual-clock.js";
export type { Logger } from "./logger.js";
export { silentLogger } from "./logger.js";
export type { Rational } from "./rational.js";
export type { ProgramFormat } from "./program-format.js";
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
} from "./playout-engine.js";
export type { ScheduledSegment, ScheduleSource } from "./schedule-source.js";
export { TS_PACKET_SIZE, TS_PAT_PID, TS_SYNC_BYTE, TsPacketAligner, findPatStart, findSync, isPatStart } from "./ts-packet.js";
export { StreamHub, streamSocketPath } from "./stream-hub.js";
export type { StreamHubDeps } from "./stream-hub.js";
export { DEFAULT_STREAM_HUB_OPTIONS, StreamHubError, resolveStreamHubOptions } from "./stream-hub-types.js";
export type {
  ChannelStreamHub,
  HubViewerRemovalCause,
  HubViewerSink,
  StreamHubErrorCode,
  StreamHubEvent,
  StreamHubOptions,
  StreamHubStats,
} from "./stream-hub-types.js";
