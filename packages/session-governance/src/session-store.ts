import { chmodSync, existsSync, renameSync } from "node:fs";
import Database from "better-sqlite3";
import type BetterSqlite3 from "better-sqlite3";
import {
  InvalidArgumentError,
  SessionGovernanceError,
  StoreClosedError,
  StoreFailureError,
  StoreUnavailableError,
  StoreVersionError,
  toStoreError,
  type StoreProblem,
} from "./errors.js";
import type { SessionId } from "./identifiers.js";
import { SCHEMA_VERSION, migrate } from "./migrations.js";
import type { SessionEvent, SessionEventPage } from "./session-event.js";
import { SESSION_COLUMNS, type SessionRow } from "./session-row.js";
import { DATABASE_FILE_MODE, prepareDatabaseFile, StoreFileWatch, tightenFileModes } from "./store-file-watch.js";
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
  /**
   * Below this many free bytes on the file's file system the store counts as full: durable
   * writes are refused (503 upstream) instead of half-failing. Default 1 MiB; 0 disables.
   */
  readonly minFreeBytes?: number;
}

/** What {@link SessionStore.health} finds: writable, or why not. */
export type StoreHealth = { readonly ok: true } | { readonly ok: false; readonly problem: StoreProblem; readonly detail: string };


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
  /** Undefined for `:memory:`. */
  private readonly watch: StoreFileWatch | undefined;
  private readonly fullSynchronous: boolean;
  /** Files whose mode was tightened to 0600 at open (the host may warn about them). */
  readonly tightenedFiles: readonly string[];

  private constructor(
    db: BetterSqlite3.Database,
    path: string,
    schemaVersion: number,
    fullSynchronous: boolean,
    minFreeBytes: number,
    tightenedFiles: readonly string[],
  ) {
    this.db = db;
    this.path = path;
    this.schemaVersion = schemaVersion;
    this.stmt = prepare(db);
    this.fullSynchronous = fullSynchronous;
    this.tightenedFiles = tightenedFiles;
    this.watch = path === ":memory:" ? undefined : new StoreFileWatch(path, minFreeBytes);
  }

  /** Opens (creating if needed) and migrates the file. @throws StoreVersionError for a newer file. */
  static open(options: SessionStoreOptions): SessionStore {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new InvalidArgumentError("busyTimeoutMs", "must be an integer >= 0");
    }
    const minFreeBytes = options.minFreeBytes ?? 1_048_576;
    if (!Number.isSafeInteger(minFreeBytes) || minFreeBytes < 0) {
      throw new InvalidArgumentError("minFreeBytes", "must be an integer >= 0");
    }
    let db: BetterSqlite3.Database;
    let tightened: string[] = [];
    try {
      tightened = options.path === ":memory:" ? [] : prepareDatabaseFile(options.path);
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
      // SQLite gives -wal/-shm the main file's mode, but ones left by an older release may be looser.
      if (options.path !== ":memory:") tightened.push(...tightenFileModes([`${options.path}-wal`, `${options.path}-shm`]));
      return new SessionStore(db, options.path, version, options.synchronous !== "normal", minFreeBytes, tightened);
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

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction (the write lock is taken up front). Every
   * durable write goes through here, so the file is checked first: a store whose file is
   * gone, replaced, read-only or full refuses, and nothing is acknowledged that is not stored.
   * @throws StoreUnavailableError, StoreFailureError.
   */
  immediate<T>(fn: () => T): T {
    this.assertOpen();
    this.assertWritable();
    try {
      const result = this.db.transaction(fn).immediate();
      this.watch?.noteFull(false);
      return result;
    } catch (error) {
      throw this.noteFailure(error);
    }
  }

  /**
   * Whether the store can still keep its promises: its file is the one opened (not deleted
   * or replaced), writable, and the disk has room. Cheap (a few `stat` calls).
   */
  health(): StoreHealth {
    if (this.closed) return { ok: false, problem: "gone", detail: "the session store is closed" };
    const problem = this.watch?.problem();
    return problem === undefined ? { ok: true } : { ok: false, ...problem };
  }

  /**
   * After the file was deleted or replaced, writes what this connection still sees (every
   * acknowledged write) to a new file: back at `path` when nothing is there, else next to it
   * as `<path>.orphaned-<inode>`. Returns the file written, or undefined when the file is fine.
   * Writes are refused from the moment the loss is seen, so the copy is complete.
   */
  async preserveLostFile(): Promise<string | undefined> {
    this.assertOpen();
    const lost = this.watch?.problem() === undefined ? undefined : this.watch.lostProblem;
    if (lost === undefined || this.watch === undefined) return undefined;
    const orphan = `${this.path}.orphaned-${this.watch.inode}`;
    const target = lost.problem === "gone" ? this.path : orphan;
    const temporary = `${target}.preserving`;
    await this.db.backup(temporary);
    chmodSync(temporary, DATABASE_FILE_MODE);
    if (target === this.path && existsSync(this.path)) {
      // Someone created a new file meanwhile: do not overwrite it.
      renameSync(temporary, orphan);
      return orphan;
    }
    renameSync(temporary, target);
    return target;
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

  /**
   * Writes many sessions' activity in one transaction committed without an fsync
   * (`synchronous=NORMAL` for this commit only, WAL): activity is no promise to anyone
   * (GOVERNANCE guarantee 2); a process crash loses none of it, a power cut at most what
   * was written since the last durable commit. Returns how many rows moved forward.
   * @throws StoreUnavailableError, StoreFailureError.
   */
  recordActivities(entries: Iterable<readonly [SessionId, number, string]>): number {
    this.assertOpen();
    this.assertWritable();
    const relaxed = this.fullSynchronous && this.path !== ":memory:";
    if (relaxed) this.db.pragma("synchronous = NORMAL");
    try {
      return this.db.transaction(() => {
        let moved = 0;
        for (const [id, atMs, kind] of entries) moved += this.stmt.activity.run(atMs, kind, id).changes;
        return moved;
      })();
    } catch (error) {
      throw this.noteFailure(error);
    } finally {
      if (relaxed) this.db.pragma("synchronous = FULL");
    }
  }

  /**
   * Runs `fn` with commits that skip the fsync (`synchronous=NORMAL`, WAL), for writes whose
   * loss on a power cut changes no answer: the sweep's terminations of expired sessions (the
   * deadlines that expired them are durable, so the same verdict is reached again).
   */
  withoutFsync<T>(fn: () => T): T {
    this.assertOpen();
    const relaxed = this.fullSynchronous && this.path !== ":memory:";
    if (relaxed) this.db.pragma("synchronous = NORMAL");
    try {
      return fn();
    } finally {
      if (relaxed && !this.closed) this.db.pragma("synchronous = FULL");
    }
  }

  /** Live (not terminated) sessions created from one client address. */
  liveSessionsOfClient(clientAddress: string): SessionRow[] {
    this.assertOpen();
    return this.stmt.liveOfClient.all(clientAddress) as SessionRow[];
  }

  /** Number of live (not terminated) sessions. */
  countLive(): number {
    this.assertOpen();
    return (this.stmt.countLive.get() as { n: number }).n;
  }

  /**
   * Deletes up to `limit` sessions terminated at or before `beforeMs`, with their audit rows, in
   * one transaction (GOVERNANCE guarantee 4: tombstones are purged after the retention
   * period). Returns how many sessions went.
   */
  purgeTerminatedBefore(beforeMs: number, limit: number): number {
    return this.immediate(() => {
      const ids = this.stmt.purgeable.all(beforeMs, limit) as Array<{ id: string }>;
      for (const { id } of ids) {
        this.stmt.deleteEventsOf.run(id);
        this.stmt.deleteSession.run(id);
      }
      return ids.length;
    });
  }

  /** Deletes up to `limit` audit rows at or before `beforeMs` of terminated sessions. Returns how many went. */
  purgeAuditBefore(beforeMs: number, limit: number): number {
    return this.immediate(() => this.stmt.purgeAudit.run(beforeMs, limit).changes);
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

  /** Up to `limit` (-1: all) live sessions whose hard or idle deadline is at or before `nowMs`, oldest first. */
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

  private assertWritable(): void {
    const problem = this.watch?.problem(true);
    if (problem !== undefined) throw new StoreUnavailableError(problem.problem, problem.detail);
  }

  private noteFailure(error: unknown): unknown {
    const typed = toStoreError(error);
    if (typed instanceof StoreFailureError && typed.sqliteCode.startsWith("SQLITE_FULL")) this.watch?.noteFull(true);
    return typed;
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
        idle_timeout_ms, hard_deadline_at, max_deadline_at, max_concurrent_ops, concurrency_policy, client_address)
      VALUES (@id, @ownerId, @tokenHash, @createdAtMs, @lastActivityAtMs, @lastActivityKind,
        @idleTimeoutMs, @hardDeadlineAtMs, @maxDeadlineAtMs, @maxConcurrentOps, @concurrencyPolicy, @clientAddress)`,
    liveOfClient: `SELECT ${SESSION_COLUMNS} FROM sessions WHERE client_address = ? AND terminated_at IS NULL`,
    countLive: `SELECT count(*) AS n FROM sessions WHERE terminated_at IS NULL`,
    purgeable: `SELECT id FROM sessions WHERE terminated_at IS NOT NULL AND terminated_at <= ? ORDER BY terminated_at LIMIT ?`,
    deleteEventsOf: `DELETE FROM session_events WHERE session_id = ?`,
    deleteSession: `DELETE FROM sessions WHERE id = ? AND terminated_at IS NOT NULL`,
    purgeAudit: `DELETE FROM session_events WHERE seq IN (
        SELECT e.seq FROM session_events e JOIN sessions s ON s.id = e.session_id
        WHERE e.at <= ? AND s.terminated_at IS NOT NULL ORDER BY e.at LIMIT ?)`,
    terminate: `UPDATE sessions SET terminated_at = ?, termination_reason = ?, termination_actor = ?
      WHERE id = ? AND terminated_at IS NULL`,
    activity: `UPDATE sessions SET last_activity_at = max(last_activity_at, ?), last_activity_kind = ?
      WHERE id = ? AND terminated_at IS NULL`,
    deadline: `UPDATE sessions SET hard_deadline_at = ?
      WHERE id = ? AND hard_deadline_at = ? AND terminated_at IS NULL`,
    event: `INSERT INTO session_events (session_id, at, kind, actor, data) VALUES (?, ?, ?, ?, ?)`,
    // Each side reads at most @limit rows off its partial index, so a batch costs the same
    // with 10 or 100 000 expired sessions (no full sort of every expired row).
    expired: `SELECT * FROM (SELECT ${SESSION_COLUMNS} FROM sessions WHERE terminated_at IS NULL AND hard_deadline_at <= @now LIMIT @limit)
      UNION SELECT * FROM (SELECT ${SESSION_COLUMNS} FROM sessions WHERE terminated_at IS NULL AND last_activity_at + idle_timeout_ms <= @now LIMIT @limit)
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
  | "countEvents"
  | "liveOfClient"
  | "countLive"
  | "purgeable"
  | "deleteEventsOf"
  | "deleteSession"
  | "purgeAudit";

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
