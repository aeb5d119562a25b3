/** The `retrovue` operator CLI: `runCli(argv, { env })` returns the exit code. */
export { runCli } from "./main.js";
export { CliError, EXIT, type ExitCode } from "./cli-error.js";
export { resolveConnection, type Connection, type ConnectionOptions } from "./connection.js";
export { checkLineupFile, type LineupCheck, type LineupProblem } from "./commands/lineup-check.js";
export { probeMedia, MediaProbeError, type MediaProbe } from "./probe-media.js";
