import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/**
 * The address a request came from, for admission limits: the socket's peer, never a name
 * the client chose. Only when the peer is one of `trustedProxies` is the rightmost
 * `X-Forwarded-For` entry used (the one that proxy appended; entries further left are the
 * client's own word). IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is reported as IPv4.
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  const peer = normalise(req.socket.remoteAddress ?? "unknown");
  if (trustedProxies.length === 0 || !trustedProxies.map(normalise).includes(peer)) return peer;
  const header = req.headers["x-forwarded-for"];
  const joined = Array.isArray(header) ? header.join(",") : header;
  const last = joined?.split(",").map((part) => part.trim()).filter((part) => part !== "").pop();
  return last !== undefined && isIP(normalise(last)) !== 0 ? normalise(last) : peer;
}

function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped?.[1] ?? address).replace(/%.*$/, "").toLowerCase();
}
