import { setTimeout as sleep } from "node:timers/promises";
import { callApi, type JsonObject } from "../api-client.js";
import { CliError, EXIT } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import type { Connection } from "../connection.js";
import { renderTable } from "../table.js";

/** How a command prints: a table for people, or JSON for scripts (`--json`). */
export interface OutputMode {
  readonly json: boolean;
}

const list = (body: JsonObject, key: string): JsonObject[] => (Array.isArray(body[key]) ? (body[key] as JsonObject[]) : []);

function print(io: CliIo, mode: OutputMode, body: JsonObject, table: () => string): void {
  io.out(mode.json ? `${JSON.stringify(body, null, 2)}\n` : table());
}

/** `retrovue channels`: every channel's state, boundary state, viewers and teardown. */
export async function channelsCommand(connection: Connection, io: CliIo, mode: OutputMode): Promise<void> {
  const body = await callApi(connection, "GET", "/admin/channels");
  print(io, mode, body, () =>
    renderTable(
      ["number", "name", "state", "boundary", "viewers", "teardown", "restarts", "fatal"],
      list(body, "channels").map((c) => [
        c["number"], c["name"], c["state"], c["boundaryState"], c["viewers"],
        c["teardownPending"] === true ? `pending until ${String(c["teardownDeadline"])}` : "-",
        c["restartAttempts"], c["fatalReason"],
      ]),
    ),
  );
}

function channelNumber(text: string): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw new CliError(`channel must be a positive integer, got ${JSON.stringify(text)}`, EXIT.usage);
  return Number(text);
}

/** `retrovue channel stop N`: operator stop through the teardown gate. */
export async function channelStopCommand(connection: Connection, io: CliIo, mode: OutputMode, n: string): Promise<void> {
  const body = await callApi(connection, "POST", `/admin/channels/${channelNumber(n)}/stop`, 180_000);
  print(io, mode, body, () =>
    body["stopped"] === true ? `channel ${String(body["channel"])} stopped (${String(body["durationMs"])} ms)\n` : `channel ${String(body["channel"])} was not playing\n`,
  );
}

/** Filters of `retrovue sessions`. */
export interface SessionsFilter {
  readonly state?: string;
  readonly owner?: string;
  readonly reason?: string;
  readonly limit?: string;
}

/** `retrovue sessions`: viewer sessions, newest first (one page; `--limit`). */
export async function sessionsCommand(connection: Connection, io: CliIo, mode: OutputMode, filter: SessionsFilter): Promise<void> {
  const query = new URLSearchParams();
  if (filter.state !== undefined) query.set("state", filter.state);
  if (filter.owner !== undefined) query.set("owner", filter.owner);
  if (filter.reason !== undefined) query.set("reason", filter.reason);
  if (filter.limit !== undefined) query.set("limit", filter.limit);
  const qs = query.toString();
  const body = await callApi(connection, "GET", `/admin/sessions${qs === "" ? "" : `?${qs}`}`);
  print(io, mode, body, () =>
    renderTable(
      ["id", "owner", "state", "created", "streams", "terminated"],
      list(body, "sessions").map((s) => {
        const termination = s["termination"] as { reason?: string; terminatedAt?: string } | null;
        return [
          s["id"], s["ownerId"], s["state"], s["createdAt"],
          Array.isArray(s["openStreams"]) ? s["openStreams"].length : 0,
          termination === null || termination === undefined ? "-" : `${termination.reason ?? "?"} at ${termination.terminatedAt ?? "?"}`,
        ];
      }),
    ),
  );
}

/** `retrovue session terminate ID`: admin_terminated (idempotent: the first reason stands). */
export async function sessionTerminateCommand(connection: Connection, io: CliIo, mode: OutputMode, id: string): Promise<void> {
  const body = await callApi(connection, "POST", `/admin/sessions/${encodeURIComponent(id)}/terminate`);
  print(io, mode, body, () =>
    body["won"] === true
      ? `session ${String(body["sessionId"])} terminated (${String(body["reason"])})\n`
      : `session ${String(body["sessionId"])} was already terminated (${String(body["reason"])} at ${String(body["terminatedAt"])})\n`,
  );
}

function eventLine(e: JsonObject): string {
  const { seq, at, sessionId, kind, actor } = e;
  const extra = kind === "terminated" ? ` reason=${String(e["reason"])}` : kind === "created" ? ` owner=${String(e["ownerId"])}` : kind === "extended" ? ` requestedMs=${String(e["requestedMs"])}` : "";
  return `${String(seq).padStart(6)}  ${String(at)}  ${String(kind).padEnd(10)}  ${String(sessionId)}  actor=${String(actor)}${extra}\n`;
}

/** Options of `retrovue events`. */
export interface EventsOptions {
  readonly follow: boolean;
  readonly afterSeq: number;
  readonly intervalMs: number;
}

/**
 * `retrovue events [--follow]`: the session audit feed, oldest first from `--after-seq`.
 * With `--follow` it polls every `--interval-ms` until Ctrl-C (exit 0). `--json` prints
 * one JSON object per line (NDJSON), so a follow stream can be piped.
 */
export async function eventsCommand(connection: Connection, io: CliIo, mode: OutputMode, options: EventsOptions): Promise<void> {
  let afterSeq = options.afterSeq;
  for (;;) {
    // Drain every page available now, then wait (or stop).
    for (;;) {
      const body = await callApi(connection, "GET", `/admin/events?afterSeq=${afterSeq}&limit=500`);
      const events = list(body, "events");
      for (const event of events) io.out(mode.json ? `${JSON.stringify(event)}\n` : eventLine(event));
      const next = typeof body["nextAfterSeq"] === "number" ? body["nextAfterSeq"] : afterSeq;
      if (events.length === 0 || next === afterSeq) break;
      afterSeq = next;
    }
    if (!options.follow || io.signal.aborted) return;
    try {
      await sleep(options.intervalMs, undefined, { signal: io.signal });
    } catch {
      return; // Ctrl-C while waiting: a quiet end.
    }
  }
}
