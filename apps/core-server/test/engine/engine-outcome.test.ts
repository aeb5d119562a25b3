import { AirCallError } from "@retrovue/air-client";
import { describe, expect, it } from "vitest";
import { engineErrorKind, toEngineOutcome } from "../../src/index.js";

describe("toEngineOutcome", () => {
  it("maps an answer to ok with the mapped value", () => {
    expect(toEngineOutcome({ ok: true, value: { completionTimeMs: 5 } }, (v) => v.completionTimeMs)).toEqual({ ok: true, value: 5 });
  });

  it("maps a body that said no to `rejected`, keeping the code and violation reason", () => {
    expect(
      toEngineOutcome(
        { ok: false, kind: "rejected", code: "protocol_violation", message: "no", violationReason: "Insufficient prefeed lead time" },
        () => undefined,
      ),
    ).toEqual({
      ok: false,
      failure: { kind: "rejected", code: "protocol_violation", message: "no", violationReason: "Insufficient prefeed lead time" },
    });
  });

  it("maps a status error to `error` with the port's kind", () => {
    const error = new AirCallError("already_exists", "StartChannel", "channel 2: already exists");
    expect(toEngineOutcome({ ok: false, kind: "error", error }, () => undefined)).toEqual({
      ok: false,
      failure: { kind: "error", error: "already_exists", message: "[already_exists] StartChannel: channel 2: already exists" },
    });
  });

  it("names every AIR error code with one of the port's kinds", () => {
    expect(engineErrorKind("unavailable")).toBe("unavailable");
    expect(engineErrorKind("deadline_exceeded")).toBe("deadline_exceeded");
    expect(engineErrorKind("not_found")).toBe("not_found");
    expect(engineErrorKind("internal")).toBe("internal");
    expect(engineErrorKind("canceled")).toBe("aborted");
    expect(engineErrorKind("failed_precondition")).toBe("unknown");
    expect(engineErrorKind("resource_exhausted")).toBe("unknown");
  });
});
