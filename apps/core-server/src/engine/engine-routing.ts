import type { AirClient } from "@retrovue/air-client";
import type { EngineCallOptions, EngineOutcome, EngineReleaseReason } from "@retrovue/core-runtime";

/** A channel's engine as operators see it. */
export interface ChannelEngineStatus {
  readonly channelId: number;
  /** `host:port` of the engine serving the channel. */
  readonly address: string;
  /** Spawned engines only: the OS pid and the log file. */
  readonly pid?: number;
  readonly logFile?: string;
}

/**
 * Which engine serves which channel: one shared engine (connect, embedded multi), or one
 * engine process per channel (spawn). The adapter asks it for a channel's client.
 */
export interface EngineRouting {
  /** Makes the channel's engine ready (spawn: start it and wait until it answers). Never rejects. */
  acquire(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome>;
  /** The client for the channel, or undefined when it has no engine (spawn mode, not acquired). */
  clientFor(channelId: number): AirClient | undefined;
  /**
   * True when `release` ends the channel's engine process (spawn): teardown then skips
   * StopChannel, which the real engine can hang on after a switch (AIR-CONTRACT.md).
   */
  readonly endsEngineOnRelease?: boolean;
  /** Gives the channel's engine back (spawn: ends the process, in the background). Bounded; never rejects. */
  release(channelId: number, reason: EngineReleaseReason): Promise<void>;
  /** Engines in use, for the admin API. */
  channels(): readonly ChannelEngineStatus[];
  /** Releases everything. Idempotent. */
  close(): Promise<void>;
}

/**
 * Routing to one engine that takes every channel (connect mode, the embedded multi fake):
 * acquire and release are no-ops; closing closes the one client.
 */
export function createSharedEngineRouting(client: AirClient): EngineRouting {
  const acquired = new Set<number>();
  return {
    acquire: async (channelId) => {
      acquired.add(channelId);
      return { ok: true, value: undefined };
    },
    clientFor: () => client,
    release: async (channelId) => void acquired.delete(channelId),
    channels: () => [...acquired].sort((a, b) => a - b).map((channelId) => ({ channelId, address: client.address })),
    close: () => client.close(),
  };
}
