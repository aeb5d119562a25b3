import type { Programme } from "./guide-layout.js";

/** A channel state as the server reports it. */
export type ChannelState = "idle" | "starting" | "live" | "switching" | "stopping" | "failed";

/** A row of `GET /guide.json`. */
export interface GuideChannel {
  readonly number: number;
  readonly name: string;
  readonly group?: string;
  readonly logo?: string;
  readonly state: ChannelState;
  readonly viewers: number;
  readonly hlsViewers: number;
  readonly hlsUrl: string;
  readonly programmes: readonly Programme[];
}

/** `GET /guide.json`. */
export interface Guide {
  readonly nowMs: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly channels: readonly GuideChannel[];
}

/** A row of `GET /admin/channels`. */
export interface AdminChannel {
  readonly number: number;
  readonly name: string;
  readonly state: ChannelState;
  readonly phase: string | null;
  readonly boundaryState: string | null;
  readonly viewers: number;
  readonly teardownPending: boolean;
  readonly teardownDeadline: string | null;
  readonly teardownReason: string | null;
  readonly fatalReason: string | null;
  readonly restartAttempts: number;
  readonly nextRestartAt: string | null;
  readonly liveAt: string | null;
}

/** A session row of `GET /admin/sessions`. */
export interface AdminSession {
  readonly id: string;
  readonly ownerId: string;
  readonly state: string;
  readonly createdAt: string;
  readonly lastActivityAt: string;
  readonly hardDeadlineAt: string;
  readonly openStreams: ReadonlyArray<{ readonly operation: string; readonly since: string }>;
  readonly termination: { readonly reason: string; readonly terminatedAt: string; readonly actor: string } | null;
}

/** An audit row of `GET /admin/events`. */
export interface AuditEvent {
  readonly seq: number;
  readonly sessionId: string;
  readonly at: string;
  readonly [key: string]: unknown;
}

/** A failed API call: the HTTP status and the problem's title/detail. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: { Accept: "application/json", ...(init.headers ?? {}) } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const problem = (await res.json()) as { title?: string; detail?: string };
      message = [problem.title, problem.detail].filter(Boolean).join(": ") || message;
    } catch {
      // Not a problem body: keep the status line.
    }
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}

/** The time grid: programmes within [now − past, now + minutes). */
export const fetchGuide = (minutes: number, past = 2): Promise<Guide> => call<Guide>(`/guide.json?minutes=${minutes}&past=${past}`);

/** Operator calls, each with the admin bearer token. */
export function adminApi(token: string) {
  const auth = { Authorization: `Bearer ${token}` };
  return {
    channels: () => call<{ readonly at: string; readonly viewers: number; readonly channels: readonly AdminChannel[] }>("/admin/channels", { headers: auth }),
    stop: (channel: number) => call<{ readonly stopped: boolean; readonly durationMs: number }>(`/admin/channels/${channel}/stop`, { method: "POST", headers: auth }),
    sessions: (filter: { state: string; owner: string; reason: string }) => {
      const q = new URLSearchParams({ state: filter.state, limit: "50" });
      if (filter.owner !== "") q.set("owner", filter.owner);
      if (filter.reason !== "") q.set("reason", filter.reason);
      return call<{ readonly sessions: readonly AdminSession[] }>(`/admin/sessions?${q}`, { headers: auth });
    },
    terminate: (id: string) => call<{ readonly won: boolean; readonly reason: string }>(`/admin/sessions/${encodeURIComponent(id)}/terminate`, { method: "POST", headers: auth }),
    events: (afterSeq: number) => call<{ readonly events: readonly AuditEvent[]; readonly nextAfterSeq: number }>(`/admin/events?afterSeq=${afterSeq}&limit=100`, { headers: auth }),
  };
}
