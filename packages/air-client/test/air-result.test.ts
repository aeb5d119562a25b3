import { describe, expect, it } from "vitest";
import { airProto, outcomeOfBody, resultCodeName, type AirResultCodeName } from "../src/index.js";

const { ResultCode } = airProto;

describe("resultCodeName", () => {
  it.each([
    [ResultCode.UNSPECIFIED, "unspecified"],
    [ResultCode.OK, "ok"],
    [ResultCode.NOT_READY, "not_ready"],
    [ResultCode.REJECTED_BUSY, "rejected_busy"],
    [ResultCode.PROTOCOL_VIOLATION, "protocol_violation"],
    [ResultCode.FAILED, "failed"],
  ] as [number, AirResultCodeName][])("names wire code %i %s", (code, name) => {
    expect(resultCodeName(code)).toBe(name);
  });

  it("names a code this client does not know unspecified", () => {
    expect(resultCodeName(42)).toBe("unspecified");
  });
});

describe("outcomeOfBody", () => {
  const value = { answer: 1 };

  it("OK is success whatever `success` says", () => {
    expect(outcomeOfBody({ success: true, message: "", resultCode: ResultCode.OK }, value)).toEqual({ ok: true, value });
    expect(outcomeOfBody({ success: false, message: "", resultCode: ResultCode.OK }, value)).toEqual({ ok: true, value });
  });

  it.each([
    [ResultCode.NOT_READY, "not_ready"],
    [ResultCode.REJECTED_BUSY, "rejected_busy"],
    [ResultCode.PROTOCOL_VIOLATION, "protocol_violation"],
    [ResultCode.FAILED, "failed"],
  ] as [number, AirResultCodeName][])("code %i is a rejection %s even with success=true", (resultCode, code) => {
    for (const success of [true, false]) {
      expect(outcomeOfBody({ success, message: "why", resultCode }, value)).toEqual({
        ok: false,
        kind: "rejected",
        code,
        message: "why",
      });
    }
  });

  it("older engine rule: UNSPECIFIED falls back to success", () => {
    expect(outcomeOfBody({ success: true, message: "", resultCode: ResultCode.UNSPECIFIED }, value)).toEqual({
      ok: true,
      value,
    });
    expect(outcomeOfBody({ success: false, message: "Channel 9 not found", resultCode: 0 }, value)).toEqual({
      ok: false,
      kind: "rejected",
      code: "unspecified",
      message: "Channel 9 not found",
    });
  });

  it("a body without a result code, or with an unknown one, follows success", () => {
    expect(outcomeOfBody({ success: true, message: "" }, value).ok).toBe(true);
    expect(outcomeOfBody({ success: false, message: "no" }, value)).toMatchObject({ kind: "rejected", code: "unspecified" });
    expect(outcomeOfBody({ success: true, message: "", resultCode: 42 }, value).ok).toBe(true);
    expect(outcomeOfBody({ success: false, message: "", resultCode: 42 }, value)).toMatchObject({ code: "unspecified" });
  });

  it("carries violationReason only when the engine filled it", () => {
    const withReason = outcomeOfBody(
      { success: false, message: "m", resultCode: ResultCode.PROTOCOL_VIOLATION, violationReason: "Insufficient prefeed lead time" },
      value,
    );
    expect(withReason).toMatchObject({ violationReason: "Insufficient prefeed lead time" });
    const empty = outcomeOfBody({ success: false, message: "m", resultCode: ResultCode.FAILED, violationReason: "" }, value);
    expect(empty).not.toHaveProperty("violationReason");
  });
});
