import { checkAirApiVersion, createAirClient, type AirClient, type AirClientOptionsInit } from "@retrovue/air-client";
import type { EngineCallErrorKind, EngineFailure } from "@retrovue/core-runtime";
import type { Logger } from "pino";
import { spawnEngineProcess, type EngineCommand, type EngineExit, type EngineProcess } from "./engine-process.js";
import { toEngineFailure } from "./engine-outcome.js";
import type { PoolMember } from "./engine-pool.js";
import { findFreePort } from "./free-port.js";

/** `exit` as words for messages: "exited with code 1", "was killed by SIGKILL", "could not start: ENOENT". */
export function describeExit(exit: EngineExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error.message}`;
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** A spawned engine that answered GetVersion, with its client. */
export class LaunchedEngine implements PoolMember {
  constructor(
    readonly process: EngineProcess,
    readonly client: AirClient,
    /** Where output held for a channel goes if the engine ends before it gets one. */
    readonly unusedLogFile: string | undefined,
  ) {}

  get pid(): number | undefined {
    return this.process.pid;
  }

  get exited(): Promise<EngineExit> {
    return this.process.exited;
  }

  get ended(): boolean {
    return this.process.exit !== undefined;
  }
}

/** Options of {@link EngineLauncher}. */
export interface EngineLauncherOptions {
  readonly command: EngineCommand;
  readonly readyTimeoutMs: number;
  readonly killAfterMs: number;
  readonly clientOptions?: AirClientOptionsInit;
  readonly logger: Logger;
}

/** Options of one {@link EngineLauncher.launch}. */
export interface LaunchOptions {
  /** `channel 7` or `pool`: in logs and messages. */
  readonly label: string;
  /** Where the output goes; undefined holds it (a pooled engine). */
  readonly logFile?: string;
  /** With no `logFile`: where the held output goes if the engine ends before it is given a log. */
  readonly unusedLogFile?: string;
  /** Aborting gives up the readiness wait and ends the process. */
  readonly signal?: AbortSignal;
  /** Called once the process exists, before it is ready. */
  readonly onSpawned?: (engine: LaunchedEngine) => void;
}

/** A launch: a ready engine, or why not (the process is already ended and reaped). */
export type LaunchResult = { readonly ok: true; readonly engine: LaunchedEngine } | { readonly ok: false; readonly failure: EngineFailure };

/** Tries at finding a free port that no engine of ours still holds. */
const PORT_TRIES = 20;

/**
 * Starts engine processes and ends them. `launch` spawns `<command> --address
 * 127.0.0.1:<port>` on a free port no engine of ours still holds, and waits until it
 * answers GetVersion with API major 1 (a failed start ends the process before it
 * reports). `end` closes the client, then SIGTERM, then SIGKILL after `killAfterMs` (SIGKILL at
 * once for a hung engine, reason `engine_hung`); it
 * is idempotent, and `whenAllEnded` waits for every end in flight. If the server process
 * itself exits, every engine still running is killed so none outlives it.
 */
export class EngineLauncher {
  private readonly live = new Set<EngineProcess>();
  private readonly ports = new Set<number>();
  private readonly ends = new Map<LaunchedEngine, Promise<void>>();
  private readonly log: Logger;
  private hooked = false;
  // Last resort on exit paths that skip close() (an uncaught exception): no orphan engines.
  private readonly killAll = (): void => {
    for (const p of this.live) {
      if (p.pid === undefined || p.exit !== undefined) continue;
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };

  constructor(private readonly options: EngineLauncherOptions) {
    this.log = options.logger;
  }

  /** Engines being ended now. */
  get endingCount(): number {
    return this.ends.size;
  }

  async launch(launch: LaunchOptions): Promise<LaunchResult> {
    let port: number;
    try {
      port = await this.freePort();
    } catch (error) {
      return failed("unavailable", `no free loopback port for ${launch.label}: ${(error as Error).message}`);
    }
    const p = spawnEngineProcess({ label: launch.label, command: this.options.command, port, ...(launch.logFile === undefined ? {} : { logFile: launch.logFile }) });
    this.track(p);
    const engine = new LaunchedEngine(p, createAirClient(p.address, this.options.clientOptions), launch.unusedLogFile);
    launch.onSpawned?.(engine);
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    launch.signal?.addEventListener("abort", onAbort, { once: true });
    if (launch.signal?.aborted === true) abort.abort();
    void p.exited.then(onAbort);
    let result: LaunchResult;
    try {
      result = await this.waitReady(launch.label, engine, abort.signal);
    } finally {
      launch.signal?.removeEventListener("abort", onAbort);
    }
    if (!result.ok) await this.end(engine, "start_failed", launch.label);
    return result;
  }

  /** Ends the engine (idempotent): client closed, SIGTERM, SIGKILL after `killAfterMs`. Never rejects. */
  end(engine: LaunchedEngine, reason: string, label: string): Promise<void> {
    let ending = this.ends.get(engine);
    if (ending !== undefined) return ending;
    ending = (async () => {
      const p = engine.process;
      if (p.logFile === undefined && engine.unusedLogFile !== undefined) {
        p.logTo(engine.unusedLogFile, `${label}: engine pid ${p.pid} ended unused (${reason}): ${p.commandLine}`);
      }
      await engine.client.close().catch(() => undefined);
      // A hung engine (output watchdog) is killed at once: SIGTERM would wait out killAfterMs.
      const exit = await engine.process.terminate(this.options.killAfterMs, reason === "engine_hung");
      const fields = { engine: label, pid: engine.process.pid, reason, ...channelField(label) };
      if (exit === undefined) this.log.error(fields, "engine process did not end after SIGKILL");
      else this.log.info({ ...fields, exit: describeExit(exit) }, "engine process ended");
    })();
    this.ends.set(engine, ending);
    void ending.finally(() => this.ends.delete(engine));
    return ending;
  }

  /** Resolves once every end in flight (and any started meanwhile) is done. */
  async whenAllEnded(): Promise<void> {
    while (this.ends.size > 0) await Promise.all([...this.ends.values()]);
  }

  private async waitReady(label: string, engine: LaunchedEngine, signal: AbortSignal): Promise<LaunchResult> {
    const { process: p, client } = engine;
    const ready = await client.waitForReady({ totalTimeoutMs: this.options.readyTimeoutMs, signal });
    if (p.exit !== undefined) {
      return failed("unavailable", `engine for ${label} ${describeExit(p.exit)} before it answered (log: ${p.logFile ?? "held"})`);
    }
    if (!ready.ok) return { ok: false, failure: toEngineFailure(ready) };
    const version = checkAirApiVersion(ready.value.version);
    if (version instanceof Error) return failed("unknown", version.message);
    this.log.info({ engine: label, ...channelField(label), pid: p.pid, address: p.address, version: version.version }, "engine process ready");
    return { ok: true, engine };
  }

  private async freePort(): Promise<number> {
    for (let i = 0; i < PORT_TRIES; i++) {
      const port = await findFreePort();
      if (!this.ports.has(port)) return port;
    }
    throw new Error(`every free port offered belongs to an engine still ending (${PORT_TRIES} tries)`);
  }

  private track(p: EngineProcess): void {
    this.live.add(p);
    this.ports.add(p.port);
    if (!this.hooked) {
      process.on("exit", this.killAll);
      this.hooked = true;
    }
    void p.exited.then(() => {
      this.live.delete(p);
      this.ports.delete(p.port);
      if (this.live.size === 0 && this.hooked) {
        process.off("exit", this.killAll);
        this.hooked = false;
      }
    });
  }
}

function failed(error: EngineCallErrorKind, message: string): LaunchResult {
  return { ok: false, failure: { kind: "error", error, message } };
}

/** `{ channel: 7 }` for a channel's engine, so logs filter by channel as before. */
function channelField(label: string): { channel?: number } {
  const match = /^channel (\d+)$/.exec(label);
  return match === null ? {} : { channel: Number(match[1]) };
}
