import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { performance } from "node:perf_hooks";
import { probeTransportStream, type TsProbe } from "./ts-probe.js";

/** Options of {@link captureStream}. */
export interface CaptureStreamOptions {
  /** How long to read, ms, counted from the first byte. Default 5000. */
  readonly durationMs?: number;
  /**
   * How long to wait for the response and its first byte, ms: a cold channel answers only
   * once its first programme is live (~7 s, the preload lead). Default 30000.
   */
  readonly firstByteTimeoutMs?: number;
  /** Stop earlier once this many bytes arrived. Default 64 MiB. */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
}

/** What {@link captureStream} saw: the response head, the bytes and their probe. */
export interface StreamCapture {
  readonly status: number;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
  readonly bytes: number;
  readonly elapsedMs: number;
  readonly probe: TsProbe;
  /** 200, `video/mp2t`, and a transport stream a player can lock on to. */
  readonly ok: boolean;
  /** Why not `ok`, in words (empty when ok). */
  readonly problems: readonly string[];
}

/**
 * Reads an MPEG-TS HTTP stream (e.g. `/channels/1/stream.ts`) for a while, then checks what
 * arrived with {@link probeTransportStream}. The end-to-end check a newcomer can run.
 * Uses node:http(s) on a connection of its own and destroys it when done, so the server
 * sees the viewer leave at once (an aborted `fetch` may keep the socket open).
 * @throws the connection error if the server cannot be reached.
 */
export async function captureStream(url: string, options: CaptureStreamOptions = {}): Promise<StreamCapture> {
  const durationMs = options.durationMs ?? 5_000;
  const firstByteTimeoutMs = options.firstByteTimeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const started = performance.now();
  const chunks: Buffer[] = [];
  let total = 0;
  const head = await new Promise<{ status: number; contentType: string | null; cacheControl: string | null }>((resolve, reject) => {
    const get = new URL(url).protocol === "https:" ? httpsRequest : httpRequest;
    const req = get(url, { headers: { Accept: "video/mp2t" }, agent: false });
    let timer: NodeJS.Timeout | undefined;
    const finish = (answer: { status: number; contentType: string | null; cacheControl: string | null }): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", stop);
      req.destroy();
      resolve(answer);
    };
    let answer: { status: number; contentType: string | null; cacheControl: string | null } | undefined;
    const stop = (): void => {
      if (answer !== undefined) finish(answer);
      else {
        clearTimeout(timer);
        req.destroy(new Error("capture aborted before a response"));
      }
    };
    timer = setTimeout(stop, firstByteTimeoutMs);
    options.signal?.addEventListener("abort", stop, { once: true });
    req.on("error", (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", stop);
      if (answer !== undefined) resolve(answer);
      else reject(error);
    });
    req.on("response", (res) => {
      const header = (name: string): string | null => {
        const value = res.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      };
      answer = { status: res.statusCode ?? 0, contentType: header("content-type"), cacheControl: header("cache-control") };
      const done = answer;
      res.on("data", (chunk: Buffer) => {
        if (total === 0) {
          // The window starts at the first byte, so a cold start does not eat it.
          clearTimeout(timer);
          timer = setTimeout(stop, durationMs);
        }
        chunks.push(chunk);
        total += chunk.length;
        if (total >= maxBytes) finish(done);
      });
      res.on("end", () => finish(done));
      res.on("error", () => finish(done));
    });
    req.end();
  });
  const probe = probeTransportStream(Buffer.concat(chunks, total));
  const { status, contentType } = head;
  const problems: string[] = [];
  if (status !== 200) problems.push(`status ${status}, expected 200`);
  if (contentType?.split(";")[0]?.trim() !== "video/mp2t") problems.push(`content type ${contentType ?? "(none)"}, expected video/mp2t`);
  if (total === 0) problems.push("no bytes arrived");
  else if (probe.packets === 0) problems.push("no MPEG-TS packets found");
  else if (!probe.valid) {
    if (probe.syncErrors > 0) problems.push(`${probe.syncErrors} packet(s) without the 0x47 sync byte`);
    if (probe.patCount === 0) problems.push("no PAT (program association table)");
    if (probe.streams.length === 0) problems.push("no elementary streams in a PMT");
  }
  return {
    status,
    contentType,
    cacheControl: head.cacheControl,
    bytes: total,
    elapsedMs: Math.round(performance.now() - started),
    probe,
    ok: problems.length === 0,
    problems,
  };
}
