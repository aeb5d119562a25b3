import { probeTransportStream, type TsProbe } from "./ts-probe.js";

/** Options of {@link captureStream}. */
export interface CaptureStreamOptions {
  /** How long to read, ms. Default 5000. */
  readonly durationMs?: number;
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
 * @throws the fetch error if the server cannot be reached.
 */
export async function captureStream(url: string, options: CaptureStreamOptions = {}): Promise<StreamCapture> {
  const durationMs = options.durationMs ?? 5_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const started = performance.now();
  const timer = setTimeout(() => controller.abort(), durationMs);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const response = await fetch(url, { signal: controller.signal, headers: { Accept: "video/mp2t" } });
    try {
      const reader = response.body?.getReader();
      while (reader !== undefined && total < maxBytes) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        total += value.length;
      }
      await reader?.cancel().catch(() => undefined);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    const probe = probeTransportStream(Buffer.concat(chunks, total));
    const contentType = response.headers.get("content-type");
    const problems: string[] = [];
    if (response.status !== 200) problems.push(`status ${response.status}, expected 200`);
    if (contentType?.split(";")[0]?.trim() !== "video/mp2t") problems.push(`content type ${contentType ?? "(none)"}, expected video/mp2t`);
    if (total === 0) problems.push("no bytes arrived");
    else if (probe.packets === 0) problems.push("no MPEG-TS packets found");
    else if (!probe.valid) {
      if (probe.syncErrors > 0) problems.push(`${probe.syncErrors} packet(s) without the 0x47 sync byte`);
      if (probe.patCount === 0) problems.push("no PAT (program association table)");
      if (probe.streams.length === 0) problems.push("no elementary streams in a PMT");
    }
    return {
      status: response.status,
      contentType,
      cacheControl: response.headers.get("cache-control"),
      bytes: total,
      elapsedMs: Math.round(performance.now() - started),
      probe,
      ok: problems.length === 0,
      problems,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
