import { request, type IncomingHttpHeaders } from "node:http";

/** An open HTTP stream read with node:http (so `destroy()` really closes the socket). */
export interface OpenStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Bytes received so far. */
  readonly received: number;
  /** Resolves once at least `bytes` have arrived (rejects if the stream ends first). */
  waitForBytes(bytes: number): Promise<Buffer>;
  /** Resolves when the server ends the response (or the connection closes), with every byte received. */
  readonly ended: Promise<Buffer>;
  /** The client goes away. */
  destroy(): void;
}

/** Every stream opened by {@link openStream}, so afterEach can destroy leftovers. */
const opened = new Set<OpenStream>();

/** afterEach helper: destroys every stream still open. */
export function destroyOpenStreams(): void {
  for (const s of opened) s.destroy();
  opened.clear();
}

/** GETs `url` and resolves at the response head; the body keeps arriving. */
export function openStream(url: string, headers: Record<string, string> = {}): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let done = false;
      let waiters: Array<{ bytes: number; resolve: (b: Buffer) => void; reject: (e: Error) => void }> = [];
      const all = () => Buffer.concat(chunks, received);
      let resolveEnded!: (b: Buffer) => void;
      const ended = new Promise<Buffer>((r) => (resolveEnded = r));
      const finish = () => {
        if (done) return;
        done = true;
        for (const w of waiters) w.reject(new Error(`stream ended after ${received} bytes`));
        waiters = [];
        opened.delete(stream);
        resolveEnded(all());
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        waiters = waiters.filter((w) => {
          if (received < w.bytes) return true;
          w.resolve(all());
          return false;
        });
      });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
      const stream: OpenStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        get received() {
          return received;
        },
        waitForBytes(bytes) {
          if (received >= bytes) return Promise.resolve(all());
          if (done) return Promise.reject(new Error(`stream ended after ${received} bytes`));
          return new Promise((resolve, reject) => waiters.push({ bytes, resolve, reject }));
        },
        ended,
        destroy() {
          req.destroy();
          res.destroy();
          finish();
        },
      };
      opened.add(stream);
      resolve(stream);
    });
    req.on("error", reject);
    req.end();
  });
}
