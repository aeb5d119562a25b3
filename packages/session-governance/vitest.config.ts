import { defineConfig } from "vitest/config";

// The whole suite runs three times, once per time zone (GOVERNANCE guarantee 6: times are
// UTC epoch ms, so no answer may depend on TZ). One JSON report sums all three projects;
// test/tz.test.ts proves each project really runs in its zone.
const zones: ReadonlyArray<{ name: string; tz: string | undefined }> = [
  { name: "tz-default", tz: undefined },
  { name: "tz-hong-kong", tz: "Asia/Hong_Kong" },
  { name: "tz-los-angeles", tz: "America/Los_Angeles" },
];
const defaultOffsetMin = String(new Date(Date.UTC(2024, 0, 15, 12, 0, 0)).getTimezoneOffset());

export default defineConfig({
  test: {
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
    isolate: false,
    projects: zones.map(({ name, tz }) => ({
      extends: true,
      test: {
        name,
        include: ["test/**/*.test.ts"],
        env: { RETROVUE_DEFAULT_TZ_OFFSET_MIN: defaultOffsetMin, ...(tz === undefined ? {} : { TZ: tz }) },
      },
    })),
  },
});
