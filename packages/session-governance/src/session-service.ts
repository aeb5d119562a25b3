import type { Clock } from "./clock.js";
import type { GateRefusal, GoneDecision, OperationHandle } from "./decisions.js";
import { InvalidArgumentError } from "./errors.js";
import { generateSessionId, parseActor, parseOwnerId, parseSessionId } from "./identifiers.js";
import { decodeListCursor, encodeListCursor } from "./list-cursor.js";
import { resolveSessionLimits, type GovernancePolicy } from "./policy.js";
import type { SessionEventPage } from "./session-event.js";
import type { SessionGovernor } from "./session-governor.js";
import type { SessionRow } from "./session-row.js";
import type { SessionListFilter, SessionStore } from "./session-store.js";
import { generateSessionToken, hashSessionToken, tokenMatches } from "./session-token.js";
import { parseTerminationReason, type TerminationReason } from "./termination-reason.js";
import { toSessionView, type SessionView } from "./session-view.js";

/** Input of {@link SessionService.create}. */
export interface CreateSessionInput {
  /** Who the session belongs to (`[A-Za-z0-9._:@-]{1,128}`). */
  readonly ownerId: string;
  /** Per-session override of the policy defaults, clamped to the ceilings. */
  readonly limits?: { idleTimeoutMs?: number; maxLifetimeMs?: number; maxConcurrentOps?: number; concurrencyPolicy?: "terminate" | "reject" };
  /** Recorded in the `created` audit row. Default `owner:<ownerId>`. */
  readonly actor?: string;
  /**
   * Where the request came from, as the host established it (a socket address, never a
   * name the client chose): at most `maxSessionsPerClient` live sessions per address,
   * whatever owners they claim. 1–128 printable characters.
   */
  readonly clientAddress?: string;
}

/** Answer of `create`. The token is shown once here and never again (only its hash is stored). */
export type CreateSessionResult =
  | { readonly kind: "created"; readonly session: SessionView; readonly token: string }
  | { readonly kind: "owner_limit"; readonly ownerId: string; readonly limit: number; readonly active: number }
  | { readonly kind: "client_limit"; readonly clientAddress: string; readonly limit: number; readonly active: number }
  /** The store holds `maxLiveSessions` live sessions already. */
  | { readonly kind: "capacity"; readonly limit: number; readonly active: number };

/** Answer of `heartbeat`. */
export type HeartbeatResult = { readonly kind: "ok"; readonly session: SessionView } | GateRefusal;

/** Answer of `extend`. `limit_reached`: already at `maxDeadlineAtMs` (nothing written). */
export type ExtendResult =
  | {
      readonly kind: "extended";
      readonly previousDeadlineAtMs: number;
      readonly hardDeadlineAtMs: number;
      /** What was granted, ms: the request clamped to `maxExtensionMs` and `maxDeadlineAtMs`. */
      readonly grantedMs: number;
      readonly maxDeadlineAtMs: number;
    }
  | { readonly kind: "limit_reached"; readonly hardDeadlineAtMs: number; readonly maxDeadlineAtMs: number }
  | GateRefusal;

/** Filters of `list`; all optional, combined with AND. `state` defaults to all. */
export interface ListSessionsFilter {
  readonly ownerId?: string;
  readonly state?: "live" | "terminated" | "all";
  readonly reason?: TerminationReason;
}

/** Paging of `list`. `limit` 1–500, default 50; `cursor` from the previous page. */
export interface ListSessionsPage {
  readonly limit?: number;
  readonly cursor?: string;
}

/** One page of `list`, newest first. `nextCursor` is null on the last page. */
export interface SessionPage {
  readonly sessions: readonly SessionView[];
  readonly nextCursor: string | null;
}

/** Paging of `events`/`feed`: events with `seq > afterSeq` (default 0), `limit` 1–1000 (default 100). */
export interface EventPageRequest {
  readonly afterSeq?: number;
  readonly limit?: number;
}

/** Answer of `verifyToken`: unknown sessions are told apart so the host can answer 404. */
export type TokenCheck = "valid" | "invalid" | "not_found";

/**
 * The session API the host (core-server) calls. Every input is validated first; garbage
 * throws a typed error and writes nothing. Business outcomes are values.
 */
export class SessionService {
  constructor(
    private readonly store: SessionStore,
    private readonly governor: SessionGovernor,
    private readonly policy: GovernancePolicy,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a session with the policy defaults (or a clamped override), a fresh 128-bit id
   * and a bearer token. Refuses (`owner_limit`) when the owner already holds
   * `maxSessionsPerOwner` live sessions; sessions whose limits ran out are terminated first.
   * The row and its `created` audit row are one transaction.
   * @throws InvalidOwnerIdError, InvalidPolicyError, InvalidActorError.
   */
  create(input: CreateSessionInput): CreateSessionResult {
    if (typeof input !== "object" || input === null) throw new InvalidArgumentError("input", "must be an object");
    const ownerId = parseOwnerId(input.ownerId);
    const limits = resolveSessionLimits(this.policy, input.limits);
    const actor = parseActor(input.actor ?? `owner:${ownerId}`);
    const clientAddress = parseClientAddress(input.clientAddress);
    const now = Math.floor(this.clock.now());
    // Request-driven: an owner's (and the address's) expired sessions are enforced before they are counted.
    for (const row of this.store.liveSessionsOf(ownerId)) this.governor.enforceExpiry(row, now);
    if (clientAddress !== null) for (const row of this.store.liveSessionsOfClient(clientAddress)) this.governor.enforceExpiry(row, now);
    // At the global cap, end a small batch of expired sessions nobody touched before refusing.
    if (this.store.countLive() >= this.policy.maxLiveSessions) this.governor.sweep(now, { maxSessions: 100 });
    const token = generateSessionToken();
    const row: SessionRow = {
      id: generateSessionId(),
      ownerId,
      tokenHash: hashSessionToken(token),
      createdAtMs: now,
      lastActivityAtMs: now,
      lastActivityKind: "create",
      idleTimeoutMs: limits.idleTimeoutMs,
      hardDeadlineAtMs: now + limits.maxLifetimeMs,
      maxDeadlineAtMs: now + this.policy.maxTotalLifetimeMs,
      maxConcurrentOps: limits.maxConcurrentOps,
      concurrencyPolicy: limits.concurrencyPolicy,
      terminatedAtMs: null,
      terminationReason: null,
      terminationActor: null,
      clientAddress,
    };
    const refusal = this.store.immediate((): CreateSessionResult | undefined => {
      const live = this.store.liveSessionsOf(ownerId).length;
      if (live >= this.policy.maxSessionsPerOwner) return { kind: "owner_limit", ownerId, limit: this.policy.maxSessionsPerOwner, active: live };
      if (clientAddress !== null) {
        const fromClient = this.store.liveSessionsOfClient(clientAddress).length;
        if (fromClient >= this.policy.maxSessionsPerClient) {
          return { kind: "client_limit", clientAddress, limit: this.policy.maxSessionsPerClient, active: fromClient };
        }
      }
      const total = this.store.countLive();
      if (total >= this.policy.maxLiveSessions) return { kind: "capacity", limit: this.policy.maxLiveSessions, active: total };
      this.store.insertSession(row);
      this.store.appendEvent(row.id, now, "created", actor, {
        ownerId,
        limits,
        hardDeadlineAtMs: row.hardDeadlineAtMs,
        maxDeadlineAtMs: row.maxDeadlineAtMs,
      });
      return undefined;
    });
    if (refusal !== undefined) return refusal;
    return { kind: "created", session: toSessionView(row, []), token };
  }

  /** The session's state, deadlines and running operations; `undefined` for an unknown id. Read-only. @throws InvalidSessionIdError. */
  get(sessionId: unknown): SessionView | undefined {
    const id = parseSessionId(sessionId);
    const row = this.store.getSession(id);
    return row === undefined ? undefined : this.view(row);
  }

  /**
   * The session as of `handle`'s admission (its row as the gate read it, with the activity
   * just recorded and the running operations): what `get` would answer now, without a
   * second read. For hosts answering a status or heartbeat right after `admit`.
   * @throws InvalidArgumentError for a handle this service's governor did not issue.
   */
  viewOf(handle: OperationHandle): SessionView {
    const row = this.governor.admittedRowOf(handle);
    if (row === undefined) throw new InvalidArgumentError("handle", "carries no admitted session");
    return this.view(row);
  }

  /** Operation `heartbeat` through the gate: records activity, or answers gone / not found. @throws InvalidSessionIdError. */
  heartbeat(sessionId: unknown): HeartbeatResult {
    const decision = this.governor.admit(sessionId, "heartbeat");
    if (decision.kind !== "admitted") return decision;
    decision.handle.release();
    return { kind: "ok", session: this.viewOf(decision.handle) };
  }

  /**
   * Operation `extend` through the gate, then moves the hard deadline by `byMs` clamped to
   * `maxExtensionMs` and to the session's `maxDeadlineAtMs`, with an `extended` audit row in
   * the same transaction. @throws InvalidSessionIdError, InvalidArgumentError (byMs not an
   * integer >= 1), InvalidActorError.
   */
  extend(sessionId: unknown, byMs: unknown, actor: unknown): ExtendResult {
    const id = parseSessionId(sessionId);
    if (typeof byMs !== "number" || !Number.isSafeInteger(byMs) || byMs < 1) {
      throw new InvalidArgumentError("byMs", "must be an integer >= 1 (ms)");
    }
    const who = parseActor(actor);
    const decision = this.governor.admit(id, "extend");
    if (decision.kind !== "admitted") return decision;
    decision.handle.release();
    const now = decision.handle.admittedAtMs;
    return this.store.immediate((): ExtendResult => {
      const row = this.store.getSession(id);
      if (row === undefined) return { kind: "not_found", sessionId: id };
      if (row.terminatedAtMs !== null) return goneOf(row);
      const grantedMs = Math.min(byMs, this.policy.maxExtensionMs, row.maxDeadlineAtMs - row.hardDeadlineAtMs);
      if (grantedMs <= 0) {
        return { kind: "limit_reached", hardDeadlineAtMs: row.hardDeadlineAtMs, maxDeadlineAtMs: row.maxDeadlineAtMs };
      }
      const to = row.hardDeadlineAtMs + grantedMs;
      this.store.moveHardDeadline(id, row.hardDeadlineAtMs, to);
      this.store.appendEvent(id, now, "extended", who, { previousDeadlineAtMs: row.hardDeadlineAtMs, hardDeadlineAtMs: to, requestedMs: byMs });
      return { kind: "extended", previousDeadlineAtMs: row.hardDeadlineAtMs, hardDeadlineAtMs: to, grantedMs, maxDeadlineAtMs: row.maxDeadlineAtMs };
    });
  }

  /** Sessions matching `filter`, newest first, keyset-paged. @throws InvalidOwnerIdError, InvalidReasonError, InvalidArgumentError. */
  list(filter: ListSessionsFilter = {}, page: ListSessionsPage = {}): SessionPage {
    const storeFilter: SessionListFilter = {
      ...(filter.ownerId !== undefined ? { ownerId: parseOwnerId(filter.ownerId) } : {}),
      ...(filter.reason !== undefined ? { reason: parseTerminationReason(filter.reason) } : {}),
      ...(filter.state === "live" || filter.state === "terminated" ? { state: filter.state } : {}),
    };
    if (filter.state !== undefined && filter.state !== "all" && storeFilter.state === undefined) {
      throw new InvalidArgumentError("state", 'must be "live", "terminated" or "all"');
    }
    const limit = intArg(page.limit, "limit", 50, 1, 500);
    const after = page.cursor === undefined ? undefined : decodeListCursor(page.cursor);
    const rows = this.store.listSessions(storeFilter, after, limit);
    const last = rows[rows.length - 1];
    return {
      sessions: rows.map((row) => this.view(row)),
      nextCursor: rows.length === limit && last !== undefined ? encodeListCursor(last) : null,
    };
  }

  /** Audit rows of one session, oldest first (empty for an unknown id). @throws InvalidSessionIdError, InvalidArgumentError. */
  events(sessionId: unknown, page: EventPageRequest = {}): SessionEventPage {
    const id = parseSessionId(sessionId);
    return this.store.events(id, intArg(page.afterSeq, "afterSeq", 0, 0, Number.MAX_SAFE_INTEGER), intArg(page.limit, "limit", 100, 1, 1000));
  }

  /** The global audit feed, oldest first, from cursor `afterSeq`. @throws InvalidArgumentError. */
  feed(page: EventPageRequest = {}): SessionEventPage {
    return this.store.events(undefined, intArg(page.afterSeq, "afterSeq", 0, 0, Number.MAX_SAFE_INTEGER), intArg(page.limit, "limit", 100, 1, 1000));
  }

  /** The row as a view, with activity the governor holds but has not written yet. */
  private view(row: SessionRow): SessionView {
    const pending = this.governor.pendingActivityOf(row.id);
    const merged = pending === undefined || pending.atMs < row.lastActivityAtMs || row.terminatedAtMs !== null
      ? row
      : { ...row, lastActivityAtMs: pending.atMs, lastActivityKind: pending.kind };
    return toSessionView(merged, this.governor.runningOperations(row.id));
  }

  /**
   * Checks a bearer token in constant time against the stored SHA-256. Terminated sessions
   * still verify (so the host can answer 410, not 401). @throws InvalidSessionIdError.
   */
  verifyToken(sessionId: unknown, token: unknown): TokenCheck {
    const id = parseSessionId(sessionId);
    const row = this.store.getSession(id);
    const ok = tokenMatches(token, row?.tokenHash);
    if (row === undefined) return "not_found";
    return ok ? "valid" : "invalid";
  }
}

function goneOf(row: SessionRow): GoneDecision {
  return {
    kind: "gone",
    sessionId: row.id,
    reason: row.terminationReason as TerminationReason,
    terminatedAtMs: row.terminatedAtMs as number,
    actor: row.terminationActor as string,
  };
}

function parseClientAddress(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string" || !/^[\x21-\x7e]{1,128}$/.test(value)) {
    throw new InvalidArgumentError("clientAddress", "must be 1-128 printable characters without spaces");
  }
  return value;
}

function intArg(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(name, `must be an integer in [${min}, ${max}]`);
  }
  return value;
}
