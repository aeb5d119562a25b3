import { randomBytes } from "node:crypto";
import { InvalidActorError, InvalidOperationError, InvalidOwnerIdError, InvalidSessionIdError } from "./errors.js";

/** A session id: 32 lowercase hex characters, 128 random bits (unguessable). */
export type SessionId = string;

const SESSION_ID = /^[0-9a-f]{32}$/;
const OWNER_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const ACTOR = /^[A-Za-z0-9._:@/-]{1,200}$/;
const OPERATION = /^[a-z][a-z0-9_.-]{0,63}$/;

/** The actor recorded when the governor itself terminates a session (limits, sweep). */
export const SYSTEM_ACTOR = "system:governor";

/** A fresh session id from 16 bytes of the OS CSPRNG. */
export function generateSessionId(): SessionId {
  return randomBytes(16).toString("hex");
}

/** True when `value` has the shape of a session id (it may still not exist). */
export function isSessionId(value: unknown): value is SessionId {
  return typeof value === "string" && SESSION_ID.test(value);
}

/** Returns `value` as a session id. @throws InvalidSessionIdError when malformed. */
export function parseSessionId(value: unknown): SessionId {
  if (!isSessionId(value)) throw new InvalidSessionIdError(value);
  return value;
}

/** Returns `value` as an owner id (`[A-Za-z0-9._:@-]{1,128}`). @throws InvalidOwnerIdError. */
export function parseOwnerId(value: unknown): string {
  if (typeof value !== "string" || !OWNER_ID.test(value)) throw new InvalidOwnerIdError(value);
  return value;
}

/** Returns `value` as an actor (`[A-Za-z0-9._:@/-]{1,200}`, e.g. `operator:alice`). @throws InvalidActorError. */
export function parseActor(value: unknown): string {
  if (typeof value !== "string" || !ACTOR.test(value)) throw new InvalidActorError(value);
  return value;
}

/** Returns `value` as an operation name (`[a-z][a-z0-9_.-]{0,63}`, e.g. `stream`). @throws InvalidOperationError. */
export function parseOperation(value: unknown): string {
  if (typeof value !== "string" || !OPERATION.test(value)) throw new InvalidOperationError(value);
  return value;
}
