import { defineConfig } from "vitest/config";

// The real-engine suite (`pnpm test:real-air`): its own config so the package's `test` (the
// fake-engine suites) does not need the engine; its report sits beside the package's.
export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test-real-air/**/*.test.ts"],
    globalSetup: ["test-real-air/support/global-setup.ts"],
    // Real engines are heavy: one file at a time, one test at a time.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 60_000,
    reporters: ["default", ["json", { outputFile: ".test-results/real-air.json" }]],
  },
});
