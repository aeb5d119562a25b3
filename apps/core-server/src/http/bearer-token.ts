import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpProblem } from "./http-problem.js";

/** The token of an `Authorization: Bearer <token>` header, or undefined (absent or another scheme). */
export function bearerTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
  return m?.[1];
}

/** A 401 problem with the `WWW-Authenticate` challenge. */
export function unauthorized(detail: string): HttpProblem {
  return new HttpProblem("unauthorized", { detail, headers: { "WWW-Authenticate": 'Bearer realm="retrovue"' } });
}

/** Compares two secrets in constant time (over their SHA-256, so lengths do not leak either). */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}
