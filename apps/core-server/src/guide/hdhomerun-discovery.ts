import { createSocket, type Socket } from "node:dgram";
import type { Logger } from "@retrovue/core-runtime";
import {
  HDHR_DEVICE_TYPE_TUNER,
  HDHR_TAG,
  HDHR_TYPE_DISCOVER_REQ,
  HDHR_TYPE_DISCOVER_RPY,
  HDHR_WILDCARD,
  decodeHdhrFrame,
  encodeHdhrFrame,
  u32Value,
  type HdhrFrame,
} from "./hdhomerun-packet.js";

/** libhdhomerun's discovery port (UDP). */
export const HDHOMERUN_DISCOVERY_PORT = 65001;

/** What a discovery reply announces; the same values /discover.json answers. */
export interface DiscoveryAnnouncement {
  /** 8 hex digits (a valid HDHomeRun device id). */
  readonly deviceId: string;
  readonly tunerCount: number;
  readonly deviceAuth: string;
  /** `http://host:port`, reachable from the requester. */
  readonly baseUrl: string;
}

/**
 * The reply to one discovery request, or undefined when there is none to give: not a
 * discover request, or it asks for another device type or another device id.
 */
export function discoveryReply(request: HdhrFrame, announcement: DiscoveryAnnouncement): Buffer | undefined {
  if (request.type !== HDHR_TYPE_DISCOVER_REQ) return undefined;
  const deviceId = Number.parseInt(announcement.deviceId, 16) >>> 0;
  for (const { tag, value } of request.tlvs) {
    if (value.length !== 4) continue;
    const asked = value.readUInt32BE(0);
    if (tag === HDHR_TAG.deviceType && asked !== HDHR_WILDCARD && asked !== HDHR_DEVICE_TYPE_TUNER) return undefined;
    if (tag === HDHR_TAG.deviceId && asked !== HDHR_WILDCARD && asked !== deviceId) return undefined;
  }
  return encodeHdhrFrame({
    type: HDHR_TYPE_DISCOVER_RPY,
    tlvs: [
      { tag: HDHR_TAG.deviceType, value: u32Value(HDHR_DEVICE_TYPE_TUNER) },
      { tag: HDHR_TAG.deviceId, value: u32Value(deviceId) },
      // One byte on the wire: a budget above 255 tuners is announced as 255.
      { tag: HDHR_TAG.tunerCount, value: Buffer.from([Math.min(255, Math.max(0, announcement.tunerCount))]) },
      { tag: HDHR_TAG.deviceAuthStr, value: Buffer.from(announcement.deviceAuth, "utf8") },
      { tag: HDHR_TAG.baseUrl, value: Buffer.from(announcement.baseUrl, "utf8") },
      { tag: HDHR_TAG.lineupUrl, value: Buffer.from(`${announcement.baseUrl}/lineup.json`, "utf8") },
    ],
  });
}

/** Options of {@link startDiscoveryResponder}. */
export interface DiscoveryResponderOptions {
  /** IPv4 address to bind; "0.0.0.0" (all interfaces) also receives broadcasts. */
  readonly host: string;
  /** UDP port; default 65001 (0 = any free port, for tests). */
  readonly port?: number;
  /**
   * What to announce to a requester that reached us at `localAddress` (the local IPv4
   * address facing it); undefined = stay silent (e.g. HTTP not listening yet).
   */
  readonly announce: (localAddress: string) => DiscoveryAnnouncement | undefined;
  readonly logger?: Logger;
}

/** A bound discovery responder. */
export interface DiscoveryResponder {
  readonly address: { readonly address: string; readonly port: number };
  /** Requests answered so far. */
  readonly replies: number;
  close(): Promise<void>;
}

/** The local address the OS would use to reach `remote`: a connected UDP socket reports it. */
function localAddressFacing(remote: string, remotePort: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createSocket("udp4");
    probe.once("error", (error) => {
      probe.close();
      reject(error);
    });
    probe.connect(remotePort, remote, () => {
      const { address } = probe.address();
      probe.close();
      resolve(address);
    });
  });
}

const WILDCARD_HOSTS = new Set(["0.0.0.0", ""]);

/**
 * Answers libhdhomerun's discovery (`hdhomerun_config discover`, Plex, Jellyfin) on UDP:
 * each valid request gets one unicast reply to its sender with the device id, tuner
 * count, DeviceAuth, base URL and lineup URL. Malformed packets are ignored (debug log).
 * @throws the socket's bind error (e.g. EADDRINUSE, EACCES).
 */
export async function startDiscoveryResponder(options: DiscoveryResponderOptions): Promise<DiscoveryResponder> {
  const log = options.logger?.child({ component: "hdhomerun-discovery" });
  const socket: Socket = createSocket({ type: "udp4", reuseAddr: false });
  let replies = 0;
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    socket.once("error", (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(options.port ?? HDHOMERUN_DISCOVERY_PORT, options.host, () => {
      socket.removeAllListeners("error");
      resolve();
    });
  });
  const bound = socket.address();
  socket.on("error", (error) => log?.warn({ err: error }, "The discovery socket reported an error."));
  socket.on("message", (packet, remote) => {
    const frame = decodeHdhrFrame(packet);
    if (frame === undefined) {
      log?.debug({ from: remote.address, bytes: packet.length }, "Ignored a malformed discovery packet.");
      return;
    }
    const local = WILDCARD_HOSTS.has(bound.address) ? localAddressFacing(remote.address, remote.port) : Promise.resolve(bound.address);
    local
      .then((localAddress) => {
        const announcement = options.announce(localAddress);
        if (announcement === undefined) return;
        const reply = discoveryReply(frame, announcement);
        if (reply === undefined || closed) return;
        socket.send(reply, remote.port, remote.address, (error) => {
          if (error !== null && error !== undefined) log?.warn({ err: error, to: remote.address }, "A discovery reply could not be sent.");
          else replies += 1;
        });
      })
      .catch((error: unknown) => log?.warn({ err: error, from: remote.address }, "Could not tell which local address faces a discovery requester."));
  });
  return {
    address: { address: bound.address, port: bound.port },
    get replies() {
      return replies;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}
