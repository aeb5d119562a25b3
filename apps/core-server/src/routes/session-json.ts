import type { SessionEvent, SessionView } from "@retrovue/session-governance";
import type { JsonValue } from "../http/http-problem.js";

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * A session as the API shows it: instants as ISO 8601 UTC strings (and epoch ms under
 * `…Ms`), limits, open streams and the termination, if any.
 */
export function sessionJson(view: SessionView): { readonly [key: string]: JsonValue } {
  return {
    id: view.id,
    ownerId: view.ownerId,
    state: view.state,
    createdAt: iso(view.createdAtMs),
    lastActivityAt: iso(view.lastActivityAtMs),
    lastActivityKind: view.lastActivityKind,
    idleTimeoutMs: view.idleTimeoutMs,
    idleDeadlineAt: view.idleDeadlineAtMs === null ? null : iso(view.idleDeadlineAtMs),
    hardDeadlineAt: iso(view.hardDeadlineAtMs),
    hardDeadlineAtMs: view.hardDeadlineAtMs,
    maxDeadlineAt: iso(view.maxDeadlineAtMs),
    maxStreams: view.maxConcurrentOps,
    concurrencyPolicy: view.concurrencyPolicy,
    openStreams: view.activeOperations.map((op) => ({ operation: op.operation, since: iso(op.admittedAtMs) })),
    termination:
      view.termination === null
        ? null
        : { reason: view.termination.reason, terminatedAt: iso(view.termination.terminatedAtMs), actor: view.termination.actor },
  };
}

/** An audit row as the API shows it (the event's own fields plus `at`, ISO 8601). */
export function sessionEventJson(event: SessionEvent): { readonly [key: string]: JsonValue } {
  return { ...(JSON.parse(JSON.stringify(event)) as Record<string, JsonValue>), at: iso(event.atMs) };
}
