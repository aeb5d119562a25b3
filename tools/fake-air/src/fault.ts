/** The eight unary methods of `retrovue.playout.PlayoutControl`. */
export type AirMethod =
  | "StartChannel"
  | "UpdatePlan"
  | "StopChannel"
  | "GetVersion"
  | "LoadPreview"
  | "SwitchToLive"
  | "AttachStream"
  | "DetachStream";

/** Every {@link AirMethod}, in contract order. */
export const AIR_METHODS: readonly AirMethod[] = [
  "StartChannel",
  "UpdatePlan",
  "StopChannel",
  "GetVersion",
  "LoadPreview",
  "SwitchToLive",
  "AttachStream",
  "DetachStream",
];

/** A result code a fault may force into a response body (names without the `RESULT_CODE_` prefix). */
export type FaultResultCode = "NOT_READY" | "REJECTED_BUSY" | "PROTOCOL_VIOLATION" | "FAILED" | "UNSPECIFIED";

/**
 * A scripted misbehaviour for one method. Steps run in this order: `delayMs`, then `crash`,
 * `closeSocket`, `hang`, then the forced answer (`grpcStatus`, else `resultCode`/`success`), else
 * the normal engine logic. A forced answer skips the engine logic (no state changes).
 */
export interface Fault {
  /** Wait this long (ms, real time) before doing anything else. */
  delayMs?: number;
  /**
   * Force a body result code. Body-style methods (LoadPreview, SwitchToLive, AttachStream,
   * DetachStream) answer gRPC OK with `success` (default false) and this code where the message
   * has one; status-style methods (StartChannel, StopChannel, UpdatePlan, GetVersion) answer
   * gRPC INTERNAL, as the real engine reports failure there.
   */
  resultCode?: FaultResultCode;
  /** Force `success`. Alone, `true` answers a success body without running the engine logic. */
  success?: boolean;
  /** Answer with this gRPC status instead (any method). `code` is a grpc status number. */
  grpcStatus?: { code: number; message: string };
  /** Never answer. The call is released (UNAVAILABLE) when the server stops, dropped on crash. */
  hang?: boolean;
  /** Library: `crash()` the whole fake. CLI: exit the process with code 1 at once. */
  crash?: boolean;
  /** Abruptly close the media socket of the request's channel (every channel for GetVersion), then go on. */
  closeSocket?: boolean;
  /** Apply to the next N calls of the method, then drop. Default: until cleared. */
  times?: number;
}

/** Thrown by `script()` when a fault is malformed (negative delay, times < 1, bad method). */
export class FaultError extends Error {
  override readonly name = "FaultError";
  constructor(
    message: string,
    readonly method: string,
  ) {
    super(message);
  }
}

const RESULT_CODES: readonly FaultResultCode[] = ["NOT_READY", "REJECTED_BUSY", "PROTOCOL_VIOLATION", "FAILED", "UNSPECIFIED"];

/** True when `value` names an {@link AirMethod}. */
export function isAirMethod(value: unknown): value is AirMethod {
  return typeof value === "string" && (AIR_METHODS as readonly string[]).includes(value);
}

/** Checks a fault's fields; returns a copy with only known fields. Throws {@link FaultError}. */
export function validateFault(method: string, fault: unknown): Fault {
  if (!isAirMethod(method)) throw new FaultError(`unknown method "${method}"`, method);
  if (typeof fault !== "object" || fault === null) throw new FaultError("fault must be an object", method);
  const f = fault as Record<string, unknown>;
  const out: Fault = {};
  for (const key of Object.keys(f)) {
    if (!["delayMs", "resultCode", "success", "grpcStatus", "hang", "crash", "closeSocket", "times"].includes(key)) {
      throw new FaultError(`unknown fault field "${key}"`, method);
    }
  }
  if (f.delayMs !== undefined) {
    if (typeof f.delayMs !== "number" || !Number.isFinite(f.delayMs) || f.delayMs < 0) {
      throw new FaultError("delayMs must be a number >= 0", method);
    }
    out.delayMs = f.delayMs;
  }
  if (f.resultCode !== undefined) {
    if (!RESULT_CODES.includes(f.resultCode as FaultResultCode)) {
      throw new FaultError(`resultCode must be one of ${RESULT_CODES.join(", ")}`, method);
    }
    out.resultCode = f.resultCode as FaultResultCode;
  }
  if (f.grpcStatus !== undefined) {
    const s = f.grpcStatus as Record<string, unknown> | null;
    if (typeof s !== "object" || s === null || !Number.isInteger(s.code) || (s.code as number) < 1 || (s.code as number) > 16) {
      throw new FaultError("grpcStatus.code must be a gRPC status code 1..16", method);
    }
    out.grpcStatus = { code: s.code as number, message: typeof s.message === "string" ? s.message : "fault injected" };
  }
  for (const key of ["success", "hang", "crash", "closeSocket"] as const) {
    if (f[key] !== undefined) {
      if (typeof f[key] !== "boolean") throw new FaultError(`${key} must be a boolean`, method);
      out[key] = f[key] as boolean;
    }
  }
  if (f.times !== undefined) {
    if (!Number.isInteger(f.times) || (f.times as number) < 1) throw new FaultError("times must be an integer >= 1", method);
    out.times = f.times as number;
  }
  return out;
}

interface QueuedFault {
  fault: Fault;
  remaining: number | undefined;
}

/**
 * Per-method fault queues. Faults for a method apply in the order scripted: one with `times`
 * covers the next N calls and then gives way to the next; one without `times` stays until cleared.
 */
export class FaultScript {
  readonly #queues = new Map<AirMethod, QueuedFault[]>();

  /** Appends a fault for `method` (validated; throws {@link FaultError}). */
  add(method: AirMethod, fault: Fault): void {
    const valid = validateFault(method, fault);
    const queue = this.#queues.get(method) ?? [];
    queue.push({ fault: valid, remaining: valid.times });
    this.#queues.set(method, queue);
  }

  /** Removes every scripted fault. */
  clear(): void {
    this.#queues.clear();
  }

  /** The fault that applies to the next call of `method`, consuming one use of it. */
  take(method: AirMethod): Fault | undefined {
    const queue = this.#queues.get(method);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    if (head.remaining !== undefined) {
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
    }
    return head.fault;
  }
}
