import { join } from "node:path";
import type { AirClientOptionsInit } from "@retrovue/air-client";
import type { EngineCallOptions, EngineOutcome, EngineReleaseReason } from "@retrovue/core-runtime";
import type { Logger } from "pino";
import { EnginePool, type EnginePoolStatus } from "./engine-pool.js";
import type { EngineCommand } from "./engine-process.js";
import { localFailure } from "./engine-outcome.js";
import type { ChannelEngineStatus, EngineRouting } from "./engine-routing.js";
import { describeExit, EngineLauncher, type LaunchedEngine } from "./engine-launcher.js";

export { describeExit } from "./engine-launcher.js";

/** Options of {@link createSpawnedEngineRouting}. */
export interface SpawnedEngineRoutingOptions {
  readonly command: EngineCommand;
  /** Per-channel logs go to `<logDir>/engine-ch<N>.log`; pooled engines not yet given out, to `engine-pool.log`. */
  readonly logDir: string;
  /** A new engine must answer GetVersion within this, ms. */
  readonly readyTimeoutMs: number;
  /** Wait between SIGTERM and SIGKILL (and after SIGKILL), ms. */
  readonly killAfterMs: number;
  /** Options of each engine's AirClient (deadlines). */
  readonly clientOptions?: AirClientOptionsInit;
  readonly logger: Logger;
  /** Started, ready engines kept for the next tune-ins, 0–16. Default 0 (spawn on demand). */
  readonly poolSize?: number;
  /** The pool's waits after consecutive failures, ms (see EnginePool). */
  readonly poolBackoffMs?: readonly number[];
}

/** Spawn-mode routing: the {@link EngineRouting} plus the pool's state. */
export interface SpawnedEngineRouting extends EngineRouting {
  /** The pool's counts; undefined when the pool is off (size 0). */
  pool(): EnginePoolStatus | undefined;
  /** Engine processes being ended in the background (released, not yet gone). */
  endingCount(): number;
}

interface Entry {
  /** Set once the process is spawned (a pooled engine: at once). */
  engine: LaunchedEngine | undefined;
  /** Aborts the readiness wait (release during acquire). */
  readonly abort: AbortController;
  ready: Promise<EngineOutcome>;
}

const OK: EngineOutcome = { ok: true, value: undefined };

/**
 * Spawn mode (AIR-CONTRACT.md: one channel per engine process). `acquire` takes a ready
 * engine from the pool when one is there, else starts `<command> --address
 * 127.0.0.1:<free port>` and waits until it answers GetVersion with API major 1; a start
 * that fails ends the process before reporting. `release` is fast: the channel forgets its
 * engine at once and the process is ended in the background (the client closes, SIGTERM,
 * SIGKILL after `killAfterMs`), so a re-tune or a zap never waits for an old engine; its
 * port is not handed to another engine until it is gone. `close` empties the pool and
 * waits until every engine has ended.
 */
export function createSpawnedEngineRouting(options: SpawnedEngineRoutingOptions): SpawnedEngineRouting {
  const entries = new Map<number, Entry>();
  const acquiring = new Set<Promise<EngineOutcome>>();
  let closed = false;
  const log = options.logger;
  const launcher = new EngineLauncher(options);
  const channelLog = (channelId: number): string => join(options.logDir, `engine-ch${channelId}.log`);
  const poolLog = join(options.logDir, "engine-pool.log");
  const poolSize = options.poolSize ?? 0;
  const pool =
    poolSize > 0
      ? new EnginePool<LaunchedEngine>({
          size: poolSize,
          // Output is held for the channel that will take the engine; unused, it goes to engine-pool.log.
          start: (signal) =>
            launcher.launch({ label: "pool", unusedLogFile: poolLog, signal }).then((r) => (r.ok ? { ok: true, engine: r.engine } : { ok: false, message: r.failure.message })),
          end: (engine, reason) => launcher.end(engine, reason, "pool"),
          logger: log,
          ...(options.poolBackoffMs === undefined ? {} : { backoffMs: options.poolBackoffMs }),
        })
      : undefined;
  pool?.fill();

  function watch(channelId: number, entry: Entry, engine: LaunchedEngine): void {
    void engine.process.exited.then((exit) => {
      if (entries.get(channelId) === entry) {
        log.warn({ channel: channelId, pid: engine.process.pid, exit: describeExit(exit), logFile: engine.process.logFile }, "engine process exited unexpectedly");
      }
    });
  }

  function takePooled(channelId: number): EngineOutcome | undefined {
    const engine = pool?.take();
    if (engine === undefined) return undefined;
    const { process: p } = engine;
    p.logTo(channelLog(channelId), `channel ${channelId}: pooled engine pid ${p.pid}, ready before the tune-in: ${p.commandLine}`);
    const entry: Entry = { engine, abort: new AbortController(), ready: Promise.resolve(OK) };
    entries.set(channelId, entry);
    watch(channelId, entry, engine);
    log.info({ channel: channelId, pid: p.pid, address: p.address, pool: pool?.status() }, "engine process taken from the pool");
    return OK;
  }

  async function spawnFor(channelId: number, entry: Entry, callOptions?: EngineCallOptions): Promise<EngineOutcome> {
    const onCallerAbort = (): void => entry.abort.abort();
    callOptions?.signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      const launched = await launcher.launch({
        label: `channel ${channelId}`,
        logFile: channelLog(channelId),
        signal: entry.abort.signal,
        onSpawned: (engine) => {
          entry.engine = engine;
          watch(channelId, entry, engine);
        },
      });
      if (entries.get(channelId) === entry && !launched.ok) entries.delete(channelId);
      return launched.ok ? OK : { ok: false, failure: launched.failure };
    } finally {
      callOptions?.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  return {
    acquire(channelId: number, callOptions?: EngineCallOptions): Promise<EngineOutcome> {
      if (closed) return Promise.resolve(localFailure("unavailable", `no engine for channel ${channelId}: the engine routing is closed`));
      const existing = entries.get(channelId);
      if (existing !== undefined) return existing.ready;
      const pooled = takePooled(channelId);
      if (pooled !== undefined) return Promise.resolve(pooled);
      const entry: Entry = { engine: undefined, abort: new AbortController(), ready: Promise.resolve(OK) };
      entries.set(channelId, entry);
      const ready = spawnFor(channelId, entry, callOptions);
      entry.ready = ready;
      acquiring.add(ready);
      void ready.finally(() => acquiring.delete(ready));
      return ready;
    },
    clientFor: (channelId) => entries.get(channelId)?.engine?.client,
    endsEngineOnRelease: true,
    async release(channelId: number, reason: EngineReleaseReason): Promise<void> {
      const entry = entries.get(channelId);
      if (entry === undefined) return;
      entries.delete(channelId);
      // A start still waiting for readiness ends its own process once aborted.
      entry.abort.abort();
      if (entry.engine !== undefined) void launcher.end(entry.engine, reason, `channel ${channelId}`);
    },
    channels(): readonly ChannelEngineStatus[] {
      return [...entries.entries()]
        .filter((pair): pair is [number, Entry & { engine: LaunchedEngine }] => pair[1].engine !== undefined)
        .sort(([a], [b]) => a - b)
        .map(([channelId, e]) => ({
          channelId,
          address: e.engine.process.address,
          ...(e.engine.process.logFile === undefined ? {} : { logFile: e.engine.process.logFile }),
          ...(e.engine.process.pid === undefined ? {} : { pid: e.engine.process.pid }),
        }));
    },
    pool: () => pool?.status(),
    endingCount: () => launcher.endingCount,
    async close(): Promise<void> {
      closed = true;
      const all = [...entries.entries()];
      entries.clear();
      for (const [channelId, entry] of all) {
        entry.abort.abort();
        if (entry.engine !== undefined) void launcher.end(entry.engine, "shutdown", `channel ${channelId}`);
      }
      await Promise.all([pool?.close(), ...acquiring]);
      await launcher.whenAllEnded();
    },
  };
}
