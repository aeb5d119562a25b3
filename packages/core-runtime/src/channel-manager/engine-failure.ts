import type { EngineFailure } from "../ports/playout-engine.js";

/**
 * What to do about a failed LoadPreview (it is idempotent on the engine's side):
 * - `retry`: REJECTED_BUSY, NOT_READY, or a transport error that may pass
 *   (unavailable, deadline, internal, unknown);
 * - `permanent`: the engine will say the same again (PROTOCOL_VIOLATION, FAILED — e.g. a
 *   missing file —, an unspecified refusal such as an unknown channel, NOT_FOUND, ALREADY_EXISTS);
 * - `aborted`: the call was aborted (by the manager itself on dispose or terminal entry).
 */
export function classifyLoadPreviewFailure(failure: EngineFailure): "retry" | "permanent" | "aborted" {
  if (failure.kind === "rejected") {
    return failure.code === "rejected_busy" || failure.code === "not_ready" ? "retry" : "permanent";
  }
  switch (failure.error) {
    case "aborted":
      return "aborted";
    case "already_exists":
    case "not_found":
      return "permanent";
    default:
      return "retry";
  }
}

/** One-line description of an engine failure for logs and fatal reasons. */
export function describeEngineFailure(failure: EngineFailure): string {
  if (failure.kind === "rejected") {
    const code = failure.code.toUpperCase();
    const violation = failure.violationReason ? ` (${failure.violationReason})` : "";
    return `rejected ${code}${violation}${failure.message ? `: ${failure.message}` : ""}`;
  }
  return `error ${failure.error}${failure.message ? `: ${failure.message}` : ""}`;
}

/**
 * What a failed LoadPreview leads to:
 * - `terminal` — a permanent failure;
 * - `hold` — retryable, but a teardown is pending (no new LoadPreview: INV-TEARDOWN-NO-NEW-WORK-001);
 * - `no-time` — retryable, but the retry would not come before the switch issuance instant
 *   (the boundary then fails at that instant);
 * - `retry` — retry at `retryAtMs`.
 * `aborted` answers never reach here (they are stale by construction). Pure.
 */
export function decideLoadPreviewRetry(
  failure: EngineFailure,
  teardownPending: boolean,
  nowMs: number,
  retryDelayMs: number,
  switchIssueAtMs: number,
): { readonly kind: "terminal" | "hold" | "no-time" } | { readonly kind: "retry"; readonly retryAtMs: number } {
  if (classifyLoadPreviewFailure(failure) === "permanent") return { kind: "terminal" };
  if (teardownPending) return { kind: "hold" };
  const retryAtMs = nowMs + retryDelayMs;
  return retryAtMs >= switchIssueAtMs ? { kind: "no-time" } : { kind: "retry", retryAtMs };
}
