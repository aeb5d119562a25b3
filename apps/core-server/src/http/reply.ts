import type { ServerResponse } from "node:http";
import { PROBLEM_CONTENT_TYPE, type HttpProblem } from "./http-problem.js";

type Headers = Readonly<Record<string, string>>;

/**
 * What a route handler answers. `handled` means the handler wrote (or is still writing)
 * the response itself, as a stream does; every other kind is written by the server.
 */
export type Reply =
  | { readonly kind: "json"; readonly status: number; readonly body: unknown; readonly headers?: Headers }
  | { readonly kind: "text"; readonly status: number; readonly body: string; readonly contentType: string; readonly headers?: Headers }
  | { readonly kind: "empty"; readonly status: number; readonly headers?: Headers }
  | { readonly kind: "handled" };

/** A JSON reply (`application/json; charset=utf-8`, `Cache-Control: no-store`). Status default 200. */
export function json(body: unknown, status = 200, headers?: Headers): Reply {
  return headers === undefined ? { kind: "json", status, body } : { kind: "json", status, body, headers };
}

/** A text reply with the given content type. Status default 200. */
export function text(body: string, contentType: string, status = 200, headers?: Headers): Reply {
  return headers === undefined ? { kind: "text", status, body, contentType } : { kind: "text", status, body, contentType, headers };
}

/** A reply without a body (204 by default). */
export function noContent(status = 204, headers?: Headers): Reply {
  return headers === undefined ? { kind: "empty", status } : { kind: "empty", status, headers };
}

/** The handler owns the response (streams): the server writes nothing. */
export function handled(): Reply {
  return { kind: "handled" };
}

/** Writes a non-`handled` reply and ends the response. */
export function writeReply(res: ServerResponse, reply: Exclude<Reply, { kind: "handled" }>): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.kind === "empty") {
    res.statusCode = reply.status;
    res.end();
    return;
  }
  const isJson = reply.kind === "json";
  const payload = Buffer.from(isJson ? JSON.stringify(reply.body) : reply.body, "utf8");
  res.statusCode = reply.status;
  res.setHeader("Content-Type", isJson ? "application/json; charset=utf-8" : reply.contentType);
  if (!res.hasHeader("Cache-Control")) res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", payload.length);
  res.end(payload);
}

/**
 * Writes `problem` as `application/problem+json` and ends the response. Only the problem's
 * own fields are sent: never a cause or a stack trace.
 */
export function writeProblem(
  res: ServerResponse,
  problem: HttpProblem,
  context: { readonly instance?: string; readonly requestId?: string } = {},
): void {
  const payload = Buffer.from(JSON.stringify(problem.toBody(context)), "utf8");
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.statusCode = problem.status;
  res.setHeader("Content-Type", PROBLEM_CONTENT_TYPE);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", payload.length);
  res.end(payload);
}
