import type { AirCallError } from "./air-call-error.js";
import { ResultCode } from "./gen/retrovue/playout/playout_pb.js";

/** `ResultCode` from the wire, by name (lower snake case, without the `RESULT_CODE_` prefix). */
export type AirResultCodeName = "unspecified" | "ok" | "not_ready" | "rejected_busy" | "protocol_violation" | "failed";

/**
 * Why the engine said no in an answer body. `unspecified` means the body carried
 * `success=false` without a result code (an older engine, or a method whose response has
 * no result code: AttachStream, DetachStream, and the status-style methods).
 */
export type AirRejectCode = Exclude<AirResultCodeName, "ok">;

/** The engine answered and the call succeeded. */
export interface AirOk<T> {
  readonly ok: true;
  readonly value: T;
}

/** The engine answered, and said no (`success=false` and/or a non-OK result code). */
export interface AirRejected {
  readonly ok: false;
  readonly kind: "rejected";
  readonly code: AirRejectCode;
  /** The engine's `message` field (may be empty). */
  readonly message: string;
  /** Set (non-empty) only when the engine filled `violation_reason` (SwitchToLive). */
  readonly violationReason?: string;
}

/** No answer body: gRPC error status, deadline, unreachable engine, abort, bad request. */
export interface AirFailed {
  readonly ok: false;
  readonly kind: "error";
  readonly error: AirCallError;
}

/** Outcome of a call whose response has a body with `success`: answer, rejection, or error. */
export type AirResult<T> = AirOk<T> | AirRejected | AirFailed;

/** Outcome of a call that cannot be rejected in its body (GetVersion): answer or error. */
export type AirCallResult<T> = AirOk<T> | AirFailed;

const NAME_BY_CODE: Readonly<Record<ResultCode, AirResultCodeName>> = {
  [ResultCode.UNSPECIFIED]: "unspecified",
  [ResultCode.OK]: "ok",
  [ResultCode.NOT_READY]: "not_ready",
  [ResultCode.REJECTED_BUSY]: "rejected_busy",
  [ResultCode.PROTOCOL_VIOLATION]: "protocol_violation",
  [ResultCode.FAILED]: "failed",
};

/**
 * The name of a wire `ResultCode`. A number this client does not know (a newer engine)
 * is reported as `unspecified`, so that the older-engine rule applies to it.
 */
export function resultCodeName(code: number): AirResultCodeName {
  return NAME_BY_CODE[code as ResultCode] ?? "unspecified";
}

/** The parts of an answer body that decide its outcome. */
export interface AnswerBody {
  readonly success: boolean;
  readonly message: string;
  /** Absent for responses without a result code field. */
  readonly resultCode?: number;
  readonly violationReason?: string;
}

/**
 * Decides the outcome of an answer body. A typed result code decides (OK → ok, any other
 * → rejected with that code, whatever `success` says). UNSPECIFIED (or no code, or an
 * unknown one) comes from an engine that predates result codes: fall back to `success`
 * ("older engine" rule, AIR-CONTRACT.md).
 */
export function outcomeOfBody<T>(body: AnswerBody, value: T): AirOk<T> | AirRejected {
  const name = body.resultCode === undefined ? "unspecified" : resultCodeName(body.resultCode);
  if (name === "ok" || (name === "unspecified" && body.success)) return { ok: true, value };
  const rejected: AirRejected = { ok: false, kind: "rejected", code: name, message: body.message };
  return body.violationReason ? { ...rejected, violationReason: body.violationReason } : rejected;
}

/** Wraps an {@link AirCallError} as the error arm of a result. */
export function failed(error: AirCallError): AirFailed {
  return { ok: false, kind: "error", error };
}
