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
