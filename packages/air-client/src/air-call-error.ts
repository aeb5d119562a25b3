import { Code, ConnectError } from "@connectrpc/connect";
import type { AirMethod } from "./air-method.js";

/**
 * Why an AIR call produced no answer body. A closed list, aligned one-to-one with the
 * gRPC status codes (lower snake case, as connect's `codeToString` spells them); there
 * are no client-defined codes. Client-side conditions reuse the nearest gRPC meaning:
 * `invalid_argument` for a request that cannot be put on the wire, `canceled` for an
 * aborted signal or a closed client, `failed_precondition` for an unsupported engine
 * API version.
 */
export type AirErrorCode =
  | "canceled"
  | "unknown"
  | "invalid_argument"
  | "deadline_exceeded"
  | "not_found"
  | "already_exists"
  | "permission_denied"
  | "resource_exhausted"
  | "failed_precondition"
  | "aborted"
  | "out_of_range"
  | "unimplemented"
  | "internal"
  | "unavailable"
  | "data_loss"
  | "unauthenticated";

// Index = gRPC status number (0 is OK and never an error).
const CODE_BY_STATUS: readonly (AirErrorCode | undefined)[] = [
  undefined,
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
];

/**
 * Maps a gRPC status number to its {@link AirErrorCode}. OK (0) and numbers outside the
 * gRPC range map to `unknown`, as gRPC itself does for unrecognised statuses.
 */
export function airErrorCodeFromGrpcStatus(status: number): AirErrorCode {
  return CODE_BY_STATUS[status] ?? "unknown";
}

/** The gRPC status number of an {@link AirErrorCode} (1–16). */
export function grpcStatusOf(code: AirErrorCode): number {
  return CODE_BY_STATUS.indexOf(code);
}

// Node error codes that mean "the engine is not there or the connection to it died".
// ECONNREFUSED: nothing listens (engine down). ECONNRESET/EPIPE: the engine process
// went away mid-call; gRPC reports a dropped connection as UNAVAILABLE, while
// connect-node maps ECONNRESET to Aborted (its server-side "client hung up" case), so
// we take the cause chain over connect's code here.
const CONNECTION_LOST_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_HTTP2_INVALID_SESSION",
]);

/**
 * The one error type of the AIR client: a call that got no answer body, for any reason
 * (gRPC error status, deadline, engine unreachable, aborted, bad request, client closed).
 * Client methods never throw it; they return it inside a result (`{ ok: false, kind:
 * "error", error }`).
 *
 * `message` is `[code] Method: rawMessage`; `rawMessage` is the engine's status message
 * (or the local reason) unprefixed.
 */
export class AirCallError extends Error {
  override readonly name = "AirCallError";
  /** The gRPC-aligned code. */
  readonly code: AirErrorCode;
  /** The same code as its gRPC status number (1–16). */
  readonly grpcStatus: number;
  /** The RPC this error came from. */
  readonly method: AirMethod;
  /** The message without the `[code] Method:` prefix. */
  readonly rawMessage: string;
  /** What was caught (a ConnectError, a Node error, …), if anything. */
  override readonly cause: unknown;

  constructor(code: AirErrorCode, method: AirMethod, rawMessage: string, cause?: unknown) {
    super(`[${code}] ${method}: ${rawMessage}`);
    this.code = code;
    this.grpcStatus = grpcStatusOf(code);
    this.method = method;
    this.rawMessage = rawMessage;
    this.cause = cause;
  }

  /**
   * Normalises anything caught during a call on `method` into an AirCallError:
   * an AirCallError is returned as is; a ConnectError keeps its code and raw message
   * (except that a lost connection becomes `unavailable`, see above); Node socket errors
   * become `unavailable`; an `AbortError` becomes `canceled`, a `TimeoutError`
   * `deadline_exceeded`; anything else is `unknown`. Never throws.
   */
  static from(reason: unknown, method: AirMethod): AirCallError {
    if (reason instanceof AirCallError) return reason;
    if (reason instanceof ConnectError) {
      if (isLostConnection(reason)) {
        return new AirCallError("unavailable", method, `connection to the engine was lost (${reason.rawMessage})`, reason);
      }
      return new AirCallError(airErrorCodeFromGrpcStatus(reason.code), method, reason.rawMessage, reason);
    }
    if (reason instanceof Error) {
      if (reason.name === "AbortError") return new AirCallError("canceled", method, reason.message, reason);
      if (reason.name === "TimeoutError") return new AirCallError("deadline_exceeded", method, reason.message, reason);
      const code = hasConnectionLostCause(reason) ? "unavailable" : "unknown";
      return new AirCallError(code, method, reason.message, reason);
    }
    return new AirCallError("unknown", method, describe(reason), reason);
  }

  /** `instanceof` that also recognises copies from a duplicate install of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!(value instanceof Error) || value.name !== "AirCallError") return false;
    const v = value as Partial<AirCallError>;
    return typeof v.code === "string" && typeof v.method === "string" && typeof v.rawMessage === "string";
  }
}

/** Type guard for {@link AirCallError}, optionally of one code. */
export function isAirCallError(value: unknown, code?: AirErrorCode): value is AirCallError {
  return value instanceof AirCallError && (code === undefined || value.code === code);
}

// connect-node reports a stream that its HTTP/2 session killed (the engine process died,
// its sockets were destroyed) as a RST_STREAM CANCEL: Code.Canceled with this fixed message
// (connectErrorFromH2ResetCode in connect-node 2.1.2's node-error.ts), and ECONNRESET as
// Code.Aborted. Neither is the caller canceling, so they read as a lost connection, the way
// gRPC reports a dropped connection. A caller's own abort never carries this message.
const STREAM_CANCELED_BY_TRANSPORT = "http/2 stream closed with error code CANCEL";

function isLostConnection(reason: ConnectError): boolean {
  if (reason.code === Code.Canceled) return reason.rawMessage.startsWith(STREAM_CANCELED_BY_TRANSPORT);
  return (reason.code === Code.Aborted || reason.code === Code.Internal) && hasConnectionLostCause(reason);
}

// Walks the `cause` chain (bounded, cycle-safe) looking for a Node connection error code.
function hasConnectionLostCause(reason: Error): boolean {
  const seen = new Set<unknown>();
  let current: unknown = reason;
  while (current instanceof Error && !seen.has(current) && seen.size < 16) {
    seen.add(current);
    const nodeCode = (current as { code?: unknown }).code;
    if (typeof nodeCode === "string" && CONNECTION_LOST_NODE_CODES.has(nodeCode)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function describe(reason: unknown): string {
  if (typeof reason === "string") return reason;
  try {
    return String(reason);
  } catch {
    return "non-error value thrown";
  }
}
