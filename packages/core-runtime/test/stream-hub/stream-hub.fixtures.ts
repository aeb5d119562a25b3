import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import type { PassThrough } from "node:stream";
import type { HubViewerSink } from "../../src/index.js";

export const PACKET = 188;

/** One MPEG-TS packet: header for `pid` (PUSI when asked), payload filled with `fill`. */
export function tsPacket(pid: number, options: { pusi?: boolean; cc?: number; fill?: number } = {}): Buffer {
  const packet = Buffer.alloc(PACKET, options.fill ?? 0xff);
  packet[0] = 0x47;
  packet[1] = (options.pusi ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  packet[2] = pid & 0xff;
  packet[3] = 0x10 | ((options.cc ?? 0) & 0x0f);
  return packet;
}

/**
 * `count` packets; packet i is a PAT (PID 0, PUSI) when `i % patEvery === patOffset`,
 * else PID 0x100. Payload byte 4.. holds i & 0xff so positions can be checked.
 */
export function tsStream(count: number, options: { patEvery?: number; patOffset?: number } = {}): Buffer {
  const patEvery = options.patEvery ?? 0;
  const patOffset = options.patOffset ?? 0;
  const packets: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const isPat = patEvery > 0 && i % patEvery === patOffset;
    packets.push(tsPacket(isPat ? 0 : 0x100, { pusi: isPat, cc: i, fill: i & 0xff }));
  }
  return Buffer.concat(packets);
}

/** A sink that records the buffers it is given (by reference) and whose queue the test sets. */
export class RecordingSink extends EventEmitter implements HubViewerSink {
  readonly chunks: Uint8Array[] = [];
  writableLength = 0;
  destroyed = false;
  writableEnded = false;

  write(chunk: Uint8Array): boolean {
    this.chunks.push(chunk);
    return true;
  }

  end(): void {
    this.writableEnded = true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit("close");
  }

  received(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Waits (on I/O turns, not timers) until `condition` holds; fails after many turns. */
export async function waitUntil(condition: () => boolean, what: string, maxTurns = 200_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** Connects to a hub's socket like the engine would. */
export function connectEngine(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath, () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

// Compile-time proof that the server's and the benchmark's sinks fit the hub's viewer type.
type FitsSink<T> = T extends HubViewerSink ? true : never;
export const sinkTypesFit: [FitsSink<ServerResponse>, FitsSink<Socket>, FitsSink<PassThrough>] = [true, true, true];
