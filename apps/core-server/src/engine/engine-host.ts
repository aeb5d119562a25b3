import { existsSync } from "node:fs";
import { createAirClient, type AirClient, type AirClientOptionsInit } from "@retrovue/air-client";
import type { PlayoutEngine } from "@retrovue/core-runtime";
import { startFakeAir, type FakeAir } from "@retrovue/fake-air";
import type { ServerComponent } from "../app/server-component.js";
import type { ServerContext } from "../app/server-context.js";
import { fakeAirCliPath } from "../config/default-paths.js";
import type { AirConfig } from "../config/server-config.js";
import { createAirPlayoutEngine } from "./air-playout-engine.js";
import type { EngineCommand } from "./engine-process.js";
import { localFailure } from "./engine-outcome.js";
import { createSharedEngineRouting, type ChannelEngineStatus, type EngineRouting } from "./engine-routing.js";
import type { EnginePoolStatus } from "./engine-pool.js";
import { createSpawnedEngineRouting, type SpawnedEngineRouting } from "./spawned-engine-routing.js";

/**
 * The server component that provides AIR: starts (or connects to, or spawns) engines as
 * `config.air` says and exposes them as core-runtime's {@link PlayoutEngine} port.
 */
export interface EngineHost extends ServerComponent {
  /** The port the ProgramDirector drives. Calls before `start` fail with `unavailable`. */
  readonly engine: PlayoutEngine;
  /** `embedded (multi)`, `embedded (spawn)`, `connect`, `spawn`. */
  readonly mode: string;
  /** The shared engine's address (connect, embedded multi) once started. */
  readonly address: string | undefined;
  /** Channels with an engine now. */
  channels(): readonly ChannelEngineStatus[];
  /** Embedded multi mode: the in-process fake (tests script faults on it). */
  readonly fakeAir: FakeAir | undefined;
  /** Spawn modes with a pool: its counts (ready, starting); undefined otherwise. */
  pool(): EnginePoolStatus | undefined;
  /** Spawn modes: released engine processes still being ended in the background. */
  endingCount(): number;
}

/** AirClient deadlines from the config: every call `callTimeoutMs`, StopChannel `stopTimeoutMs`. */
export function airClientOptions(air: AirConfig): AirClientOptionsInit {
  return {
    timeoutsMs: {
      StartChannel: air.callTimeoutMs,
      UpdatePlan: air.callTimeoutMs,
      StopChannel: air.stopTimeoutMs,
      GetVersion: Math.min(2_000, air.callTimeoutMs),
      LoadPreview: air.callTimeoutMs,
      SwitchToLive: air.callTimeoutMs,
      AttachStream: air.callTimeoutMs,
      DetachStream: air.callTimeoutMs,
    },
    waitForReadyTotalMs: air.readyTimeoutMs,
  };
}

/** The command that runs the embedded fake as a one-channel engine process (spawn form). */
export function embeddedFakeCommand(minPrefeedLeadMs: number): EngineCommand {
  return { command: process.execPath, args: [fakeAirCliPath(), "--mode", "single", "--min-prefeed-lead-ms", String(minPrefeedLeadMs)] };
}

/** Builds the engine host for `context.config.air`. Nothing starts until `start()`. */
export function createEngineHost(context: ServerContext): EngineHost {
  const { config, metrics } = context;
  const air = config.air;
  const log = context.logger.child({ component: "engine-host" });
  const clientOptions = airClientOptions(air);
  const mode = air.mode === "embedded" ? `embedded (${air.embeddedForm})` : air.mode;
  const shared = air.mode === "connect" || (air.mode === "embedded" && air.embeddedForm === "multi");
  let routing: EngineRouting | undefined;
  let spawned: SpawnedEngineRouting | undefined;
  let sharedClient: AirClient | undefined;
  let fakeAir: FakeAir | undefined;

  // Late-bound: the engine exists from construction; its routing appears at start.
  const lateRouting: EngineRouting = {
    acquire: (channelId, options) =>
      routing?.acquire(channelId, options) ?? Promise.resolve(localFailure("unavailable", "the engine host is not started")),
    clientFor: (channelId) => routing?.clientFor(channelId),
    get endsEngineOnRelease() {
      return routing?.endsEngineOnRelease;
    },
    release: (channelId, reason) => routing?.release(channelId, reason) ?? Promise.resolve(),
    channels: () => routing?.channels() ?? [],
    close: () => routing?.close() ?? Promise.resolve(),
  };
  const engine = createAirPlayoutEngine({ routing: lateRouting, metrics, logger: context.logger });

  async function start(): Promise<void> {
    if (air.mode === "embedded" && air.embeddedForm === "multi") {
      fakeAir = await startFakeAir({ host: "127.0.0.1", port: 0, mode: "multi", minPrefeedLeadMs: config.limits.minPrefeedLeadMs });
      sharedClient = createAirClient(fakeAir.address, clientOptions);
      routing = createSharedEngineRouting(sharedClient);
      log.info({ address: fakeAir.address, mode }, "embedded fake AIR started");
      return;
    }
    if (air.mode === "connect") {
      const address = air.address ?? "";
      sharedClient = createAirClient(address, clientOptions);
      routing = createSharedEngineRouting(sharedClient);
      const version = await sharedClient.checkApiVersion({ timeoutMs: 2_000 });
      if (!version.ok && version.error.code === "failed_precondition") throw version.error;
      if (version.ok) log.info({ address, version: version.value.version }, "connected to AIR");
      // An engine that is not up yet is not fatal: channels fail to start until it is, and /readyz says so.
      else log.warn({ address, error: version.error.message }, "AIR is not answering yet");
      return;
    }
    let command: EngineCommand;
    if (air.mode === "spawn") {
      command = { command: air.binary ?? "", args: [] };
    } else {
      command = embeddedFakeCommand(config.limits.minPrefeedLeadMs);
      const cli = command.args[0] ?? "";
      if (!existsSync(cli)) throw new Error(`the fake AIR is not built (${cli} is missing): run pnpm build`);
    }
    spawned = createSpawnedEngineRouting({
      command,
      logDir: config.logDir,
      readyTimeoutMs: air.readyTimeoutMs,
      killAfterMs: air.killAfterMs,
      clientOptions,
      logger: log,
      poolSize: air.poolSize,
    });
    routing = spawned;
    log.info({ mode, command: command.command, args: command.args, poolSize: air.poolSize }, "engines will be spawned per channel");
  }

  return {
    name: "engine",
    engine,
    mode,
    get address() {
      return shared ? sharedClient?.address : undefined;
    },
    get fakeAir() {
      return fakeAir;
    },
    channels: () => lateRouting.channels(),
    pool: () => spawned?.pool(),
    endingCount: () => spawned?.endingCount() ?? 0,
    readiness: {
      name: "engine",
      async check() {
        if (routing === undefined) return { ok: false, detail: "not started" };
        if (sharedClient === undefined) {
          const pool = spawned?.pool();
          const pooled = pool === undefined ? "" : `, pool ${pool.ready}/${pool.size} ready`;
          return { ok: true, detail: `${mode}: ${routing.channels().length} engine process(es)${pooled}` };
        }
        const version = await sharedClient.getVersion({ timeoutMs: 1_000 });
        return version.ok
          ? { ok: true, detail: `${mode}: engine ${version.value.version} at ${sharedClient.address}` }
          : { ok: false, detail: `${mode}: engine at ${sharedClient.address} not answering (${version.error.code})` };
      },
    },
    start,
    async close() {
      await lateRouting.close();
      await fakeAir?.stop();
      routing = undefined;
      spawned = undefined;
    },
  };
}
