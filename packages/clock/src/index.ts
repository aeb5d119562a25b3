/**
 * @retrovue/clock — the injected time source shared by core-runtime and
 * session-governance: the {@link Clock} port, the production {@link SystemClock}
 * and the test twin {@link ManualClock}.
 */
export type { Clock, TimerHandle } from "./clock.js";
export { scheduleAt } from "./clock.js";
export { SystemClock, systemClock } from "./system-clock.js";
export { ManualClock } from "./manual-clock.js";
