import { InvalidReasonError } from "./errors.js";

/**
 * The closed list of termination reasons (GOVERNANCE guarantee 9). The first three are
 * written by the governor itself; the others by whoever calls `terminate`.
 */
export const TERMINATION_REASONS = [
  "idle_timeout",
  "max_lifetime",
  "concurrency_limit",
  "user_requested",
  "admin_terminated",
  "host_shutdown",
] as const;

/** Why a session was terminated; one of {@link TERMINATION_REASONS}. */
export type TerminationReason = (typeof TERMINATION_REASONS)[number];

const reasonSet: ReadonlySet<string> = new Set(TERMINATION_REASONS);

/** True when `value` is one of {@link TERMINATION_REASONS}. */
export function isTerminationReason(value: unknown): value is TerminationReason {
  return typeof value === "string" && reasonSet.has(value);
}

/** Returns `value` typed as a reason. @throws InvalidReasonError for anything else. */
export function parseTerminationReason(value: unknown): TerminationReason {
  if (!isTerminationReason(value)) throw new InvalidReasonError(value);
  return value;
}
