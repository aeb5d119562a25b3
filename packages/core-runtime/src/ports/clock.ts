// The Clock port lives in @retrovue/clock so session-governance can share it without
// importing core-runtime; core-runtime re-exports it as part of its own API.
export type { Clock, TimerHandle } from "@retrovue/clock";
export { ManualClock, scheduleAt, SystemClock, systemClock } from "@retrovue/clock";
