import type { ServerComponent } from "../app/server-component.js";
import type { ServerContext } from "../app/server-context.js";
import { loadOrCreateDeviceId } from "./device-id-store.js";
import { deviceAuthFor } from "./hdhomerun.js";
import { startDiscoveryResponder, type DiscoveryResponder } from "./hdhomerun-discovery.js";

const WILDCARD_HTTP_HOSTS = new Set(["0.0.0.0", "::", "[::]", ""]);

/** The discovery component, with its responder once started (tests read its address). */
export interface DiscoveryComponent extends ServerComponent {
  readonly responder: DiscoveryResponder | undefined;
}

/**
 * HDHomeRun discovery as a server component (config.discovery): binds the UDP responder
 * at start and announces the same device id, DeviceAuth and TunerCount as /discover.json,
 * with a base URL on the address the requester reached us at (or the configured --host)
 * and the HTTP port. Silent until the HTTP server listens. Off → starts nothing. A port
 * that cannot be bound (another tuner emulator on 65001) is a warning, not a failed start:
 * discovery is a convenience, and media servers can still be given the address.
 */
export function createDiscoveryComponent(context: ServerContext): DiscoveryComponent {
  const { config, logger } = context;
  let responder: DiscoveryResponder | undefined;
  return {
    name: "discovery",
    get responder() {
      return responder;
    },
    async start() {
      if (!config.discovery.enabled) return;
      // The same file the guide reads: discovery and /discover.json always agree.
      const deviceId = loadOrCreateDeviceId(config.dataDir);
      const deviceAuth = deviceAuthFor(deviceId);
      const announce = (localAddress: string) => {
        const listening = context.listenAddress?.();
        if (listening === undefined) return undefined;
        const host = WILDCARD_HTTP_HOSTS.has(config.host) ? localAddress : listening.host;
        const hostPart = host.includes(":") ? `[${host}]` : host;
        return { deviceId, deviceAuth, tunerCount: config.limits.maxTuners, baseUrl: `http://${hostPart}:${listening.port}` };
      };
      try {
        responder = await startDiscoveryResponder({ host: config.discovery.host, port: config.discovery.port, logger, announce });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        logger.warn(
          { host: config.discovery.host, port: config.discovery.port, code },
          "HDHomeRun discovery is off: its UDP port cannot be bound (media servers can still be given the address).",
        );
        return;
      }
      logger.info({ address: responder.address, deviceId }, "Answering HDHomeRun discovery.");
    },
    async close() {
      await responder?.close();
    },
  };
}
