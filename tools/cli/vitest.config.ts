import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every test runs real processes (the CLI, ffprobe, ffmpeg) against a real server on a shared 2-core machine.
    testTimeout: 90_000,
    hookTimeout: 30_000,
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
