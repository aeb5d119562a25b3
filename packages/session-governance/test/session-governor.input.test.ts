import { describe, expect, test } from "vitest";
import { InvalidArgumentError, InvalidOperationError, InvalidSessionIdError } from "../src/errors.js";
import { ManualClock, SMALL_POLICY, T0, counts, createSession, useFixture } from "./helpers.js";

describe("SessionGovernor rejects garbage input with typed errors and writes nothing", () => {
  const fx = useFixture();

  test.each([
    ["", "stream", InvalidSessionIdError],
    ["0".repeat(31), "stream", InvalidSessionIdError],
    [`${"0".repeat(32)}\n`, "stream", InvalidSessionIdError],
    [{ id: "0".repeat(32) }, "stream", InvalidSessionIdError],
    ["VALID", "", InvalidOperationError],
    ["VALID", "DROP TABLE", InvalidOperationError],
    ["VALID", 7, InvalidOperationError],
  ] as const)("admit(%j, %j)", (sessionId, operation, ErrorClass) => {
    const clock = new ManualClock(T0);
    const gov = fx.open(clock, { policy: SMALL_POLICY });
    const { id } = createSession(gov);
    clock.advance(1_000);
    const before = counts(fx.raw());
    expect(() => gov.governor.admit(sessionId === "VALID" ? id : sessionId, operation)).toThrow(ErrorClass);
    expect(counts(fx.raw())).toEqual(before);
    expect(gov.sessions.get(id)).toMatchObject({ lastActivityAtMs: T0, lastActivityKind: "create" });
    expect(gov.governor.activeSlots(id)).toBe(0);
  });

  test("run() rejects with the typed error instead of throwing synchronously", async () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    await expect(gov.governor.run("nope", "stream", () => 1)).rejects.toBeInstanceOf(InvalidSessionIdError);
  });

  test("sweep rejects a non-integer instant; recheckIntervalMs must be an integer >= 1 or null", () => {
    const gov = fx.open(new ManualClock(T0), { policy: SMALL_POLICY });
    expect(() => gov.governor.sweep(Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => fx.open(new ManualClock(T0), { recheckIntervalMs: 0 })).toThrow(InvalidArgumentError);
  });
});
