import { describe, expect, it } from "vitest";
import { AIR_API_MAJOR, AirCallError, checkAirApiVersion, parseAirApiVersion } from "../src/index.js";

describe("parseAirApiVersion", () => {
  it.each([
    ["1.0.0", 1, 0, 0],
    ["1.2", 1, 2, 0],
    ["2", 2, 0, 0],
    ["v1.4.7-rc.1", 1, 4, 7],
    [" 1.0.0+build5 ", 1, 0, 0],
  ])("parses %j", (text, major, minor, patch) => {
    expect(parseAirApiVersion(text)).toEqual({ version: text, major, minor, patch });
  });

  it.each(["", "one", "1.x", "1.0.0.0", "-1"])("rejects %j", (text) => {
    expect(parseAirApiVersion(text)).toBeUndefined();
  });
});

describe("checkAirApiVersion", () => {
  it("accepts any version with major 1", () => {
    expect(AIR_API_MAJOR).toBe(1);
    expect(checkAirApiVersion("1.0.0")).toEqual({ version: "1.0.0", major: 1, minor: 0, patch: 0 });
    expect(checkAirApiVersion("1.9.3")).toMatchObject({ major: 1, minor: 9 });
  });

  it.each(["2.0.0", "0.9.1"])("refuses %s with failed_precondition", (version) => {
    const r = checkAirApiVersion(version);
    expect(r).toBeInstanceOf(AirCallError);
    expect((r as AirCallError).code).toBe("failed_precondition");
    expect((r as AirCallError).method).toBe("GetVersion");
    expect((r as AirCallError).rawMessage).toContain(version);
  });

  it("refuses a string that is not a version", () => {
    expect((checkAirApiVersion("banana") as AirCallError).code).toBe("failed_precondition");
  });
});
