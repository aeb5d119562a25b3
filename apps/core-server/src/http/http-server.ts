import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setMaxListeners } from "node:events";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import type { HttpConfig } from "../config/server-config.js";
import { ERROR_TABLE, toHttpProblem, type ProblemMapping } from "./error-to-problem.js";
import { HttpProblem, PROBLEM_CONTENT_TYPE } from "./http-problem.js";
import { payloadTooLarge, readJsonBody } from "./read-body.js";
import { writeProblem, writeReply } from "./reply.js";
import { REQUEST_ID_HEADER, requestIdFor } from "./request-id.js";
import type { RequestContext } from "./route.js";
import type { Router } from "./router.js";

/** Where a server listens, once it does. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts in brackets). */
  readonly url: string;
}

/** Reported once per request when its response is finished or abandoned. */
export interface RequestDoneInfo {
  /** Route name (`"GET /healthz"`), or `"unmatched"`. */
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly durationMs: number;
  /** The client went away before the response finished. */
  readonly aborted: boolean;
}

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly limits: HttpConfig;
  readonly logger: Logger;
  readonly router: Router;
  /** Error → problem table; default {@link ERROR_TABLE}. */
  readonly errorTable?: readonly ProblemMapping[];
  readonly onRequestDone?: (info: RequestDoneInfo) => void;
}

/** A node:http server with the house rules: request ids, bounded input, problem+json errors, graceful close. */
export interface HttpServer {
  /** Starts listening. @throws ListenError (e.g. the port is in use). */
  listen(): Promise<ListenAddress>;
  /**
   * First step of a shutdown: aborts every context's `closing` signal (streams end) and
   * answers new requests 503 `shutting-down`. Idempotent.
   */
  beginShutdown(): void;
  /**
   * Stops listening, lets in-flight responses finish for up to `graceMs`, then destroys
   * the remaining connections. Resolves once every connection is closed. Idempotent.
   */
  close(graceMs: number): Promise<void>;
  readonly address: ListenAddress | undefined;
  /** Sockets currently open (0 after `close`). */
  readonly openConnections: number;
  readonly shuttingDown: boolean;
}

/** Listening failed; `code` is the OS error code (`EADDRINUSE`, `EACCES`, ...). */
export class ListenError extends Error {
  override readonly name = "ListenError";
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string,
    options: { cause: unknown },
  ) {
    super(
      code === "EADDRINUSE"
        ? `${host}:${port} is already in use (another server running? pick a port with --port)`
        : `cannot listen on ${host}:${port}: ${code}`,
      options,
    );
  }
}

/** Creates (does not start) an {@link HttpServer}. */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { limits, logger, router } = options;
  const errorTable = options.errorTable ?? ERROR_TABLE;
  const closing = new AbortController();
  // Every open stream listens on it; hundreds of viewers are normal, not a leak.
  setMaxListeners(0, closing.signal);
  const sockets = new Set<Socket>();
  let address: ListenAddress | undefined;
  let closePromise: Promise<void> | undefined;

  // Node checks the header/request timeouts on an interval (30 s by default); check often
  // enough that a slow-header client (slowloris) is cut close to headersTimeoutMs.
  const connectionsCheckingInterval = Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)));
  // requireHostHeader off: Node's own refusal is an empty 400; ours has a problem body.
  const server: Server = createServer({ maxHeaderSize: limits.maxHeaderBytes, connectionsCheckingInterval, requireHostHeader: false }, (req, res) => {
    void handle(req, res);
  });
  // Node answers an unknown Expect with an empty 417, and drops a CONNECT without a word:
  // both get a problem body here.
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    writeProblem(res, new HttpProblem("expectation-failed", { detail: `Expect: ${String(req.headers.expect)} is not supported (only 100-continue)`, headers: { Connection: "close" } }), { instance: safePath(req.url) });
  });
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    const problem = new HttpProblem("method-not-allowed", { detail: "CONNECT is not supported: this is not a proxy", extensions: { allow: ["GET", "HEAD", "POST", "DELETE"] } });
    writeRawProblem(socket, problem, { Allow: "GET, HEAD, POST, DELETE" });
    logger.debug({ method: req.method, status: problem.status }, "CONNECT refused");
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => onClientError(error, socket, logger));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const requestId = requestIdFor(req.headers[REQUEST_ID_HEADER]);
    res.setHeader("X-Request-Id", requestId);
    const log = logger.child({ reqId: requestId });
    const clientGone = new AbortController();
    let routeName = "unmatched";
    let quiet = false;
    let path = "/";

    res.once("close", () => {
      const aborted = !res.writableFinished;
      if (aborted) clientGone.abort();
      const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      const fields = { method: req.method, path, route: routeName, status: res.statusCode, durationMs, aborted };
      if (quiet) log.debug(fields, "request done");
      else log.info(fields, "request done");
      options.onRequestDone?.({ route: routeName, method: req.method ?? "", status: res.statusCode, durationMs, aborted });
      // Once shutting down, a keep-alive connection that just became idle must not linger.
      if (closing.signal.aborted) server.closeIdleConnections();
    });

    try {
      if (closing.signal.aborted) {
        res.setHeader("Connection", "close");
        throw new HttpProblem("shutting-down", { headers: { "Retry-After": "5" } });
      }
      path = requestPath(req.url);
      checkFraming(req);
      const declared = Number(req.headers["content-length"] ?? 0);
      if (declared > limits.maxBodyBytes) throw payloadTooLarge(limits.maxBodyBytes);

      const match = router.match(req.method ?? "", path);
      if (match.kind === "not-found") throw new HttpProblem("route-not-found", { detail: `No route for ${req.method} ${path}` });
      if (match.kind === "method-not-allowed") {
        throw new HttpProblem("method-not-allowed", {
          detail: `${req.method} is not allowed on ${path}`,
          extensions: { allow: [...match.allow] },
          headers: { Allow: match.allow.join(", ") },
        });
      }
      routeName = match.route.name;
      quiet = match.route.quiet;
      const ctx: RequestContext = {
        req,
        res,
        method: req.method ?? "GET",
        path,
        query: new URL(req.url ?? "/", "http://request.invalid").searchParams,
        params: match.params,
        requestId,
        log,
        signal: clientGone.signal,
        closing: closing.signal,
        readJson: () => readJsonBody(req, limits.maxBodyBytes),
      };
      const reply = await match.route.handler(ctx);
      if (reply.kind !== "handled") writeReply(res, reply);
    } catch (error) {
      const problem = toHttpProblem(error, errorTable);
      if (problem.status >= 500 && problem.code !== "shutting-down") {
        log.error({ err: problem.cause ?? error, route: routeName, path }, "request failed");
      } else {
        log.debug({ code: problem.code, status: problem.status, detail: problem.detail }, "request rejected");
      }
      if (!res.headersSent) writeProblem(res, problem, { instance: path, requestId });
      else res.destroy(); // A response already under way (a stream) cannot turn into an error: cut it.
    }
  }

  return {
    get address() {
      return address;
    },
    get openConnections() {
      // A destroyed socket still awaits its 'close' event for a tick; it is no longer open.
      let count = 0;
      for (const socket of sockets) if (!socket.destroyed) count++;
      return count;
    },
    get shuttingDown() {
      return closing.signal.aborted;
    },
    listen() {
      return new Promise<ListenAddress>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException): void => {
          reject(new ListenError(options.host, options.port, error.code ?? "UNKNOWN", { cause: error }));
        };
        server.once("error", onError);
        server.listen(options.port, options.host, () => {
          server.off("error", onError);
          const info = server.address();
          const port = typeof info === "object" && info !== null ? info.port : options.port;
          const host = options.host;
          address = { host, port, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}` };
          resolve(address);
        });
      });
    },
    beginShutdown() {
      if (closing.signal.aborted) return;
      closing.abort();
      server.closeIdleConnections();
    },
    close(graceMs) {
      if (closePromise !== undefined) return closePromise;
      this.beginShutdown();
      closePromise = new Promise<void>((resolve) => {
        if (!server.listening) {
          for (const socket of sockets) socket.destroy();
          resolve();
          return;
        }
        const force = setTimeout(() => {
          logger.warn({ openConnections: sockets.size, graceMs }, "forcing remaining connections closed");
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closePromise;
    },
  };
}

/**
 * The request's path exactly as sent (still percent-encoded), without the query. It is not
 * normalised: `//admin/channels` is not `/channels` (a WHATWG URL parse would read `admin`
 * as a host), and `.`/`..` or empty segments match no route (404), never another one.
 * Absolute-form targets (`http://host/path`) give their path.
 */
function requestPath(url: string | undefined): string {
  const target = url ?? "/";
  if (target.startsWith("/")) {
    const end = target.search(/[?#]/);
    return end === -1 ? target : target.slice(0, end);
  }
  if (/^https?:\/\//i.test(target)) {
    try {
      return new URL(target).pathname;
    } catch (error) {
      throw new HttpProblem("bad-request", { detail: "Malformed request target", cause: error });
    }
  }
  throw new HttpProblem("bad-request", { detail: "The request target must be a path starting with /" });
}

/** For logs and problem `instance` outside a request's normal path (never throws). */
function safePath(url: string | undefined): string {
  try {
    return requestPath(url);
  } catch {
    return "/";
  }
}

/**
 * HTTP/1.1 needs a Host; a body's transfer coding other than plain `chunked` (`gzip,
 * chunked`) would hand the handlers bytes they would misread as JSON.
 * @throws HttpProblem 400 (no Host), 501 (a transfer coding not implemented).
 */
function checkFraming(req: IncomingMessage): void {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && (req.headers.host === undefined || req.headers.host === "")) {
    throw new HttpProblem("bad-request", { detail: "HTTP/1.1 requests must carry a Host header", headers: { Connection: "close" } });
  }
  const coding = req.headers["transfer-encoding"];
  if (coding !== undefined && !/^\s*chunked\s*$/i.test(coding)) {
    throw new HttpProblem("not-implemented", {
      detail: `Transfer-Encoding ${JSON.stringify(coding)} is not supported; send the body plain or with chunked alone`,
      headers: { Connection: "close" },
    });
  }
}

/** Parse-level failures (before any request object exists) still get a problem+json answer. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket, logger: Logger): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = error.code === "HPE_HEADER_OVERFLOW" ? "headers-too-large"
    : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "request-timeout"
    : "bad-request";
  const problem = new HttpProblem(code, code === "bad-request" ? { detail: "Malformed HTTP request" } : {});
  logger.debug({ code: error.code, status: problem.status }, "client error");
  writeRawProblem(socket, problem);
}

/** A problem+json answer written straight to a socket (no response object exists), then closed. */
function writeRawProblem(socket: Socket, problem: HttpProblem, headers: Readonly<Record<string, string>> = {}): void {
  const body = JSON.stringify(problem.toBody());
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ""}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\n${extra}Connection: close\r\n\r\n${body}`,
  );
}
