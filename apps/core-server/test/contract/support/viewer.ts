import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";

/** How a viewer's response finished: the server ended it, or the connection went away. */
export interface ViewerEnd {
  readonly how: "ended" | "closed" | "left";
  readonly atMs: number;
}

/** A real HTTP viewer of a stream: a long GET whose body is counted, and which can leave. */
export interface Viewer {
  readonly url: string;
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The body so far when the status is not 200 (problem+json), else "". */
  readonly errorBody: Promise<string>;
  /** Body bytes received so far. */
  readonly bytes: number;
  /** Epoch ms the first body byte arrived, if any did. */
  readonly firstByteAtMs: number | undefined;
  /** Resolves once the response is over (by the server, the connection, or {@link leave}). */
  readonly ended: Promise<ViewerEnd>;
  readonly isOpen: boolean;
  /** Leaves: destroys the request (the server sees the connection close). Idempotent. */
  leave(): void;
  /** Resolves with how the response ended; rejects if it is still open after `timeoutMs`. */
  waitForEnd(timeoutMs: number): Promise<ViewerEnd>;
  /** Resolves once at least `n` body bytes arrived; rejects after `timeoutMs` or if the response ends first. */
  waitForBytes(n: number, timeoutMs?: number): Promise<void>;
}

const open = new Set<Viewer>();

/** Viewers still connected (the leak check ends them). */
export function openViewers(): readonly Viewer[] {
  return [...open];
}

/**
 * Opens `url` with a GET over its own connection and resolves once the response head
 * arrived (any status). `timeoutMs` bounds the wait for the head (default 15000).
 */
export function openViewer(url: string, options: { headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<Viewer> {
  return new Promise<Viewer>((resolve, reject) => {
    let req: ClientRequest | undefined = undefined;
    const timer = setTimeout(() => {
      req?.destroy(new Error(`GET ${url}: no response head within ${options.timeoutMs ?? 15_000} ms`));
    }, options.timeoutMs ?? 15_000);
    req = httpRequest(url, { method: "GET", agent: false, headers: { connection: "close", ...(options.headers ?? {}) } }, (res) => {
      clearTimeout(timer);
      resolve(makeViewer(url, req!, res));
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

function makeViewer(url: string, req: ClientRequest, res: IncomingMessage): Viewer {
  let bytes = 0;
  let firstByteAtMs: number | undefined;
  let end: ViewerEnd | undefined;
  let left = false;
  const waiters = new Set<() => void>();
  const errorChunks: Buffer[] = [];
  const ok = res.statusCode === 200;
  let resolveEnded: (e: ViewerEnd) => void = () => undefined;
  const ended = new Promise<ViewerEnd>((resolve) => (resolveEnded = resolve));
  const finish = (how: ViewerEnd["how"]): void => {
    if (end !== undefined) return;
    end = { how: left ? "left" : how, atMs: Date.now() };
    open.delete(viewer);
    resolveEnded(end);
    for (const wake of waiters) wake();
  };
  res.on("data", (chunk: Buffer) => {
    if (firstByteAtMs === undefined) firstByteAtMs = Date.now();
    bytes += chunk.length;
    if (!ok) errorChunks.push(chunk);
    for (const wake of waiters) wake();
  });
  res.on("end", () => finish("ended"));
  res.on("close", () => finish("closed"));
  res.on("error", () => finish("closed"));
  req.on("error", () => finish("closed"));
  req.on("close", () => finish("closed"));
  const errorBody = ok ? Promise.resolve("") : ended.then(() => Buffer.concat(errorChunks).toString("utf8"));

  const viewer: Viewer = {
    url,
    status: res.statusCode ?? 0,
    headers: res.headers,
    errorBody,
    ended,
    get bytes() {
      return bytes;
    },
    get firstByteAtMs() {
      return firstByteAtMs;
    },
    get isOpen() {
      return end === undefined;
    },
    leave() {
      if (end !== undefined) return;
      left = true;
      req.destroy();
      res.destroy();
    },
    waitForEnd(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${url}: still open after ${timeoutMs} ms (${bytes} bytes)`)), timeoutMs);
      });
      return Promise.race([ended, timeout]).finally(() => clearTimeout(timer));
    },
    waitForBytes(n, timeoutMs = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (bytes >= n) done();
          else if (end !== undefined) done(new Error(`${url}: response ended (${end.how}) after ${bytes} of ${n} bytes`));
        };
        const timer = setTimeout(() => done(new Error(`${url}: ${bytes} of ${n} bytes within ${timeoutMs} ms`)), timeoutMs);
        const done = (error?: Error): void => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
  open.add(viewer);
  return viewer;
}
