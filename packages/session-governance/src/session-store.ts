import Database from "better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import {
  InvalidArgumentError,
  SessionGovernanceError,
  StoreClosedError,
  StoreFailureError,
  StoreVersionError,
  toStoreError,
} from "./errors.js";
import type { SessionId } from "./identifiers.js";
import { SCHEMA_VERSION, migrate } from "./migrations.js";
import type { SessionEvent, SessionEventPage } from "./session-event.js";
import { SESSION_COLUMNS, type SessionRow } from "./session-row.js";
import type { TerminationReason } from "./termination-reason.js";

/** Options of {@link SessionStore.open}. */
export interface SessionStoreOptions {
  /** Database file; created if missing. `:memory:` is for pure unit tests only (no WAL, no restart). */
  readonly path: string;
  /** How long a write waits for another connection's lock before failing, ms. Default 5 000. */
  readonly busyTimeoutMs?: number;
  /**
   * `full` (default) syncs every commit: a termination survives power loss. `normal`
   * (WAL) survives process crashes but may lose the last commits on power loss; faster.
   */
  readonly synchronous?: "full" | "normal";
}

/** Filters of {@link SessionStore.listSessions}; all optional, combined with AND. */
export interface SessionListFilter {
  readonly ownerId?: string;
  /** `live`: not terminated (its limits may have run out, unenforced); `terminated`: tombstones. */
  readonly state?: "live" | "terminated";
  readonly reason?: TerminationReason;
}

/** Keyset position in a listing ordered by creation time, newest first. */
export interface SessionListPosition {
  readonly createdAtMs: number;
  readonly id: SessionId;
}

interface EventRecord {
  seq: number;
  sessionId: string;
  atMs: number;
  kind: string;
  actor: string;
  data: string;
}

/**
 * The SQLite store (GOVERNANCE guarantee 1): one better-sqlite3 connection on a real
 * file in WAL mode with a busy timeout, schema migrated on open. Every method is
 * synchronous; the conditional writes are the linearisation points other parts rely on.
 * @private Building block of `openSessionGovernance`; exported for hosts and tests that
 * need a second connection.
 */
export class SessionStore {
  readonly path: string;
  /** Schema version of the file after migration. */
  readonly schemaVersion: number;
  private readonly db: BetterSqlite3.Database;
  private readonly stmt: ReturnType<typeof prepare>;
  private readonly listCache = new Map<string, Guarded>();
  private closed = false;

  private constructor(db: BetterSqlite3.Database, path: string, schemaVersion: number) {
    this.db = db;
    this.path = path;
    this.schemaVersion = schemaVersion;
    this.stmt = prepare(db);
  }

  /** Opens (creating if needed) and migrates the file. @throws StoreVersionError for a newer file. */
  static open(options: SessionStoreOptions): SessionStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new InvalidArgumentError("busyTimeoutMs", "must be an integer >= 0");
    }
    let db: BetterSqlite3.Database;
    try {
      db = new Database(options.path, { timeout: busyTimeoutMs });
    } catch (error) {
      // better-sqlite3 reports a missing directory as a TypeError; it is still "cannot open".
      const typed = toStoreError(error);
      throw typed instanceof SessionGovernanceError ? typed : new StoreFailureError("SQLITE_CANTOPEN", String((error as Error).message), error);
    }
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      // Refuse a newer file before touching it (not even the journal mode).
      const fileVersion = db.pragma("user_version", { simple: true }) as number;
      if (fileVersion > SCHEMA_VERSION) throw new StoreVersionError(fileVersion, SCHEMA_VERSION);
      if (options.path !== ":memory:") db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
      db.pragma("foreign_keys = ON");
      const version = migrate(db);
      return new SessionStore(db, options.path, version);
    } catch (error) {
      db.close();
      throw toStoreError(error);
    }
  }

  /** The SQLite journal mode in effect (`wal` for files). */
  get journalMode(): string {
    return String(this.db.pragma("journal_mode", { simple: true }));
  }

  /** The connection's `synchronous` level as SQLite reports it (2 = FULL, 1 = NORMAL). */
  get synchronousLevel(): number {
    return Number(this.db.pragma("synchronous", { simple: true }));
  }

  /** The connection's busy timeout, ms. */
  get busyTimeoutMs(): number {
    return Number(this.db.pragma("busy_timeout", { simple: true }));
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (the write lock is taken up front). */
  immediate<T>(fn: () => T): T {
    this.assertOpen();
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  getSession(id: SessionId): SessionRow | undefined {
    this.assertOpen();
    return this.stmt.get.get(id) as SessionRow | undefined;
  }

  /** Live (not terminated) sessions of one owner. */
  liveSessionsOf(ownerId: string): SessionRow[] {
    this.assertOpen();
    return this.stmt.liveOfOwner.all(ownerId) as SessionRow[];
  }

  insertSession(row: SessionRow): void {
    this.assertOpen();
    this.stmt.insert.run(row);
  }

  /**
   * THE termination write (guarantee 3): sets the three columns only where the session is
   * not terminated yet. Returns true when this call won.
   */
  markTerminated(id: SessionId, atMs: number, reason: TerminationReason, actor: string): boolean {
    this.assertOpen();
    return this.stmt.terminate.run(atMs, reason, actor, id).changes === 1;
  }

  /** Moves `last_activity_at` forward to `atMs` on a live session. False when terminated or unknown. */
  recordActivity(id: SessionId, atMs: number, kind: string): boolean {
    this.assertOpen();
    return this.stmt.activity.run(atMs, kind, id).changes === 1;
  }

  /** Compare-and-set of the hard deadline on a live session. False when it changed or ended. */
  moveHardDeadline(id: SessionId, fromMs: number, toMs: number): boolean {
    this.assertOpen();
    return this.stmt.deadline.run(toMs, id, fromMs).changes === 1;
  }

  /** Appends one audit row; returns its `seq`. Call inside the transaction of the change it records. */
  appendEvent(sessionId: SessionId, atMs: number, kind: SessionEvent["kind"], actor: string, data: object): number {
    this.assertOpen();
    return Number(this.stmt.event.run(sessionId, atMs, kind, actor, JSON.stringify(data)).lastInsertRowid);
  }

  /** Live sessions whose hard or idle deadline is at or before `nowMs`, oldest deadline first. */
  expiredLiveSessions(nowMs: number, limit: number): SessionRow[] {
    this.assertOpen();
    return this.stmt.expired.all({ now: nowMs, limit }) as SessionRow[];
  }

  /** One page of sessions, newest first, strictly after `after`. */
  listSessions(filter: SessionListFilter, after: SessionListPosition | undefined, limit: number): SessionRow[] {
    this.assertOpen();
    const where: string[] = [];
    if (filter.ownerId !== undefined) where.push("owner_id = @ownerId");
    if (filter.state === "live") where.push("terminated_at IS NULL");
    if (filter.state === "terminated") where.push("terminated_at IS NOT NULL");
    if (filter.reason !== undefined) where.push("termination_reason = @reason");
    if (after !== undefined) where.push("(created_at < @afterCreated OR (created_at = @afterCreated AND id < @afterId))");
    const sql = `SELECT ${SESSION_COLUMNS} FROM sessions ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT @limit`;
    let statement = this.listCache.get(sql);
    if (statement === undefined) {
      statement = guarded(this.db.prepare(sql));
      this.listCache.set(sql, statement);
    }
    return statement.all({
      ownerId: filter.ownerId,
      reason: filter.reason,
      afterCreated: after?.createdAtMs,
      afterId: after?.id,
      limit,
    }) as SessionRow[];
  }

  /** Events after `afterSeq` (of one session, or all when `sessionId` is undefined), oldest first. */
  events(sessionId: SessionId | undefined, afterSeq: number, limit: number): SessionEventPage {
    this.assertOpen();
    const rows = (
      sessionId === undefined ? this.stmt.feed.all(afterSeq, limit) : this.stmt.eventsOf.all(sessionId, afterSeq, limit)
    ) as EventRecord[];
    const events = rows.map(toEvent);
    return { events, nextAfterSeq: events.length > 0 ? (events[events.length - 1]?.seq ?? afterSeq) : afterSeq };
  }

  /** Number of audit rows (all sessions). */
  countEvents(): number {
    this.assertOpen();
    return (this.stmt.countEvents.get() as { n: number }).n;
  }

  /** Closes the connection; later calls throw StoreClosedError. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

/** A statement whose SQLite failures surface as StoreFailureError (house rule: typed errors only). */
interface Guarded {
  run(...params: unknown[]): BetterSqlite3.RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

function guarded(statement: BetterSqlite3.Statement): Guarded {
  const wrap =
    <R>(call: (...params: unknown[]) => R) =>
    (...params: unknown[]): R => {
      try {
        return call(...params);
      } catch (error) {
        throw toStoreError(error);
      }
    };
  return {
    run: wrap((...p) => statement.run(...p)),
    get: wrap((...p) => statement.get(...p)),
    all: wrap((...p) => statement.all(...p)),
  };
}

function prepare(db: BetterSqlite3.Database): Record<StatementName, Guarded> {
  const sql: Record<StatementName, string> = {
    get: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = ?`,
    liveOfOwner: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE owner_id = ? AND terminated_at IS NULL`,
    insert: `INSERT INTO sessions (id, owner_id, token_hash, created_at, last_activity_at, last_activity_kind,
        idle_timeout_ms, hard_deadline_at, max_deadline_at, max_concurrent_ops, concurrency_policy)
      VALUES (@id, @ownerId, @tokenHash, @createdAtMs, @lastActivityAtMs, @lastActivityKind,
        @idleTimeoutMs, @hardDeadlineAtMs, @maxDeadlineAtMs, @maxConcurrentOps, @concurrencyPolicy)`,
    terminate: `UPDATE sessions SET terminated_at = ?, termination_reason = ?, termination_actor = ?
      WHERE id = ? AND terminated_at IS NULL`,
    activity: `UPDATE sessions SET last_activity_at = max(last_activity_at, ?), last_activity_kind = ?
      WHERE id = ? AND terminated_at IS NULL`,
    deadline: `UPDATE sessions SET hard_deadline_at = ?
      WHERE id = ? AND hard_deadline_at = ? AND terminated_at IS NULL`,
    event: `INSERT INTO session_events (session_id, at, kind, actor, data) VALUES (?, ?, ?, ?, ?)`,
    expired: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE terminated_at IS NULL AND hard_deadline_at <= @now
      UNION SELECT ${SESSION_COLUMNS} FROM sessions WHERE terminated_at IS NULL AND last_activity_at + idle_timeout_ms <= @now
      ORDER BY createdAtMs, id LIMIT @limit`,
    feed: `SELECT seq, session_id AS sessionId, at AS atMs, kind, actor, data FROM session_events
      WHERE seq > ? ORDER BY seq LIMIT ?`,
    eventsOf: `SELECT seq, session_id AS sessionId, at AS atMs, kind, actor, data FROM session_events
      WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    countEvents: `SELECT count(*) AS n FROM session_events`,
  };
  return Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, guarded(db.prepare(text))])) as Record<StatementName, Guarded>;
}

type StatementName =
  | "get"
  | "liveOfOwner"
  | "insert"
  | "terminate"
  | "activity"
  | "deadline"
  | "event"
  | "expired"
  | "feed"
  | "eventsOf"
  | "countEvents";

function toEvent(row: EventRecord): SessionEvent {
  const base = { seq: row.seq, sessionId: row.sessionId, atMs: row.atMs, actor: row.actor };
  const data = JSON.parse(row.data) as Record<string, unknown>;
  switch (row.kind) {
    case "created":
      return { ...base, kind: "created", ...(data as Omit<Extract<SessionEvent, { kind: "created" }>, keyof typeof base | "kind">) };
    case "extended":
      return { ...base, kind: "extended", ...(data as Omit<Extract<SessionEvent, { kind: "extended" }>, keyof typeof base | "kind">) };
    default:
      return { ...base, kind: "terminated", ...(data as Omit<Extract<SessionEvent, { kind: "terminated" }>, keyof typeof base | "kind">) };
  }
}
