import { markDiscontinuity } from "./ts-discontinuity.js";
import { pidAt, pusiAt, randomAccessAt, TS_PACKET_SIZE, TS_PAT_PID } from "./ts-packet.js";
import { pmtPidFromPat, videoPidFromPmt } from "./ts-psi.js";

/** Where a viewer may start inside a processed chunk. */
export interface JoinPoint {
  /** Offset in `out` of the first packet to send. */
  readonly offset: number;
  /** PAT + PMT to send before it (a keyframe not already preceded by them in `out`). */
  readonly prefix?: Buffer;
}

/** One chunk of whole packets after the tracker saw it. */
export interface TrackedChunk {
  /** What viewers already following the stream get (empty while the stream's gate is closed). */
  readonly out: Buffer;
  /** The stream's gate opened in this chunk: `out` starts at the stream's first forwarded packet. */
  readonly gateOpened: boolean;
  /** First random access point (PAT, PMT, video keyframe) in `out`. */
  readonly firstRap?: JoinPoint;
  /** Last random access point in `out`: where the GOP cache restarts. */
  readonly lastRap?: JoinPoint;
  /** Offset in `out` of the first PAT packet. */
  readonly firstPat?: number;
}

/**
 * Follows one engine stream at a time: learns the video PID from the PAT and PMT and
 * finds random access points (a video packet starting a PES with random_access_indicator
 * set, after a PAT and PMT). A stream that replaces another under the same viewers (a
 * splice) is held behind a gate that opens only at its first random access point — sent
 * as PAT, PMT, keyframe — or, if none comes within `windowBytes`, at the next PAT, and
 * past twice that at any packet; from the gate on, the first packet of each PID carries
 * discontinuity_indicator = 1. A hub's first stream has no gate: each viewer starts by
 * its own join rule.
 */
export class RandomAccessTracker {
  private gateOpen = false;
  private splice = false;
  private waitedBytes = 0;
  private marked = new Set<number>();
  private pmtPid: number | undefined;
  private videoPid: number | undefined;
  private patCopy: Buffer | undefined;
  private pmtCopy: Buffer | undefined;

  constructor(private readonly windowBytes: number) {}

  /** The current stream's PAT and PMT named a video PID: its keyframes can be found. */
  get videoKnown(): boolean {
    return this.videoPid !== undefined;
  }

  /** A new engine stream begins; `splice`: it continues one viewers already followed. */
  newStream(splice: boolean): void {
    // Only a splice is gated; a first stream is joined by each viewer's own rule.
    this.gateOpen = !splice;
    this.splice = splice;
    this.waitedBytes = 0;
    this.marked = new Set();
    this.pmtPid = undefined;
    this.videoPid = undefined;
    this.patCopy = undefined;
    this.pmtCopy = undefined;
  }

  /** Processes whole packets (`packets.length` a multiple of 188); may mark them in place. */
  process(packets: Buffer): TrackedChunk {
    const parts: Buffer[] = [];
    let emitted = 0; // bytes of `out` before the current run
    let runStart = -1;
    let gateOpened = false;
    let firstRap: JoinPoint | undefined;
    let lastRap: JoinPoint | undefined;
    let firstPat: number | undefined;
    const closeRun = (end: number): void => {
      if (runStart >= 0 && end > runStart) {
        parts.push(runStart === 0 && end === packets.length ? packets : packets.subarray(runStart, end));
        emitted += end - runStart;
      }
      runStart = -1;
    };
    const emitExtra = (packet: Buffer, at: number): void => {
      closeRun(at);
      parts.push(packet);
      emitted += packet.length;
    };
    for (let at = 0; at < packets.length; at += TS_PACKET_SIZE) {
      const pid = pidAt(packets, at);
      const isPat = pid === TS_PAT_PID && pusiAt(packets, at);
      this.learnPsi(packets, at, pid, isPat);
      const isRap = this.isRandomAccess(packets, at, pid);
      let prefixInOut = false;
      if (!this.gateOpen) {
        const patAllowed = this.waitedBytes >= this.windowBytes;
        if (!isRap && !(isPat && patAllowed) && this.waitedBytes < 2 * this.windowBytes) {
          this.waitedBytes += TS_PACKET_SIZE;
          continue;
        }
        this.gateOpen = true;
        gateOpened = true;
        if (isRap) {
          // The PAT and PMT this keyframe depends on were held back with the rest: send copies first.
          for (const psi of [this.patCopy, this.pmtCopy] as Buffer[]) emitExtra(this.marking(Buffer.from(psi), 0), at);
          prefixInOut = true;
        }
      }
      const marker = this.markFirstOfPid(packets, at, pid);
      if (marker) emitExtra(marker, at);
      if (runStart < 0) runStart = at;
      const outAt = emitted + (at - runStart);
      if (isRap) {
        const point: JoinPoint = prefixInOut
          ? { offset: 0 }
          : { offset: outAt - (marker ? TS_PACKET_SIZE : 0), prefix: Buffer.concat([this.patCopy as Buffer, this.pmtCopy as Buffer]) };
        firstRap ??= point;
        lastRap = point;
      }
      if (isPat) firstPat ??= outAt - (marker ? TS_PACKET_SIZE : 0);
    }
    closeRun(packets.length);
    const out = parts.length === 1 && parts[0] === packets ? packets : parts.length === 0 ? packets.subarray(0, 0) : Buffer.concat(parts);
    return {
      out,
      gateOpened,
      ...(firstRap ? { firstRap } : {}),
      ...(lastRap ? { lastRap } : {}),
      ...(firstPat !== undefined ? { firstPat } : {}),
    };
  }

  private learnPsi(packets: Buffer, at: number, pid: number, isPat: boolean): void {
    if (isPat) {
      const pmtPid = pmtPidFromPat(packets, at);
      if (pmtPid === undefined) return;
      if (pmtPid !== this.pmtPid) this.videoPid = undefined;
      this.pmtPid = pmtPid;
      this.patCopy = Buffer.from(packets.subarray(at, at + TS_PACKET_SIZE));
    } else if (pid === this.pmtPid && pusiAt(packets, at)) {
      const videoPid = videoPidFromPmt(packets, at);
      if (videoPid === undefined) return;
      this.videoPid = videoPid;
      this.pmtCopy = Buffer.from(packets.subarray(at, at + TS_PACKET_SIZE));
    }
  }

  private isRandomAccess(packets: Buffer, at: number, pid: number): boolean {
    return (
      pid === this.videoPid && this.patCopy !== undefined && this.pmtCopy !== undefined && pusiAt(packets, at) && randomAccessAt(packets, at)
    );
  }

  /** Splice marking of a packet we own: marks it in place, or returns it preceded by a marker. */
  private marking(packet: Buffer, at: number): Buffer {
    const marker = this.markFirstOfPid(packet, at, pidAt(packet, at));
    return marker ? Buffer.concat([marker, packet]) : packet;
  }

  private markFirstOfPid(packets: Buffer, at: number, pid: number): Buffer | undefined {
    if (!this.splice || this.marked.has(pid)) return undefined;
    this.marked.add(pid);
    return markDiscontinuity(packets, at);
  }
}
