import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { CachedBody, RenderCache } from "./render-cache.js";

const gzip = promisify(gzipCallback);

/** Smallest body worth compressing, bytes. */
const GZIP_MIN_BYTES = 1024;

// Every body here depends on the address the client used, so shared caches must key on it.
const VARY = "Accept-Encoding, Host, X-Forwarded-Host, X-Forwarded-Proto";

/**
 * An RFC 9457 problem, in the server's shape: `type` is `urn:retrovue:problem:<code>` with a
 * code from the server's catalogue ("bad-request", "internal"); `reason` says which rule failed.
 */
export interface Problem {
  readonly code: "bad-request" | "internal" | "service-unavailable";
  readonly detail: string;
  readonly reason: string;
  readonly [extension: string]: string;
}

const PROBLEM_TITLES = {
  "bad-request": { status: 400, title: "Bad request" },
  internal: { status: 500, title: "Internal server error" },
  "service-unavailable": { status: 503, title: "Service unavailable" },
} as const;

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string") return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().split(";");
    if (coding?.trim().toLowerCase() !== "gzip") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Sends a cached rendering with its ETag: 304 when If-None-Match matches, the gzip form
 * (computed once, kept in the cache entry) when the client accepts it, no body for HEAD.
 */
export async function sendCachedBody(
  req: IncomingMessage,
  res: ServerResponse,
  entry: CachedBody,
  contentType: string,
  cache?: { readonly cache: RenderCache; readonly key: string },
): Promise<void> {
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("Vary", VARY);
  res.setHeader("ETag", entry.etag);
  if (etagMatches(req.headers["if-none-match"], entry.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  let body = entry.body;
  if (body.length >= GZIP_MIN_BYTES && acceptsGzip(req)) {
    if (entry.gzip === undefined) {
      entry.gzip = await gzip(body);
      cache?.cache.noteGrowth(cache.key, entry, entry.gzip.length);
    }
    body = entry.gzip;
    res.setHeader("Content-Encoding", "gzip");
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", body.length);
  if (req.method === "HEAD" || body.length <= WRITE_CHUNK_BYTES) {
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  // A large body goes out in slices, waiting for the socket to drain: one multi-megabyte
  // write would copy it all into the kernel while the event loop waits.
  for (let at = 0; at < body.length && !res.destroyed; at += WRITE_CHUNK_BYTES) {
    if (!res.write(body.subarray(at, at + WRITE_CHUNK_BYTES))) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          res.off("drain", go);
          res.off("close", go);
          resolve();
        };
        res.on("drain", go);
        res.on("close", go);
      });
    }
  }
  res.end();
}

/** Slice of a large cached body written at once. */
const WRITE_CHUNK_BYTES = 256 * 1024;

/** Sends `value` as JSON (200), uncached, no body for HEAD. */
export function sendJson(req: IncomingMessage, res: ServerResponse, value: unknown): void {
  sendText(req, res, JSON.stringify(value), "application/json; charset=utf-8");
}

/** Sends an uncached text body (XML, JSON), status 200, no body for HEAD. */
export function sendText(req: IncomingMessage, res: ServerResponse, text: string, contentType: string, status = 200): void {
  const body = Buffer.from(text, "utf8");
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", body.length);
  res.setHeader("Cache-Control", status === 200 ? "no-cache" : "no-store");
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Sends an `application/problem+json` body (RFC 9457) with the code's status. */
export function sendProblem(req: IncomingMessage, res: ServerResponse, problem: Problem): void {
  const { code, detail, ...extensions } = problem;
  const { status, title } = PROBLEM_TITLES[code];
  const body = { type: `urn:retrovue:problem:${code}`, title, status, detail, ...extensions };
  sendText(req, res, JSON.stringify(body), "application/problem+json", status);
}
