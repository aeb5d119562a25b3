import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { ManualClock } from "@retrovue/clock";
import { openSessionGovernance, type SessionGovernance, type SessionGovernanceOptions } from "../src/session-governance.js";
import type { SessionView } from "../src/session-view.js";
import type { GovernancePolicyOptions } from "../src/policy.js";

/** A fixed, non-round start instant (2024-03-10T09:59:59.123Z, the US DST switch day). */
export const T0 = Date.UTC(2024, 2, 10, 9, 59, 59, 123);

/**
 * Per-test fixture: a fresh temp dir with a real SQLite file, a manual clock, and every
 * governance opened through `open` closed (and the dir removed) after the test.
 */
export function useFixture() {
  const state: { dir: string; opened: SessionGovernance[]; raw: Database.Database[] } = { dir: "", opened: [], raw: [] };
  afterEach(() => {
    for (const gov of state.opened) gov.close();
    for (const db of state.raw) db.close();
    state.opened = [];
    state.raw = [];
    if (state.dir !== "") rmSync(state.dir, { recursive: true, force: true });
    state.dir = "";
  });
  const dir = (): string => {
    if (state.dir === "") state.dir = mkdtempSync(join(tmpdir(), "rv-session-gov-"));
    return state.dir;
  };
  return {
    /** Path of the test's database file. */
    dbPath: (name = "sessions.db"): string => join(dir(), name),
    dir,
    /** Opens governance on the test's file (same file on every call unless `path` is given). */
    open(clock: ManualClock, extra: Partial<SessionGovernanceOptions> & { policy?: GovernancePolicyOptions } = {}): SessionGovernance {
      const gov = openSessionGovernance({ path: join(dir(), "sessions.db"), clock, synchronous: "normal", ...extra });
      state.opened.push(gov);
      return gov;
    },
    /** A raw read connection on the test's file, for asserting what is really stored. */
    raw(path = join(dir(), "sessions.db")): Database.Database {
      const db = new Database(path, { readonly: true });
      state.raw.push(db);
      return db;
    },
  };
}

/** Creates a session and returns its view and token; fails the test on `owner_limit`. */
export function createSession(
  gov: SessionGovernance,
  ownerId = "device:tv-1",
  limits?: Parameters<SessionGovernance["sessions"]["create"]>[0]["limits"],
): { session: SessionView; token: string; id: string } {
  const result = gov.sessions.create(limits === undefined ? { ownerId } : { ownerId, limits });
  if (result.kind !== "created") throw new Error(`create refused: ${JSON.stringify(result)}`);
  return { session: result.session, token: result.token, id: result.session.id };
}

/** Row and event counts straight from the file. */
export function counts(db: Database.Database): { sessions: number; events: number; terminated: number } {
  const one = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
  return {
    sessions: one("SELECT count(*) AS n FROM sessions"),
    events: one("SELECT count(*) AS n FROM session_events"),
    terminated: one("SELECT count(*) AS n FROM sessions WHERE terminated_at IS NOT NULL"),
  };
}

/** A small policy that makes boundaries easy to reason about (all in ms). */
export const SMALL_POLICY: GovernancePolicyOptions = {
  defaults: { idleTimeoutMs: 10_000, maxLifetimeMs: 60_000, maxConcurrentOps: 2, concurrencyPolicy: "terminate" },
  maxExtensionMs: 30_000,
  maxTotalLifetimeMs: 120_000,
  ceilings: { idleTimeoutMs: 20_000, maxLifetimeMs: 90_000, maxConcurrentOps: 4 },
  maxSessionsPerOwner: 3,
  rejectRetryAfterMs: 2_000,
};

export { ManualClock };
