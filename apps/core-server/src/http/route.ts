import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Reply } from "./reply.js";

/** Methods a route may declare. GET routes also answer HEAD (Node drops the body). */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Names of the `:param` segments of a path pattern, e.g. `"id" | "n"`. */
export type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** Decoded path parameters of a pattern: `/sessions/:id` → `{ id: string }`. */
export type RouteParams<P extends string> = { readonly [K in ParamNames<P>]: string };

/** Everything a handler gets for one request. */
export interface RequestContext<Params = Readonly<Record<string, string>>> {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Request method as received (`HEAD` reaches GET handlers). */
  readonly method: string;
  /** Decoded URL path, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Params;
  /** The request id (from a valid `X-Request-Id`, or generated); echoed in the response. */
  readonly requestId: string;
  /** Logger bound to this request (`reqId`). */
  readonly log: Logger;
  /** Aborted when the client goes away before the response finished. */
  readonly signal: AbortSignal;
  /** Aborted when the server starts shutting down; long responses (streams) end on it. */
  readonly closing: AbortSignal;
  /**
   * Reads the body as JSON, bounded by the server's body limit. Resolves `undefined`
   * when there is no body.
   * @throws HttpProblem 413 (too large), 415 (not JSON content type), 400 (invalid JSON).
   */
  readJson(): Promise<unknown>;
}

/** A route handler: returns the reply, or throws an error the error table maps to a problem. */
export type RouteHandler<Params> = (ctx: RequestContext<Params>) => Reply | Promise<Reply>;

/** A route in the route table (parameters erased; build it with {@link route}). */
export interface Route {
  readonly method: HttpMethod;
  /** Pattern: literal segments and `:name` parameters, e.g. `/sessions/:id/heartbeat`. */
  readonly path: string;
  /** Label for logs and metrics, default `"<METHOD> <path>"`. */
  readonly name: string;
  /** Logged at debug instead of info (health probes, metric scrapes). */
  readonly quiet: boolean;
  readonly handler: RouteHandler<Readonly<Record<string, string>>>;
}

/** Options of {@link route}. */
export interface RouteOptions {
  readonly name?: string;
  readonly quiet?: boolean;
}

/**
 * Declares a route; `ctx.params` is typed from the pattern:
 * `route("GET", "/sessions/:id", (ctx) => json({ id: ctx.params.id }))`.
 */
export function route<P extends string>(
  method: HttpMethod,
  path: P,
  handler: RouteHandler<RouteParams<P>>,
  options: RouteOptions = {},
): Route {
  return {
    method,
    path,
    name: options.name ?? `${method} ${path}`,
    quiet: options.quiet ?? false,
    // The router only calls it with the parameters the pattern declares.
    handler: handler as unknown as RouteHandler<Readonly<Record<string, string>>>,
  };
}
