import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

/** A finished HTTP exchange. `json` is the parsed body when it is JSON, else undefined. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly json: unknown;
}

/** Options of {@link httpCall}. */
export interface HttpCallOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Sent as JSON (content-type set) unless a string. */
  readonly body?: unknown;
  /** Whole exchange bound, ms. Default 10000. */
  readonly timeoutMs?: number;
}

/**
 * One request over a fresh connection (`agent: false`, `connection: close`): no keep-alive
 * pool survives the call, so the leak check's handle count is not disturbed by it.
 * Rejects on a network error or after `timeoutMs`.
 */
export function httpCall(url: string, options: HttpCallOptions = {}): Promise<HttpAnswer> {
  const { method = "GET", timeoutMs = 10_000 } = options;
  const payload =
    options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { connection: "close", ...(options.headers ?? {}) };
  if (payload !== undefined) {
    headers["content-length"] = String(Buffer.byteLength(payload));
    if (typeof options.body !== "string") headers["content-type"] ??= "application/json";
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        const type = String(res.headers["content-type"] ?? "");
        if (type.includes("json") && text !== "") {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(payload);
  });
}
