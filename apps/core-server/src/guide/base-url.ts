import type { IncomingMessage } from "node:http";

/** Why a request's address could not be turned into a base URL. */
export type BaseUrlErrorCode = "invalid_host" | "invalid_forwarded_host" | "invalid_forwarded_proto";

/** A request whose Host / X-Forwarded-* headers are not a plain host[:port] (or http/https). */
export class BaseUrlError extends Error {
  override readonly name = "BaseUrlError";
  constructor(
    readonly code: BaseUrlErrorCode,
    /** The offending header value, truncated to 100 characters for logs. */
    readonly value: string,
  ) {
    super(`${code}: ${JSON.stringify(value.slice(0, 100))}`);
  }
}

/** Options of {@link baseUrlFromRequest}. */
export interface BaseUrlOptions {
  /**
   * Honour X-Forwarded-Host / X-Forwarded-Proto (first value of each). Default true: the
   * result only shapes the requester's own response, is validated like Host, and is part
   * of every cache key, so a forged header cannot reach another client.
   */
  readonly trustForwardedHeaders: boolean;
}

const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const HOST_NAME = `${LABEL}(?:\\.${LABEL})*\\.?`;
const IPV6 = "\\[[0-9A-Fa-f:.]{2,45}\\]";
// Only letters, digits and . - _ : [ ] can pass: nothing that means anything in XML, JSON or M3U.
const HOST_PORT = new RegExp(`^(?:${HOST_NAME}|${IPV6})(?::(\\d{1,5}))?$`);

function firstValue(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return undefined;
  return raw.split(",")[0]?.trim();
}

/** Returns the lower-cased host[:port] when `value` is a valid authority, else undefined. */
export function normaliseHostHeader(value: string): string | undefined {
  if (value.length === 0 || value.length > 260) return undefined;
  const match = HOST_PORT.exec(value);
  if (match === null) return undefined;
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  return value.toLowerCase();
}

function socketAuthority(req: IncomingMessage): string {
  // IPv4 clients of a dual-stack socket show as "::ffff:a.b.c.d": publish the IPv4 form.
  const address = (req.socket.localAddress ?? "127.0.0.1").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  const host = address.includes(":") ? `[${address.replace(/%.*$/, "")}]` : address;
  return `${host}:${req.socket.localPort ?? 80}`;
}

/**
 * The origin clients reached this server at ("http://host:port", no trailing slash), built
 * from X-Forwarded-Proto/Host (when trusted) or Host, falling back to the socket's local
 * address for HTTP/1.0 requests without Host. Throws {@link BaseUrlError} when a header
 * holds anything but a plain host[:port], so a hostile Host cannot inject markup.
 */
export function baseUrlFromRequest(req: IncomingMessage, options?: Partial<BaseUrlOptions>): string {
  const trustForwarded = options?.trustForwardedHeaders ?? true;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  let proto = encrypted ? "https" : "http";
  let authority: string | undefined;

  if (trustForwarded) {
    const forwardedProto = firstValue(req.headers["x-forwarded-proto"]);
    if (forwardedProto !== undefined && forwardedProto !== "") {
      const lower = forwardedProto.toLowerCase();
      if (lower !== "http" && lower !== "https") {
        throw new BaseUrlError("invalid_forwarded_proto", forwardedProto);
      }
      proto = lower;
    }
    const forwardedHost = firstValue(req.headers["x-forwarded-host"]);
    if (forwardedHost !== undefined && forwardedHost !== "") {
      authority = normaliseHostHeader(forwardedHost);
      if (authority === undefined) throw new BaseUrlError("invalid_forwarded_host", forwardedHost);
    }
  }
  if (authority === undefined) {
    const host = req.headers.host;
    if (host === undefined || host === "") {
      authority = socketAuthority(req);
    } else {
      authority = normaliseHostHeader(host);
      if (authority === undefined) throw new BaseUrlError("invalid_host", host);
    }
  }
  return `${proto}://${authority}`;
}
