import { pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "../config/server-config.js";

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly level: LogLevel;
  /**
   * Human-readable output (pino-pretty) instead of JSON lines. Default: when stdout is a
   * TTY, so a newcomer's terminal is readable and anything piped or collected gets JSON.
   */
  readonly pretty?: boolean;
  /** Where lines go. Default stdout. Tests pass a capturing stream. */
  readonly destination?: DestinationStream;
}

/**
 * The server's root pino logger (`name: "retrovue-core"`). Errors are serialised under
 * `err`; log lines that report an invariant event carry its ID in `invariant`.
 * Pretty printing runs in-process (no worker thread) so shutdown flushes it with the rest.
 */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const base = { level: options.level, name: "retrovue-core" };
  if (usePretty) {
    return pino(base, pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,name", sync: true }));
  }
  return pino(base, options.destination ?? pino.destination({ fd: 1, sync: true }));
}
