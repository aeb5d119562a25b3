import { request, type ClientRequest } from "node:http";
import { performance } from "node:perf_hooks";
import { KeyframeProbe } from "./keyframe-probe.js";

/** A viewer's tune-in, timed from the moment its request went out. */
export interface TunedViewer {
  /** Request → first body byte, ms. */
  readonly firstByteMs: number;
  /** Request → the first complete video keyframe (see KeyframeProbe), ms. */
  readonly keyframeMs: number;
  readonly keyframeBy: string;
  /** Closes the connection (the server sees the viewer leave). */
  leave(): void;
}

/**
 * GETs `/channels/<n>/stream.ts` over its own connection and resolves once the first
 * complete keyframe arrived; the connection stays open (the viewer keeps watching, the
 * bytes are drained) until `leave`. Rejects on a non-200 answer, an early end, or after
 * `timeoutMs` (the connection is closed then).
 */
export function tuneIn(baseUrl: string, channel: number, timeoutMs: number, startedAt = performance.now()): Promise<TunedViewer> {
  return new Promise((resolve, reject) => {
    const probe = new KeyframeProbe();
    let req: ClientRequest | undefined;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no keyframe on channel ${channel} within ${timeoutMs} ms (${probe.bytes} bytes)`)), timeoutMs);
    req = request(`${baseUrl}/channels/${channel}/stream.ts`, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return fail(new Error(`channel ${channel}: HTTP ${res.statusCode}`));
      }
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        probe.push(chunk, performance.now());
        if (!probe.done) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          firstByteMs: (probe.firstByteAtMs ?? 0) - startedAt,
          keyframeMs: (probe.keyframeAtMs ?? 0) - startedAt,
          keyframeBy: probe.keyframeBy ?? "?",
          leave: () => req?.destroy(),
        });
      });
      res.on("end", () => fail(new Error(`channel ${channel}: the stream ended before a keyframe (${probe.bytes} bytes)`)));
      res.on("error", () => undefined);
    });
    req.on("error", (error) => fail(error));
    req.end();
  });
}
