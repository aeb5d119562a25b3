import type { AirMethod, Fault } from "./fault.js";

/** How a recorded call ended (or why it has not). */
export type RecordedOutcome =
  /** gRPC OK with this body (plain JSON, int64 as decimal strings, enums as names). */
  | { kind: "response"; response: Record<string, unknown> }
  /** A gRPC error status. */
  | { kind: "status"; code: number; message: string }
  /** A scripted hang: no answer yet. */
  | { kind: "hung" }
  /** Never answered: the server stopped (client got UNAVAILABLE) or crashed (connection dropped). */
  | { kind: "released"; reason: "stop" | "crash" };

/** One RPC as the fake saw it. Times are wall-clock epoch ms. */
export interface RecordedCall {
  method: AirMethod;
  /** The request as decoded (snake_case fields, defaults filled, int64 as strings, enums as names). */
  request: Record<string, unknown>;
  receivedAtMs: number;
  answeredAtMs?: number;
  outcome?: RecordedOutcome;
  /** The scripted fault applied to this call, if any. */
  fault?: Fault;
  /** True when the client cancelled the call (deadline or abort) before it was answered. */
  clientCancelled?: boolean;
}

/** Keeps every call in arrival order. */
export class CallRecorder {
  readonly #calls: RecordedCall[] = [];

  begin(method: AirMethod, request: Record<string, unknown>, nowMs: number): RecordedCall {
    const call: RecordedCall = { method, request: structuredClone(request), receivedAtMs: nowMs };
    this.#calls.push(call);
    return call;
  }

  /** Deep copies, so callers cannot change the record. */
  list(): RecordedCall[] {
    return structuredClone(this.#calls);
  }
}
