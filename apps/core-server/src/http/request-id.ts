import { randomUUID } from "node:crypto";

/** Header carrying the request id in and out. */
export const REQUEST_ID_HEADER = "x-request-id";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id for a request: the client's `X-Request-Id` if it is 1–128 safe characters
 * (letters, digits, `._:-`; so it cannot inject into logs or headers), else a new UUID.
 */
export function requestIdFor(incoming: string | string[] | undefined): string {
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  return candidate !== undefined && SAFE_ID.test(candidate) ? candidate : randomUUID();
}
