import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Token model: `create` hands the client one bearer token (32 random bytes, base64url,
 * 43 characters) exactly once. The store keeps only its SHA-256 (hex), so a leaked
 * database file holds no usable credential; a lost token means a new session.
 */
export function generateSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of the token, hex (64 characters). The only form ever stored. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

// Compared when the session is unknown, so "unknown" and "wrong token" cost the same.
const DUMMY_HASH = hashSessionToken("0".repeat(43));

/**
 * Constant-time check of a presented token against a stored hash (or `undefined` when
 * the session does not exist). Malformed tokens (wrong type, length or alphabet) never match.
 */
export function tokenMatches(presented: unknown, storedHash: string | undefined): boolean {
  const wellFormed = typeof presented === "string" && TOKEN.test(presented);
  const presentedHash = Buffer.from(hashSessionToken(wellFormed ? presented : ""), "hex");
  const expected = Buffer.from(storedHash ?? DUMMY_HASH, "hex");
  const equal = presentedHash.length === expected.length && timingSafeEqual(presentedHash, expected);
  return wellFormed && storedHash !== undefined && equal;
}
