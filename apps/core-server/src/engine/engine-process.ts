import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/** How to start an engine: the executable and the arguments before `--address HOST:PORT`. */
export interface EngineCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** Options of {@link spawnEngineProcess}. */
export interface SpawnEngineOptions {
  readonly channelId: number;
  readonly command: EngineCommand;
  /** Loopback host the engine binds. Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  /** The engine's stdout and stderr are appended here (the directory is created). */
  readonly logFile: string;
}

/** How an engine process ended. `error` is set when it could not be started at all. */
export interface EngineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/** One spawned engine process, tracked from the moment `spawn` returns. */
export interface EngineProcess {
  readonly channelId: number;
  /** OS pid; undefined if the spawn itself failed. */
  readonly pid: number | undefined;
  /** `host:port` the engine was told to listen on. */
  readonly address: string;
  readonly logFile: string;
  /** Resolves once the process has exited and been reaped (or failed to start). Never rejects. */
  readonly exited: Promise<EngineExit>;
  /** How it ended, once it has. */
  readonly exit: EngineExit | undefined;
  /**
   * Ends the process: SIGTERM, then SIGKILL if it is still running after `killAfterMs`,
   * then waits (bounded by another `killAfterMs`) for it to be reaped. Idempotent.
   * Resolves with the exit, or `undefined` if even SIGKILL did not end it in time.
   * `killAtOnce` skips SIGTERM (a hung or stopped process may never act on it).
   */
  terminate(killAfterMs: number, killAtOnce?: boolean): Promise<EngineExit | undefined>;
}

/**
 * Starts `<command> <args…> --address HOST:PORT` with stdin closed and stdout/stderr
 * appended to `logFile` (a header line marks each start). Never throws: a spawn error
 * (missing binary, no permission) shows up as an immediate `exited` with `error`.
 */
export function spawnEngineProcess(options: SpawnEngineOptions): EngineProcess {
  const host = options.host ?? "127.0.0.1";
  const address = `${host}:${options.port}`;
  const args = [...options.command.args, "--address", address];
  let fd: number | undefined;
  let child: ChildProcess | undefined;
  let exit: EngineExit | undefined;
  let resolveExit: (exit: EngineExit) => void = () => undefined;
  const exited = new Promise<EngineExit>((resolve) => (resolveExit = resolve));
  const settle = (value: EngineExit): void => {
    if (exit !== undefined) return;
    exit = value;
    resolveExit(value);
  };

  try {
    mkdirSync(dirname(options.logFile), { recursive: true });
    fd = openSync(options.logFile, "a");
    writeSync(fd, `--- ${new Date().toISOString()} channel ${options.channelId}: ${[options.command.command, ...args].join(" ")}\n`);
    child = spawn(options.command.command, args, { stdio: ["ignore", fd, fd], env: process.env });
    child.once("error", (error) => {
      // Without a pid the process never ran, and 'exit' may never come.
      if (child?.pid === undefined) settle({ code: null, signal: null, error });
    });
    child.once("exit", (code, signal) => settle({ code, signal }));
  } catch (error) {
    settle({ code: null, signal: null, error: error as Error });
  } finally {
    // The child holds its own copy of the descriptor.
    if (fd !== undefined) closeSync(fd);
  }

  let terminating: Promise<EngineExit | undefined> | undefined;
  return {
    channelId: options.channelId,
    pid: child?.pid,
    address,
    logFile: options.logFile,
    exited,
    get exit() {
      return exit;
    },
    terminate(killAfterMs, killAtOnce = false) {
      terminating ??= (async () => {
        if (exit !== undefined || child === undefined) return exited;
        if (!killAtOnce) {
          child.kill("SIGTERM");
          const afterTerm = await within(exited, killAfterMs);
          if (afterTerm !== undefined) return afterTerm;
        }
        child.kill("SIGKILL");
        return within(exited, killAfterMs);
      })();
      return terminating;
    },
  };
}

/** `promise`'s value if it settles within `ms`, else undefined (the timer never outlives it). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
