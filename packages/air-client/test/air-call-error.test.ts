import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import {
  AirCallError,
  airErrorCodeFromGrpcStatus,
  grpcStatusOf,
  isAirCallError,
  type AirErrorCode,
} from "../src/index.js";

const GRPC_CODES: readonly [number, AirErrorCode][] = [
  [1, "canceled"],
  [2, "unknown"],
  [3, "invalid_argument"],
  [4, "deadline_exceeded"],
  [5, "not_found"],
  [6, "already_exists"],
  [7, "permission_denied"],
  [8, "resource_exhausted"],
  [9, "failed_precondition"],
  [10, "aborted"],
  [11, "out_of_range"],
  [12, "unimplemented"],
  [13, "internal"],
  [14, "unavailable"],
  [15, "data_loss"],
  [16, "unauthenticated"],
];

function nodeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe("airErrorCodeFromGrpcStatus / grpcStatusOf", () => {
  it.each(GRPC_CODES)("maps gRPC status %i to %s and back", (status, code) => {
    expect(airErrorCodeFromGrpcStatus(status)).toBe(code);
    expect(grpcStatusOf(code)).toBe(status);
  });

  it("maps OK and out-of-range numbers to unknown", () => {
    expect(airErrorCodeFromGrpcStatus(0)).toBe("unknown");
    expect(airErrorCodeFromGrpcStatus(17)).toBe("unknown");
    expect(airErrorCodeFromGrpcStatus(-1)).toBe("unknown");
  });
});

describe("AirCallError", () => {
  it("carries code, status number, method and raw message, with a prefixed message", () => {
    const e = new AirCallError("not_found", "StopChannel", "Channel 3 not found");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("AirCallError");
    expect(e.code).toBe("not_found");
    expect(e.grpcStatus).toBe(5);
    expect(e.method).toBe("StopChannel");
    expect(e.rawMessage).toBe("Channel 3 not found");
    expect(e.message).toBe("[not_found] StopChannel: Channel 3 not found");
  });

  it.each(GRPC_CODES)("from() keeps a ConnectError's status %i as %s, with its raw message", (status, code) => {
    const ce = new ConnectError("engine says so", status as Code);
    const e = AirCallError.from(ce, "StartChannel");
    expect(e.code).toBe(code);
    expect(e.rawMessage).toBe("engine says so");
    expect(e.method).toBe("StartChannel");
    expect(e.cause).toBe(ce);
  });

  it("from() reads a stream reset by a dying HTTP/2 session as unavailable, not canceled", () => {
    const ce = new ConnectError("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled);
    const e = AirCallError.from(ce, "UpdatePlan");
    expect(e.code).toBe("unavailable");
    expect(e.rawMessage).toContain("connection to the engine was lost");
    expect(e.cause).toBe(ce);
  });

  it("from() keeps a caller's abort as canceled", () => {
    expect(AirCallError.from(new ConnectError("This operation was aborted", Code.Canceled), "GetVersion").code).toBe(
      "canceled",
    );
  });

  it("from() reads Aborted caused by ECONNRESET as unavailable, and plain Aborted as aborted", () => {
    const reset = new ConnectError("read ECONNRESET", Code.Aborted, undefined, undefined, nodeError("ECONNRESET"));
    expect(AirCallError.from(reset, "LoadPreview").code).toBe("unavailable");
    expect(AirCallError.from(new ConnectError("conflict", Code.Aborted), "LoadPreview").code).toBe("aborted");
  });

  it("from() maps Node socket errors to unavailable, walking the cause chain", () => {
    expect(AirCallError.from(nodeError("ECONNREFUSED"), "GetVersion").code).toBe("unavailable");
    const wrapped = new Error("outer", { cause: new Error("middle", { cause: nodeError("EPIPE") }) });
    expect(AirCallError.from(wrapped, "GetVersion").code).toBe("unavailable");
    expect(AirCallError.from(nodeError("EACCES"), "GetVersion").code).toBe("unknown");
  });

  it("from() terminates on a cyclic cause chain", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(AirCallError.from(a, "GetVersion").code).toBe("unknown");
  });

  it("from() maps AbortError to canceled and TimeoutError to deadline_exceeded", () => {
    expect(AirCallError.from(new DOMException("stop", "AbortError"), "SwitchToLive").code).toBe("canceled");
    expect(AirCallError.from(new DOMException("late", "TimeoutError"), "SwitchToLive").code).toBe("deadline_exceeded");
  });

  it("from() turns non-errors into unknown and returns an AirCallError unchanged", () => {
    const e = AirCallError.from("boom", "DetachStream");
    expect(e.code).toBe("unknown");
    expect(e.rawMessage).toBe("boom");
    expect(e.cause).toBe("boom");
    expect(AirCallError.from(e, "GetVersion")).toBe(e);
  });

  it("instanceof recognises a copy from a duplicate install, not other errors", () => {
    const lookalike = Object.assign(new Error("x"), {
      name: "AirCallError",
      code: "internal",
      method: "StartChannel",
      rawMessage: "x",
    });
    expect(lookalike instanceof AirCallError).toBe(true);
    expect(new Error("x") instanceof AirCallError).toBe(false);
    expect(isAirCallError(new AirCallError("internal", "StartChannel", "x"), "internal")).toBe(true);
    expect(isAirCallError(new AirCallError("internal", "StartChannel", "x"), "unavailable")).toBe(false);
  });
});
