import type { ProgramDirector, ScheduleSource } from "@retrovue/core-runtime";
import type { OperationHandle } from "@retrovue/session-governance";
import { HttpProblem } from "../http/http-problem.js";
import { handled, type Reply } from "../http/reply.js";
import type { RequestContext } from "../http/route.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { countingSink } from "./counting-sink.js";

/**
 * Response headers of every stream: MPEG-TS, never cached, no length (it never ends by
 * itself, so it is chunked), and `Connection: close` — a stream's connection is never
 * worth keeping alive, and a shutdown should not wait for it to go idle.
 */
export const STREAM_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  Connection: "close",
  "Content-Type": "video/mp2t",
  "Cache-Control": "no-cache, no-store, must-revalidate",
  Pragma: "no-cache",
  Expires: "0",
  "X-Content-Type-Options": "nosniff",
});

/** What a stream response needs. */
export interface StreamDeps {
  readonly director: () => ProgramDirector;
  readonly schedule: ScheduleSource;
  readonly metrics: ServerMetrics;
}

/**
 * Parses a `{n}` path segment: a channel of the lineup, or a 404 problem.
 * @throws HttpProblem not-found.
 */
export function channelNumberOf(text: string, schedule: ScheduleSource): number {
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!schedule.channelNumbers().includes(n)) {
    throw new HttpProblem("not-found", { detail: `No channel ${JSON.stringify(text)} in the lineup`, extensions: { reason: "unknown_channel" } });
  }
  return n;
}

/**
 * Streams channel `channel` to the request's response: tunes in with the response as the
 * viewer's sink, and only once `tuneIn` resolves sends `200 video/mp2t` (so a failure is
 * still a clean 503/404 problem). The viewer leaves the director when the client goes
 * away, when the server starts shutting down, or — for a governed stream — when the
 * session's handle aborts (terminated, max lifetime, governance closed); the response
 * then ends. `governed` is released on every path. HEAD answers the headers without
 * tuning in.
 * @throws what `tuneIn` rejects with (mapped by the error table), after releasing `governed`.
 */
export async function serveChannelStream(ctx: RequestContext, deps: StreamDeps, channel: number, governed?: OperationHandle): Promise<Reply> {
  const { res } = ctx;
  let streaming = false;
  try {
    if (ctx.method === "HEAD") {
      res.writeHead(200, STREAM_HEADERS);
      res.end();
      return handled();
    }
    const director = deps.director();
    const bytesOut = deps.metrics.streamBytesOut.labels(String(channel));
    const sink = countingSink(res, (n) => bytesOut.inc(n));
    const label = governed === undefined ? `sessionless ${ctx.req.socket.remoteAddress ?? "?"}` : `session ${governed.sessionId}`;
    let viewerId: string;
    try {
      ({ viewerId } = await director.tuneIn(channel, { sink, label }));
    } catch (error) {
      // The client left while the channel started: nobody to answer.
      if (ctx.signal.aborted || res.destroyed) return handled();
      throw error;
    }
    if (res.destroyed || res.writableEnded || ctx.signal.aborted || governed?.signal.aborted) {
      director.leave(viewerId);
      return handled();
    }
    res.writeHead(200, STREAM_HEADERS);
    res.flushHeaders();
    streaming = true;

    // Ending: leave() ends the response after its queued bytes; 'close' then cleans up.
    const end = (): void => {
      director.leave(viewerId);
    };
    ctx.closing.addEventListener("abort", end, { once: true });
    governed?.signal.addEventListener("abort", end, { once: true });
    res.once("close", () => {
      ctx.closing.removeEventListener("abort", end);
      governed?.signal.removeEventListener("abort", end);
      director.leave(viewerId);
      governed?.release();
    });
    if (ctx.closing.aborted) end();
    return handled();
  } finally {
    if (!streaming) governed?.release();
  }
}
