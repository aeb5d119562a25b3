import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The sample lineup shipped with the server (apps/core-server/lineup/sample-lineup.json).
 * Resolved from this module's location, so it works from `src/` (tests) and `dist/`.
 */
export function sampleLineupPath(): string {
  return fileURLToPath(new URL("../../lineup/sample-lineup.json", import.meta.url));
}

/**
 * The fake AIR's command-line entry (`tools/fake-air/dist/cli.js`), found through the
 * installed `@retrovue/fake-air` package rather than a repo-relative path.
 * Throws if the package is not installed (it is a dependency of this one).
 */
export function fakeAirCliPath(): string {
  const entry = createRequire(import.meta.url).resolve("@retrovue/fake-air");
  return join(dirname(entry), "cli.js");
}
