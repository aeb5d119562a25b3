import { defineConfig } from "vitest/config";

// Unit tests of the app's pure parts (layout, formatting, playlist choice); the browser
// end-to-end tests live with the server that serves the app (core-server test/web).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
