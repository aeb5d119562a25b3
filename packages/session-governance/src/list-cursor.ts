import { InvalidArgumentError } from "./errors.js";
import type { SessionListPosition } from "./session-store.js";

const CURSOR = /^(\d{1,16}):([0-9a-f]{32})$/;

/** @private Opaque paging cursor of `list`: the last row's (created_at, id), base64url. */
export function encodeListCursor(position: SessionListPosition): string {
  return Buffer.from(`${position.createdAtMs}:${position.id}`, "utf8").toString("base64url");
}

/** @private @throws InvalidArgumentError when `cursor` was not made by {@link encodeListCursor}. */
export function decodeListCursor(cursor: unknown): SessionListPosition {
  if (typeof cursor !== "string" || cursor.length > 80 || !/^[A-Za-z0-9_-]*$/.test(cursor)) {
    throw new InvalidArgumentError("cursor", "malformed");
  }
  const match = CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (match === null) throw new InvalidArgumentError("cursor", "malformed");
  return { createdAtMs: Number(match[1]), id: match[2] as string };
}
