/**
 * Command-line entry: `node dist/main.js [options]` (`pnpm start`). Exit codes: 0 after a
 * clean shutdown (SIGINT/SIGTERM), 2 for invalid configuration, 1 for any other failure.
 */
import { createCoreServer, type CoreServer } from "./app/create-core-server.js";
import { PreflightError, preflight } from "./app/preflight.js";
import { StartupError } from "./app/startup-error.js";
import { ConfigError } from "./config/config-error.js";
import { configUsage } from "./config/config-options.js";
import { parseCommandLine } from "./config/parse-config.js";
import { ListenError } from "./http/http-server.js";

/** Exit code for invalid configuration. */
const EXIT_CONFIG = 2;
const EXIT_FAILURE = 1;

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCommandLine({ argv: process.argv.slice(2), env: process.env });
  } catch (error) {
    fail(error);
    return;
  }
  if (parsed.kind === "help") {
    process.stdout.write(`${configUsage()}\n`);
    return;
  }

  try {
    await preflight(parsed.config);
  } catch (error) {
    fail(error);
    return;
  }

  let server: CoreServer;
  try {
    server = createCoreServer(parsed.config);
  } catch (error) {
    fail(error);
    return;
  }
  installSignalHandlers(server);
  try {
    const address = await server.listen();
    const token = server.adminToken;
    if (token?.source === "generated") {
      // Shown once, on stderr and not in the JSON log stream, which may be shipped elsewhere.
      process.stderr.write(
        `\nOperator token generated and stored in ${token.filePath}:\n  ${token.token}\n` +
          `Use it as "Authorization: Bearer <token>" on /admin routes.\n\n`,
      );
    }
    server.logger.debug({ url: address.url }, "ready");
  } catch (error) {
    await server.close().catch(() => undefined);
    fail(error, server);
  }
}

function fail(error: unknown, server?: CoreServer): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`retrovue-core: ${error.message}\n`);
    process.exitCode = EXIT_CONFIG;
    return;
  }
  if (error instanceof PreflightError) {
    process.stderr.write(`retrovue-core: ${error.message}\n`);
    process.exitCode = error.exitCode;
    return;
  }
  const known = error instanceof ListenError || error instanceof StartupError;
  const message = known ? error.message : String(error);
  // Known start-up failures are one sentence: the log line carries it without a stack trace.
  server?.logger.fatal(known ? { errorName: error.name, reason: message } : { err: error }, "failed to start");
  process.stderr.write(`retrovue-core: ${message}\n`);
  process.exitCode = EXIT_FAILURE;
}

function installSignalHandlers(server: CoreServer): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal means "now": skip the rest of the graceful path.
      server.logger.warn({ signal }, "second signal: exiting at once");
      process.exit(EXIT_FAILURE);
    }
    stopping = true;
    server.logger.info({ signal }, "signal received; shutting down");
    server.close().then(
      () => exitWhenDrained(0),
      (error: unknown) => {
        server.logger.error({ err: error }, "shutdown failed");
        exitWhenDrained(EXIT_FAILURE);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("unhandledRejection", (reason) => {
    server.logger.fatal({ err: reason }, "unhandled rejection");
    if (!stopping) onSignal("SIGTERM");
  });
}

/** Lets the event loop empty by itself; if something still holds it, exit anyway after a moment. */
function exitWhenDrained(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
}

void main();
