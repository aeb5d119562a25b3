import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { EngineLog } from "./engine-log.js";

/** How long after its exit an engine's pipes may still drain into its log, ms. */
const DRAIN_AFTER_EXIT_MS = 250;

/** How to start an engine: the executable and the arguments before `--address HOST:PORT`. */
export interface EngineCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** Options of {@link spawnEngineProcess}. */
export interface SpawnEngineOptions {
  /** Who the engine is for, in its log header: `channel 7`, `pool`. */
  readonly label: string;
  readonly command: EngineCommand;
  /** Loopback host the engine binds. Default 127.0.0.1. */
  readonly host?: string;
  readonly port: number;
  /**
   * The engine's stdout and stderr are appended here (the directory is created). Without
   * it (a pooled engine, whose channel is not known yet) the output is held until
   * {@link EngineProcess.logTo} names the file.
   */
  readonly logFile?: string;
}

/** How an engine process ended. `error` is set when it could not be started at all. */
export interface EngineExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

/** One spawned engine process, tracked from the moment `spawn` returns. */
export interface EngineProcess {
  /** OS pid; undefined if the spawn itself failed. */
  readonly pid: number | undefined;
  /** `host:port` the engine was told to listen on. */
  readonly address: string;
  /** The loopback port of `address`. */
  readonly port: number;
  /** Where its output goes now; undefined while it is held (see {@link logTo}). */
  readonly logFile: string | undefined;
  /** The command line, for log headers. */
  readonly commandLine: string;
  /** Resolves once the process has exited and been reaped (or failed to start). Never rejects. */
  readonly exited: Promise<EngineExit>;
  /** How it ended, once it has. */
  readonly exit: EngineExit | undefined;
  /**
   * Sends the output (what was held first, then what follows) to `logFile`, after a
   * `--- <time> <header>` line. Used when a pooled engine is given to a channel.
   */
  logTo(logFile: string, header: string): void;
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
 * piped into its log (a header line marks each start). Pipes rather than a file
 * descriptor, so a pooled engine's output can follow it to its channel's log, and an
 * engine whose server died gets EPIPE instead of writing on unseen. Never throws: a spawn
 * error (missing binary, no permission) shows up as an immediate `exited` with `error`.
 */
export function spawnEngineProcess(options: SpawnEngineOptions): EngineProcess {
  const host = options.host ?? "127.0.0.1";
  const address = `${host}:${options.port}`;
  const args = [...options.command.args, "--address", address];
  const commandLine = [options.command.command, ...args].join(" ");
  const log = new EngineLog();
  if (options.logFile !== undefined) {
    try {
      mkdirSync(dirname(options.logFile), { recursive: true });
    } catch {
      // The log then cannot be opened; the engine runs anyway.
    }
    log.open(options.logFile, `${options.label}: ${commandLine}`);
  }
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
    child = spawn(options.command.command, args, { stdio: ["ignore", "pipe", "pipe"], env: process.env });
    child.stdout?.on("data", (chunk: Buffer) => log.write(chunk));
    child.stderr?.on("data", (chunk: Buffer) => log.write(chunk));
    child.once("error", (error) => {
      // Without a pid the process never ran, and 'exit' may never come.
      if (child?.pid === undefined) {
        log.write(Buffer.from(`could not start: ${error.message}\n`));
        log.close();
        settle({ code: null, signal: null, error });
      }
    });
    // 'close' comes after 'exit' once stdio is drained, so the log has every last line when
    // `exited` resolves; bounded, since a grandchild may hold the pipes open.
    let exitTimer: NodeJS.Timeout | undefined;
    let exitValue: EngineExit | undefined;
    const finish = (): void => {
      clearTimeout(exitTimer);
      log.close();
      if (exitValue !== undefined) settle(exitValue);
    };
    child.once("close", finish);
    child.once("exit", (code, signal) => {
      exitValue = { code, signal };
      exitTimer = setTimeout(finish, DRAIN_AFTER_EXIT_MS);
    });
  } catch (error) {
    log.close();
    settle({ code: null, signal: null, error: error as Error });
  }

  let terminating: Promise<EngineExit | undefined> | undefined;
  return {
    pid: child?.pid,
    address,
    port: options.port,
    get logFile() {
      return log.file;
    },
    commandLine,
    exited,
    get exit() {
      return exit;
    },
    logTo(logFile, header) {
      mkdirSync(dirname(logFile), { recursive: true });
      log.open(logFile, header);
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
