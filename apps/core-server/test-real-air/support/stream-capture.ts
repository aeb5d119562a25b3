import { createWriteStream, type WriteStream } from "node:fs";
import { request as httpRequest, type ClientRequest } from "node:http";

/** A real HTTP viewer that keeps every body byte in a file, for ffprobe/ffmpeg to judge. */
export interface StreamCapture {
  readonly status: number;
  readonly file: string;
  readonly bytes: number;
  /** Epoch ms of the first body byte, if any came. */
  readonly firstByteAtMs: number | undefined;
  readonly isOpen: boolean;
  /** Resolves once `n` bytes arrived; rejects after `timeoutMs` or if the response ends first. */
  waitForBytes(n: number, timeoutMs: number): Promise<void>;
  /** Leaves (closes the connection) and resolves once the file is flushed. Idempotent. */
  leave(): Promise<void>;
}

const open = new Set<StreamCapture>();

/** Captures still connected (the suite's after-test check leaves them). */
export function openCaptures(): readonly StreamCapture[] {
  return [...open];
}

/** GETs `url` over its own connection, writing the body to `file`; resolves at the response head. */
export function captureStream(url: string, file: string): Promise<StreamCapture> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = httpRequest(url, { agent: false, headers: { connection: "close" } }, (res) => {
      const out: WriteStream = createWriteStream(file);
      const flushed = new Promise<void>((done) => out.on("close", () => done()));
      let bytes = 0;
      let firstByteAtMs: number | undefined;
      let ended = false;
      const wakers = new Set<() => void>();
      const finish = (): void => {
        if (ended) return;
        ended = true;
        open.delete(capture);
        out.end();
        for (const wake of wakers) wake();
      };
      res.on("data", (chunk: Buffer) => {
        firstByteAtMs ??= Date.now();
        bytes += chunk.length;
        out.write(chunk);
        for (const wake of wakers) wake();
      });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
      const capture: StreamCapture = {
        status: res.statusCode ?? 0,
        file,
        get bytes() {
          return bytes;
        },
        get firstByteAtMs() {
          return firstByteAtMs;
        },
        get isOpen() {
          return !ended;
        },
        waitForBytes(n, timeoutMs) {
          return new Promise<void>((ok, fail) => {
            const check = (): void => {
              if (bytes >= n) settle();
              else if (ended) settle(new Error(`${url}: the response ended after ${bytes} of ${n} bytes`));
            };
            const timer = setTimeout(() => settle(new Error(`${url}: ${bytes} of ${n} bytes within ${timeoutMs} ms`)), timeoutMs);
            const settle = (error?: Error): void => {
              clearTimeout(timer);
              wakers.delete(check);
              if (error) fail(error);
              else ok();
            };
            wakers.add(check);
            check();
          });
        },
        async leave() {
          req.destroy();
          res.destroy();
          finish();
          await flushed;
        },
      };
      open.add(capture);
      resolve(capture);
    });
    req.on("error", reject);
    req.end();
  });
}
