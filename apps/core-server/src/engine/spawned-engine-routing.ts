import { join } from "node:path";
import { checkAirApiVersion, createAirClient, type AirClient, type AirClientOptionsInit } from "@retrovue/air-client";
import type { EngineCallOptions, EngineOutcome, EngineReleaseReason } from "@retrovue/core-runtime";
import type { Logger } from "pino";
import { spawnEngineProcess, type EngineCommand, type EngineExit, type EngineProcess } from "./engine-process.js";
import { localFailure, toEngineFailure } from "./engine-outcome.js";
import type { ChannelEngineStatus, EngineRouting } from "./engine-routing.js";
import { findFreePort } from "./free-port.js";

/** Options of {@link createSpawnedEngineRouting}. */
export interface SpawnedEngineRoutingOptions {
  readonly command: EngineCommand;
  /** Per-channel logs go to `<logDir>/engine-ch<N>.log`. */
  readonly logDir: string;
  /** A new engine must answer GetVersion within this, ms. */
  readonly readyTimeoutMs: number;
  /** Wait between SIGTERM and SIGKILL (and after SIGKILL), ms. */
  readonly killAfterMs: number;
  /** Options of each channel's AirClient (deadlines). */
  readonly clientOptions?: AirClientOptionsInit;
  readonly logger: Logger;
}

interface Entry {
  readonly process: EngineProcess;
  readonly client: AirClient;
  /** Aborts the readiness wait (release during acquire, or the process died). */
  readonly abort: AbortController;
  readonly ready: Promise<EngineOutcome>;
  released: boolean;
}

/** `exit` as words for messages: "exited with code 1", "was killed by SIGKILL", "could not start: ENOENT". */
export function describeExit(exit: EngineExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error.message}`;
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/**
 * Spawn mode (AIR-CONTRACT.md: one channel per engine process): `acquire` starts
 * `<command> --address 127.0.0.1:<free port>` for the channel, tracked from the spawn, and
 * waits until it answers GetVersion with API major 1; a start that fails ends the process
 * before reporting. `release` closes the client and ends the process (SIGTERM, then
 * SIGKILL after `killAfterMs`). If the server process itself exits, every engine still
 * running is killed so none outlives it.
 */
export function createSpawnedEngineRouting(options: SpawnedEngineRoutingOptions): EngineRouting {
  const entries = new Map<number, Entry>();
  const live = new Set<EngineProcess>();
  const log = options.logger;

  // Last resort on exit paths that skip close() (an uncaught exception): no orphan engines.
  const killAll = (): void => {
    for (const p of live) {
      if (p.pid === undefined || p.exit !== undefined) continue;
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  let hooked = false;
  const track = (p: EngineProcess): void => {
    live.add(p);
    if (!hooked) {
      process.on("exit", killAll);
      hooked = true;
    }
    void p.exited.then(() => {
      live.delete(p);
      if (live.size === 0 && hooked) {
        process.off("exit", killAll);
        hooked = false;
      }
    });
  };

  async function start(channelId: number, entry: Omit<Entry, "ready" | "released">, signal?: AbortSignal): Promise<EngineOutcome> {
    const { process: engine, client, abort } = entry;
    const onCallerAbort = (): void => abort.abort();
    signal?.addEventListener("abort", onCallerAbort, { once: true });
    void engine.exited.then(() => abort.abort());
    try {
      const ready = await client.waitForReady({ totalTimeoutMs: options.readyTimeoutMs, signal: abort.signal });
      if (engine.exit !== undefined) {
        return localFailure("unavailable", `engine for channel ${channelId} ${describeExit(engine.exit)} before it answered (log: ${engine.logFile})`);
      }
      if (!ready.ok) return { ok: false, failure: toEngineFailure(ready) };
      const version = checkAirApiVersion(ready.value.version);
      if (version instanceof Error) return localFailure("unknown", version.message);
      log.info({ channel: channelId, pid: engine.pid, address: engine.address, version: version.version }, "engine process ready");
      return { ok: true, value: undefined };
    } finally {
      signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  async function end(channelId: number, entry: Entry, reason: string): Promise<void> {
    entry.released = true;
    entry.abort.abort();
    await entry.client.close();
    // A hung engine (output watchdog) is killed at once: SIGTERM would wait out killAfterMs.
    const exit = await entry.process.terminate(options.killAfterMs, reason === "engine_hung");
    if (exit === undefined) log.error({ channel: channelId, pid: entry.process.pid, reason }, "engine process did not end after SIGKILL");
    else log.info({ channel: channelId, pid: entry.process.pid, reason, exit: describeExit(exit) }, "engine process ended");
  }

  return {
    async acquire(channelId: number, callOptions?: EngineCallOptions): Promise<EngineOutcome> {
      const existing = entries.get(channelId);
      if (existing !== undefined) return existing.ready;
      let port: number;
      try {
        port = await findFreePort();
      } catch (error) {
        return localFailure("unavailable", `no free loopback port for channel ${channelId}: ${(error as Error).message}`);
      }
      const engine = spawnEngineProcess({
        channelId,
        command: options.command,
        port,
        logFile: join(options.logDir, `engine-ch${channelId}.log`),
      });
      track(engine);
      const client = createAirClient(engine.address, options.clientOptions);
      const partial = { process: engine, client, abort: new AbortController() };
      const entry: Entry = { ...partial, released: false, ready: start(channelId, partial, callOptions?.signal) };
      entries.set(channelId, entry);
      void engine.exited.then((exit) => {
        if (!entry.released) log.warn({ channel: channelId, pid: engine.pid, exit: describeExit(exit), logFile: engine.logFile }, "engine process exited unexpectedly");
      });
      const outcome = await entry.ready;
      if (!outcome.ok && entries.get(channelId) === entry) {
        // A failed start never leaves the process running (or the channel marked as served).
        entries.delete(channelId);
        await end(channelId, entry, "start_failed");
      }
      return outcome;
    },
    clientFor: (channelId) => entries.get(channelId)?.client,
    async release(channelId: number, reason: EngineReleaseReason): Promise<void> {
      const entry = entries.get(channelId);
      if (entry === undefined) return;
      entries.delete(channelId);
      await end(channelId, entry, reason);
    },
    channels(): readonly ChannelEngineStatus[] {
      return [...entries.entries()]
        .sort(([a], [b]) => a - b)
        .map(([channelId, e]) => ({ channelId, address: e.process.address, logFile: e.process.logFile, ...(e.process.pid === undefined ? {} : { pid: e.process.pid }) }));
    },
    async close(): Promise<void> {
      const all = [...entries.entries()];
      entries.clear();
      await Promise.all(all.map(([channelId, entry]) => end(channelId, entry, "shutdown")));
    },
  };
}
