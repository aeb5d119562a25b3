import type { IncomingMessage } from "node:http";
import { HttpProblem } from "./http-problem.js";

/** Whether the request announces a body (a non-zero Content-Length, or chunked encoding). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  if (length !== undefined) return Number(length) > 0;
  return req.headers["transfer-encoding"] !== undefined;
}

/** The problem for a body over `maxBytes`; it closes the connection because the rest is not read. */
export function payloadTooLarge(maxBytes: number): HttpProblem {
  return new HttpProblem("payload-too-large", {
    detail: `Request bodies are limited to ${maxBytes} bytes`,
    extensions: { limitBytes: maxBytes },
    headers: { Connection: "close" },
  });
}

/**
 * Reads the whole request body, at most `maxBytes`. Stops reading as soon as the limit is
 * passed (the response then closes the connection).
 * @throws HttpProblem `payload-too-large`; `bad-request` if the client aborts mid-body.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > maxBytes) throw payloadTooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > maxBytes) throw payloadTooLarge(maxBytes);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    throw new HttpProblem("bad-request", { detail: "Request body could not be read", cause: error });
  }
  return Buffer.concat(chunks, total);
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a JSON body. No body → `undefined`.
 * @throws HttpProblem 415 unless the content type is `application/json` or `*+json` and
 *   the body has no content coding;
 *   413 over `maxBytes`; 400 `invalid-json` if it does not parse.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && !/^\s*identity\s*$/i.test(encoding)) {
    throw new HttpProblem("unsupported-media-type", { detail: `Content-Encoding ${JSON.stringify(encoding)} is not accepted; send plain JSON` });
  }
  const type = req.headers["content-type"] ?? "";
  if (!JSON_TYPE.test(type)) {
    throw new HttpProblem("unsupported-media-type", {
      detail: `Expected application/json, got ${type === "" ? "no content type" : JSON.stringify(type)}`,
    });
  }
  const body = await readBody(req, maxBytes);
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch (error) {
    throw new HttpProblem("invalid-json", { detail: (error as Error).message, cause: error });
  }
}
