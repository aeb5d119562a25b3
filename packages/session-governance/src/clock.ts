// The Clock port is shared with core-runtime through @retrovue/clock, so the server
// hands both packages the same clock and tests drive both with one ManualClock.
export type { Clock, TimerHandle } from "@retrovue/clock";
