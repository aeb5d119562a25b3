import type { AirCallResult, AirErrorCode, AirResult } from "@retrovue/air-client";
import type { EngineCallErrorKind, EngineFailure, EngineOutcome } from "@retrovue/core-runtime";

/**
 * AIR-client error codes → core-runtime's closed {@link EngineCallErrorKind}. `canceled`
 * (our signal or a closed client) is `aborted`; gRPC codes the port does not name are
 * `unknown`.
 */
const KIND_BY_CODE: Partial<Record<AirErrorCode, EngineCallErrorKind>> = {
  unavailable: "unavailable",
  deadline_exceeded: "deadline_exceeded",
  already_exists: "already_exists",
  not_found: "not_found",
  internal: "internal",
  canceled: "aborted",
};

/** The port's error kind for an AIR error code. */
export function engineErrorKind(code: AirErrorCode): EngineCallErrorKind {
  return KIND_BY_CODE[code] ?? "unknown";
}

/**
 * Turns an AirClient result into the port's {@link EngineOutcome}: an answer → `ok` with
 * `map(value)`; a body that said no → `rejected` with its result code; no answer body →
 * `error` with its kind. Pure; never throws.
 */
export function toEngineOutcome<T, U>(result: AirResult<T> | AirCallResult<T>, map: (value: T) => U): EngineOutcome<U> {
  if (result.ok) return { ok: true, value: map(result.value) };
  return { ok: false, failure: toEngineFailure(result) };
}

/** The failure half of {@link toEngineOutcome}. */
export function toEngineFailure(result: Exclude<AirResult<unknown>, { ok: true }>): EngineFailure {
  if (result.kind === "rejected") {
    return result.violationReason === undefined
      ? { kind: "rejected", code: result.code, message: result.message }
      : { kind: "rejected", code: result.code, message: result.message, violationReason: result.violationReason };
  }
  return { kind: "error", error: engineErrorKind(result.error.code), message: result.error.message };
}

/** A failure Core itself reports (no engine involved), e.g. a spawn that did not come up. */
export function localFailure(error: EngineCallErrorKind, message: string): EngineOutcome<never> {
  return { ok: false, failure: { kind: "error", error, message } };
}

/** The metric label of a failure: `rejected`, or the error kind. */
export function failureLabel(failure: EngineFailure): EngineCallErrorKind | "rejected" {
  return failure.kind === "rejected" ? "rejected" : failure.error;
}
