/**
 * Closed list of error codes thrown by session-governance. Every code is either garbage
 * input (the caller's bug or a hostile client; nothing was written) or a store problem.
 * Outcomes of governance itself (gone, rejected, not found) are values, never errors.
 */
export type GovernanceErrorCode =
  | "invalid_session_id"
  | "invalid_owner_id"
  | "invalid_operation"
  | "invalid_reason"
  | "invalid_actor"
  | "invalid_policy"
  | "invalid_argument"
  | "store_version"
  | "store_closed"
  | "store_failure"
  | "store_unavailable";

/** Base class of every error this package throws; `code` is from a closed list. */
export class SessionGovernanceError extends Error {
  readonly code: GovernanceErrorCode;

  constructor(code: GovernanceErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** True when `value` is any error thrown by this package. */
export function isSessionGovernanceError(value: unknown): value is SessionGovernanceError {
  return value instanceof SessionGovernanceError;
}

/** A session id that is not 32 lowercase hex characters (128 bits). */
export class InvalidSessionIdError extends SessionGovernanceError {
  /** The rejected input, shortened to at most 64 characters for safe logging. */
  readonly input: string;
  constructor(input: unknown) {
    const shown = describeInput(input);
    super("invalid_session_id", `not a session id: ${shown}`);
    this.input = shown;
  }
}

/** An owner (subject) id outside `[A-Za-z0-9._:@-]{1,128}`. */
export class InvalidOwnerIdError extends SessionGovernanceError {
  readonly input: string;
  constructor(input: unknown) {
    const shown = describeInput(input);
    super("invalid_owner_id", `not an owner id: ${shown}`);
    this.input = shown;
  }
}

/** An operation name outside `[a-z][a-z0-9_.-]{0,63}`. */
export class InvalidOperationError extends SessionGovernanceError {
  readonly input: string;
  constructor(input: unknown) {
    const shown = describeInput(input);
    super("invalid_operation", `not an operation name: ${shown}`);
    this.input = shown;
  }
}

/** A termination reason that is not in the closed list `TERMINATION_REASONS`. */
export class InvalidReasonError extends SessionGovernanceError {
  readonly input: string;
  constructor(input: unknown) {
    const shown = describeInput(input);
    super("invalid_reason", `not a termination reason: ${shown}`);
    this.input = shown;
  }
}

/** An actor outside `[A-Za-z0-9._:@/-]{1,200}`. */
export class InvalidActorError extends SessionGovernanceError {
  readonly input: string;
  constructor(input: unknown) {
    const shown = describeInput(input);
    super("invalid_actor", `not an actor: ${shown}`);
    this.input = shown;
  }
}

/** A policy field (configuration or per-session override) that is missing, unknown or out of range. */
export class InvalidPolicyError extends SessionGovernanceError {
  /** Dotted path of the offending field, e.g. `defaults.idleTimeoutMs`. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super("invalid_policy", `${field}: ${problem}`);
    this.field = field;
  }
}

/** Any other argument out of range or malformed (paging cursor, limit, extension). */
export class InvalidArgumentError extends SessionGovernanceError {
  /** Name of the offending argument. */
  readonly argument: string;
  constructor(argument: string, problem: string) {
    super("invalid_argument", `${argument}: ${problem}`);
    this.argument = argument;
  }
}

/** The database file was written by a newer release (schema version above what this one knows). */
export class StoreVersionError extends SessionGovernanceError {
  readonly fileVersion: number;
  readonly supportedVersion: number;
  constructor(fileVersion: number, supportedVersion: number) {
    super(
      "store_version",
      `database schema version ${fileVersion} is newer than this release supports (${supportedVersion}); refusing to open`,
    );
    this.fileVersion = fileVersion;
    this.supportedVersion = supportedVersion;
  }
}

/** A call on a store (or a governance object) that was already closed. */
export class StoreClosedError extends SessionGovernanceError {
  constructor() {
    super("store_closed", "the session store is closed");
  }
}

/**
 * SQLite failed (busy beyond the busy timeout, disk full, I/O error, unreadable file).
 * The transaction was rolled back: nothing of the failed call was written.
 */
export class StoreFailureError extends SessionGovernanceError {
  /** SQLite's extended result code, e.g. `SQLITE_BUSY`, `SQLITE_FULL`. */
  readonly sqliteCode: string;
  constructor(sqliteCode: string, detail: string, cause: unknown) {
    super("store_failure", `${sqliteCode}: ${detail}`, { cause });
    this.sqliteCode = sqliteCode;
  }
}

/** Why the store refuses writes: its file is gone or replaced, read-only, or the disk is full. */
export type StoreProblem = "gone" | "replaced" | "read_only" | "full";

/**
 * The store refuses to write because it can no longer promise durability (the database
 * file was deleted or replaced under it, became read-only, or the disk is full). Nothing
 * of the refused call was written or acknowledged.
 */
export class StoreUnavailableError extends SessionGovernanceError {
  readonly problem: StoreProblem;
  constructor(problem: StoreProblem, detail: string) {
    super("store_unavailable", detail);
    this.problem = problem;
  }
}

/** @private Turns a better-sqlite3 error into StoreFailureError; other errors pass through. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof SessionGovernanceError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    return new StoreFailureError(code, error instanceof Error ? error.message : String(error), error);
  }
  return error;
}

function describeInput(input: unknown): string {
  if (typeof input === "string") return JSON.stringify(input.length > 64 ? `${input.slice(0, 64)}…` : input);
  if (input === null) return "null";
  return `<${typeof input}>`;
}
