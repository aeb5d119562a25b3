import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A Unix-socket server standing in for Core's sink: collects every byte AIR writes. */
export class MediaSink {
  readonly dir = mkdtempSync(join(tmpdir(), "fake-air-sink-"));
  readonly path = join(this.dir, "ch.sock");
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #chunks: Buffer[] = [];
  connections = 0;

  constructor() {
    this.#server = createServer((socket) => {
      this.connections++;
      this.#sockets.add(socket);
      socket.on("data", (chunk: Buffer) => this.#chunks.push(chunk));
      socket.on("close", () => this.#sockets.delete(socket));
      socket.on("error", () => undefined);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.#server.listen(this.path, resolve));
  }

  /** Everything received so far, concatenated. */
  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  /** Sockets currently connected. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /** Resolves once `predicate` holds (polled every 10 ms), rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error("condition not reached in time");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
