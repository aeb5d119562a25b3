import { findSync, TS_PACKET_SIZE, TS_SYNC_BYTE } from "./ts-packet.js";

const EMPTY = Buffer.alloc(0);

/**
 * Cuts a byte stream that arrives in arbitrary chunks into whole MPEG-TS packets, so
 * everything downstream (splice marking, the GOP cache, late joiners) works on packet
 * boundaries and a viewer never gets half a packet — not even when the engine's
 * connection ends mid-packet. A read that is already whole packets is returned as the
 * very same buffer (no copy); a packet split across reads costs one copy of the read.
 * Re-aligns (and counts it) when a boundary holds no sync byte.
 */
export class TsPacketFramer {
  private carry: Buffer = EMPTY;
  private resyncCount = 0;

  /** Times the stream lost packet sync and was re-aligned. */
  get resyncs(): number {
    return this.resyncCount;
  }

  /** Drops a partial packet: the next chunk starts a new stream. */
  reset(): void {
    this.carry = EMPTY;
  }

  /** Consumes `chunk`; returns the whole packets now complete (possibly empty). */
  push(chunk: Buffer): Buffer {
    const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = EMPTY;
    const runs: Buffer[] = [];
    let runStart = 0;
    let at = 0;
    while (at + TS_PACKET_SIZE <= data.length) {
      if (data[at] === TS_SYNC_BYTE) {
        at += TS_PACKET_SIZE;
        continue;
      }
      if (at > runStart) runs.push(data.subarray(runStart, at));
      this.resyncCount++;
      const sync = findSync(data, at);
      at = sync < 0 ? data.length : sync;
      runStart = at;
    }
    if (at > runStart) runs.push(data.subarray(runStart, at));
    // Keep the tail (a partial packet) as a copy so the read's buffer is not retained.
    const tail = data.length - at;
    if (tail > 0) this.carry = Buffer.from(data.subarray(at, at + Math.min(tail, TS_PACKET_SIZE - 1)));
    if (runs.length === 0) return EMPTY;
    if (runs.length === 1) {
      const run = runs[0] as Buffer;
      return data === chunk && run.length === chunk.length ? chunk : run;
    }
    return Buffer.concat(runs);
  }
}
