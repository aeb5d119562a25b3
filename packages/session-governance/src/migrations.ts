import type BetterSqlite3 from "better-sqlite3";
import { StoreVersionError } from "./errors.js";
import { TERMINATION_REASONS } from "./termination-reason.js";

/** One schema step: applied once, in order, inside the migration transaction. */
export interface Migration {
  /** The `PRAGMA user_version` the file has after this step (1, 2, ...). */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

const reasonList = TERMINATION_REASONS.map((r) => `'${r}'`).join(", ");

/**
 * The schema history. Never edit a released step: append a new one, so a newer release
 * opens (and upgrades) any older file. All instants are INTEGER UTC epoch ms.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "sessions and the append-only session_events audit",
    sql: `
      CREATE TABLE sessions (
        id                  TEXT    PRIMARY KEY NOT NULL CHECK (length(id) = 32),
        owner_id            TEXT    NOT NULL,
        token_hash          TEXT    NOT NULL,
        created_at          INTEGER NOT NULL,
        last_activity_at    INTEGER NOT NULL,
        last_activity_kind  TEXT    NOT NULL,
        idle_timeout_ms     INTEGER NOT NULL CHECK (idle_timeout_ms > 0),
        hard_deadline_at    INTEGER NOT NULL,
        max_deadline_at     INTEGER NOT NULL CHECK (max_deadline_at >= hard_deadline_at),
        max_concurrent_ops  INTEGER NOT NULL CHECK (max_concurrent_ops > 0),
        concurrency_policy  TEXT    NOT NULL CHECK (concurrency_policy IN ('terminate', 'reject')),
        terminated_at       INTEGER,
        termination_reason  TEXT    CHECK (termination_reason IN (${reasonList})),
        termination_actor   TEXT,
        CHECK ((terminated_at IS NULL) = (termination_reason IS NULL)),
        CHECK ((terminated_at IS NULL) = (termination_actor IS NULL))
      ) STRICT;

      CREATE TABLE session_events (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id  TEXT    NOT NULL REFERENCES sessions (id),
        at          INTEGER NOT NULL,
        kind        TEXT    NOT NULL CHECK (kind IN ('created', 'extended', 'terminated')),
        actor       TEXT    NOT NULL,
        data        TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX session_events_by_session ON session_events (session_id, seq);

      -- Guarantee 3 in the schema too: once set, termination columns never change.
      CREATE TRIGGER sessions_termination_irreversible
        BEFORE UPDATE OF terminated_at, termination_reason, termination_actor ON sessions
        WHEN OLD.terminated_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'session termination is irreversible'); END;

      -- Guarantee 10: the audit is append-only.
      CREATE TRIGGER session_events_no_update BEFORE UPDATE ON session_events
        BEGIN SELECT RAISE(ABORT, 'session_events is append-only'); END;
      CREATE TRIGGER session_events_no_delete BEFORE DELETE ON session_events
        BEGIN SELECT RAISE(ABORT, 'session_events is append-only'); END;
    `,
  },
  {
    version: 2,
    description: "indexes for listing by owner/time and for sweeping live sessions by deadline",
    sql: `
      CREATE INDEX sessions_by_created ON sessions (created_at DESC, id DESC);
      CREATE INDEX sessions_by_owner ON sessions (owner_id, created_at DESC, id DESC);
      CREATE INDEX sessions_live_by_hard_deadline ON sessions (hard_deadline_at) WHERE terminated_at IS NULL;
      CREATE INDEX sessions_live_by_idle_deadline ON sessions (last_activity_at + idle_timeout_ms) WHERE terminated_at IS NULL;
    `,
  },
  {
    version: 3,
    description: "client address per session (admission control), and retention: terminated sessions and their audit may be purged",
    sql: `
      ALTER TABLE sessions ADD COLUMN client_address TEXT;
      CREATE INDEX sessions_live_by_client ON sessions (client_address) WHERE terminated_at IS NULL;
      CREATE INDEX sessions_terminated_by_time ON sessions (terminated_at) WHERE terminated_at IS NOT NULL;
      CREATE INDEX session_events_by_time ON session_events (at);

      -- Guarantee 4: tombstones are purged after the retention period, never before the
      -- session ended: the audit of a live session stays append-only.
      DROP TRIGGER session_events_no_delete;
      CREATE TRIGGER session_events_delete_only_when_terminated BEFORE DELETE ON session_events
        WHEN (SELECT terminated_at FROM sessions WHERE id = OLD.session_id) IS NULL
        BEGIN SELECT RAISE(ABORT, 'session_events of a live session are append-only'); END;
      CREATE TRIGGER sessions_delete_only_when_terminated BEFORE DELETE ON sessions
        WHEN OLD.terminated_at IS NULL
        BEGIN SELECT RAISE(ABORT, 'a live session cannot be deleted'); END;
    `,
  },
];

/** The schema version this release writes. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings `db` up to the last step of `migrations` in one IMMEDIATE transaction (so two
 * processes opening one file at once cannot both apply a step). Returns the version now
 * in the file. @throws StoreVersionError, before writing anything, when the file is newer.
 */
export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const readVersion = (): number => db.pragma("user_version", { simple: true }) as number;
  if (readVersion() > latest) throw new StoreVersionError(readVersion(), latest);
  return db
    .transaction(() => {
      const current = readVersion();
      if (current > latest) throw new StoreVersionError(current, latest);
      for (const step of migrations) {
        if (step.version <= current) continue;
        db.exec(step.sql);
        db.pragma(`user_version = ${step.version}`);
      }
      return readVersion();
    })
    .immediate();
}
