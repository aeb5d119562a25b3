import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import type { CachedBody, RenderCache } from "./render-cache.js";

const gzip = promisify(gzipCallback);

/** Smallest body worth compressing, bytes. */
const GZIP_MIN_BYTES = 1024;

// Every body here depends on the address the client used, so shared caches must key on it.
const VARY = "Accept-Encoding, Host, X-Forwarded-Host, X-Forwarded-Proto";

/** An RFC 9457 problem body; `code` is a stable machine-readable reason. */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly code: string;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

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
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Sends `value` as JSON (200 unless `status`), uncached, no body for HEAD. */
export function sendJson(req: IncomingMessage, res: ServerResponse, value: unknown, status = 200, contentType = "application/json; charset=utf-8"): void {
  const body = Buffer.from(JSON.stringify(value), "utf8");
  res.statusCode = status;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", body.length);
  res.setHeader("Cache-Control", "no-cache");
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Sends an uncached text body (XML, etc.), no body for HEAD. */
export function sendText(req: IncomingMessage, res: ServerResponse, text: string, contentType: string): void {
  const body = Buffer.from(text, "utf8");
  res.statusCode = 200;
  res.setHeader("Content-Type", contentType);
  res.setHeader("Content-Length", body.length);
  res.setHeader("Cache-Control", "no-cache");
  res.end(req.method === "HEAD" ? undefined : body);
}

/** Sends an `application/problem+json` body (RFC 9457) with the problem's status. */
export function sendProblem(req: IncomingMessage, res: ServerResponse, problem: Problem): void {
  sendJson(req, res, { type: "about:blank", ...problem }, problem.status, "application/problem+json; charset=utf-8");
}
