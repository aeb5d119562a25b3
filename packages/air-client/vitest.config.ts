import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real processes, sockets and ffmpeg on a shared 2-core machine: a 5 s default turned
    // slow-but-correct runs into failures. Timeouts bound hangs; they do not measure speed.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
