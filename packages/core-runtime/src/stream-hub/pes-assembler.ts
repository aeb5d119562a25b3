import { payloadStartAt, pidAt, pusiAt, TS_PACKET_SIZE } from "./ts-packet.js";

const EMPTY = Buffer.alloc(0);
const NULL_PID = 0x1fff;

interface PendingPes {
  readonly packets: Buffer[];
  /** Payload bytes the PES has in all (6-byte header + PES_packet_length); 0 when unbounded. */
  readonly totalBytes: number;
  payloadBytes: number;
}

/**
 * Releases each elementary stream's PES packets only once the PES is whole: at its
 * announced length, or (unbounded video PES) when the next PES of that PID starts. So
 * when an engine's stream ends — it died, hung, or was replaced — the half-written last
 * frame of each PID is dropped instead of reaching viewers, where a player would decode
 * it as garbage right at the splice. PSI and other non-PES packets pass at once.
 *
 * Cost: a video frame waits for the next one (~33 ms), packets of different PIDs may be
 * reordered by up to one PES (MPEG-TS allows any interleaving), and a chunk whose packets
 * are reordered is copied once (shared by every viewer). A chunk that needs no holding
 * back comes out as the very same buffer.
 */
export class PesAssembler {
  private readonly pending = new Map<number, PendingPes>();
  /** PIDs seen to carry PES (a unit start beginning 00 00 01), or PSI (false). */
  private readonly carriesPes = new Map<number, boolean>();

  /** The stream ended: drops every unfinished PES and forgets the PIDs. */
  reset(): number {
    const dropped = this.pending.size;
    this.pending.clear();
    this.carriesPes.clear();
    return dropped;
  }

  /** Consumes whole packets; returns the packets now releasable, in release order. */
  push(packets: Buffer): Buffer {
    const out: Buffer[] = [];
    let passRun = -1; // start of a run of packets passing straight through
    let reordered = false;
    const closeRun = (end: number): void => {
      if (passRun >= 0 && end > passRun) out.push(packets.subarray(passRun, end));
      passRun = -1;
    };
    for (let at = 0; at < packets.length; at += TS_PACKET_SIZE) {
      const pid = pidAt(packets, at);
      const packet = packets.subarray(at, at + TS_PACKET_SIZE);
      const start = pusiAt(packets, at);
      if (start && pid !== NULL_PID) this.carriesPes.set(pid, startsPes(packets, at));
      if (this.carriesPes.get(pid) !== true) {
        // PSI, null packets, or a PES PID before its first unit start: no frame to protect.
        if (passRun < 0) passRun = at;
        continue;
      }
      closeRun(at);
      reordered = true;
      if (start) {
        const previous = this.pending.get(pid);
        if (previous) out.push(...previous.packets); // an unbounded PES ends where the next begins
        this.pending.set(pid, { packets: [packet], totalBytes: pesTotalBytes(packets, at), payloadBytes: payloadBytes(packets, at) });
      } else {
        const pes = this.pending.get(pid);
        if (!pes) continue; // cannot happen: carriesPes is only set at a unit start
        pes.packets.push(packet);
        pes.payloadBytes += payloadBytes(packets, at);
      }
      const pes = this.pending.get(pid) as PendingPes;
      if (pes.totalBytes > 0 && pes.payloadBytes >= pes.totalBytes) {
        out.push(...pes.packets);
        this.pending.delete(pid);
      }
    }
    if (!reordered) return packets;
    closeRun(packets.length);
    if (out.length === 0) return EMPTY;
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }
}

function payloadBytes(packets: Buffer, at: number): number {
  return Math.max(0, at + TS_PACKET_SIZE - payloadStartAt(packets, at));
}

function startsPes(packets: Buffer, at: number): boolean {
  const p = payloadStartAt(packets, at);
  return p + 3 <= at + TS_PACKET_SIZE && packets[p] === 0 && packets[p + 1] === 0 && packets[p + 2] === 1;
}

/** 6 + PES_packet_length, or 0 when the PES is unbounded (length 0) or its header is cut. */
function pesTotalBytes(packets: Buffer, at: number): number {
  const p = payloadStartAt(packets, at);
  if (p + 6 > at + TS_PACKET_SIZE || !startsPes(packets, at)) return 0;
  const length = ((packets[p + 4] as number) << 8) | (packets[p + 5] as number);
  return length === 0 ? 0 : 6 + length;
}
