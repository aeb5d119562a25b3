import { describe, expect, test } from "vitest";

// The package's vitest config runs the whole suite once per project: default TZ,
// Asia/Hong_Kong and America/Los_Angeles (GOVERNANCE guarantee 6). This proves the TZ
// of each run is real, not assumed: the offset of a known instant must match the project.
const JAN_15_2024 = Date.UTC(2024, 0, 15, 12, 0, 0);
const expectedOffsetMin: Record<string, number | undefined> = {
  "tz-hong-kong": -480,
  "tz-los-angeles": 480,
};

describe("suite time zone", () => {
  test("each project runs under its own TZ (offset of 2024-01-15 matches the project)", ({ task }) => {
    const project = task.file.projectName ?? "";
    expect(["tz-default", "tz-hong-kong", "tz-los-angeles"]).toContain(project);
    const offset = new Date(JAN_15_2024).getTimezoneOffset();
    const expected = expectedOffsetMin[project];
    if (expected === undefined) {
      // The default project keeps the runner's zone, whatever it is.
      expect(offset).toBe(Number(process.env.RETROVUE_DEFAULT_TZ_OFFSET_MIN));
    } else {
      expect(offset).toBe(expected);
    }
  });
});
