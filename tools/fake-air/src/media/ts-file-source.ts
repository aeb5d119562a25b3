import { NULL_PID, TS_PACKET_SIZE } from "../mpegts/constants.js";
import { payloadOffset, readPacketHeader } from "../mpegts/packet.js";
import { readPesHeader } from "../mpegts/pes.js";
import type { RunInfo, SegmentSource, SourcePacket } from "./segment-source.js";
import type { TsFileIndex } from "./ts-file-index.js";

// How far past a run's start to look for each stream's first timestamp.
const RUN_SCAN_PACKETS = 20_000;
// A splice waits at most this many packets for the next frame start.
const MAX_SPLICE_WAIT_PACKETS = 5_000;

/**
 * Streams an indexed MPEG-TS file's own packets: from `startFrame` for `frameCount` frames, then
 * that window again, forever (both wrap around the clip). PSI and null packets are dropped (the
 * rewriter announces its own PAT/PMT). Only whole PES go out: a stream's packets before its first
 * PES start in a run are dropped, and so is a PES that would not end before the run does.
 */
export function createTsFileSource(index: TsFileIndex, startFrame: number, frameCount: number): SegmentSource {
  const frames = index.frameStarts.length;
  const windowStart = ((startFrame % frames) + frames) % frames;
  const windowLength = Math.max(1, frameCount);
  const esPids = new Set<number>([...index.program.streams.map((s) => s.pid), index.program.pcrPid]);
  esPids.delete(NULL_PID);
  const runInfoCache = new Map<number, RunInfo>();
  const seenUnitStart = new Set<number>();
  // Non-frame PIDs whose current PES is on its way: pid → index of its last packet.
  const inFlight = new Map<number, number>();

  let remaining = windowLength;
  let nextRunFrame = windowStart;
  let runFrame = 0;
  let pos = 0;
  let runEnd = 0;
  let pendingRunStart = false;
  let lookahead: { packet: SourcePacket; index: number } | undefined;

  const runInfo = (frame: number): RunInfo => {
    const cached = runInfoCache.get(frame);
    if (cached !== undefined) return cached;
    const first = new Map<number, number>();
    let firstFramePts90: number | undefined;
    const from = index.frameStarts[frame] as number;
    const to = Math.min(index.packetCount, from + RUN_SCAN_PACKETS);
    for (let i = from; i < to && first.size < esPids.size; i++) {
      const off = i * TS_PACKET_SIZE;
      const h = readPacketHeader(index.data, off);
      if (!h.pusi || !esPids.has(h.pid) || first.has(h.pid)) continue;
      const at = payloadOffset(index.data, off);
      const pes = at < 0 ? undefined : readPesHeader(index.data, at, off + TS_PACKET_SIZE);
      const ts = pes?.dts ?? pes?.pts;
      if (ts !== undefined) first.set(h.pid, ts);
      if (h.pid === index.framePid) firstFramePts90 = pes?.pts;
    }
    const info = { framePid: index.framePid, firstTs90ByPid: first, firstFramePts90 };
    runInfoCache.set(frame, info);
    return info;
  };

  const startRun = (): void => {
    if (remaining <= 0) {
      remaining = windowLength;
      nextRunFrame = windowStart;
    }
    runFrame = nextRunFrame;
    const endFrame = Math.min(frames, runFrame + remaining);
    remaining -= endFrame - runFrame;
    nextRunFrame = endFrame >= frames ? 0 : endFrame;
    pos = index.frameStarts[runFrame] as number;
    runEnd = endFrame < frames ? (index.frameStarts[endFrame] as number) : index.packetCount;
    pendingRunStart = true;
    seenUnitStart.clear();
    inFlight.clear();
  };

  const packetAt = (i: number, frameStart: boolean): SourcePacket => {
    const off = i * TS_PACKET_SIZE;
    return { data: index.data.subarray(off, off + TS_PACKET_SIZE), time27: index.time27[i] as number, frameStart };
  };

  const produce = (): { packet: SourcePacket; index: number } => {
    for (;;) {
      if (pos >= runEnd) startRun();
      const i = pos++;
      const h = readPacketHeader(index.data, i * TS_PACKET_SIZE);
      if (!esPids.has(h.pid)) continue;
      if (h.pusi && h.pid !== index.framePid) {
        const end = index.pesEnd[i] as number;
        if (end >= runEnd) {
          // This PES would be cut off by the loop: leave it (and its continuation) out.
          seenUnitStart.delete(h.pid);
          continue;
        }
        inFlight.set(h.pid, end);
      }
      if (h.hasPayload && !h.pusi && !seenUnitStart.has(h.pid)) continue;
      if (h.pusi) seenUnitStart.add(h.pid);
      const packet = packetAt(i, h.pusi && h.pid === index.framePid);
      if (pendingRunStart) {
        packet.runStart = runInfo(runFrame);
        pendingRunStart = false;
      }
      return { packet, index: i };
    }
  };

  const peekEntry = (): { packet: SourcePacket; index: number } => {
    lookahead ??= produce();
    return lookahead;
  };

  return {
    kind: "file",
    program: index.program,
    peek(): SourcePacket {
      return peekEntry().packet;
    },
    next(): SourcePacket {
      const entry = lookahead ?? produce();
      lookahead = undefined;
      return entry.packet;
    },
    spliceOut(): SourcePacket[] {
      const out: SourcePacket[] = [];
      for (let n = 0; n < MAX_SPLICE_WAIT_PACKETS && !peekEntry().packet.frameStart; n++) out.push(this.next());
      const cut = peekEntry();
      if (cut.packet.runStart !== undefined) return out; // the run ended cleanly at the cut
      // Finish the other streams' PES that are still on their way at the cut. The tails go out
      // at the cut's time (they lie later in the file) without PCRs, so the output clock does
      // not jump ahead.
      const cutTime27 = out.length > 0 ? (out[out.length - 1] as SourcePacket).time27 : cut.packet.time27;
      let last = -1;
      for (const end of inFlight.values()) last = Math.max(last, end);
      for (let i = cut.index; i <= last; i++) {
        const h = readPacketHeader(index.data, i * TS_PACKET_SIZE);
        const end = inFlight.get(h.pid);
        if (end === undefined || i > end || !h.hasPayload || h.pusi) continue;
        const data = Buffer.from(packetAt(i, false).data);
        stripPcr(data);
        out.push({ data, time27: cutTime27, frameStart: false });
      }
      return out;
    },
  };
}

/** Removes the PCR of a packet in place (flag cleared, its six bytes turned into stuffing). */
function stripPcr(packet: Uint8Array): void {
  const hasAdaptation = (((packet[3] as number) >> 4) & 0x2) !== 0;
  if (!hasAdaptation || (packet[4] as number) < 7 || ((packet[5] as number) & 0x10) === 0) return;
  packet[5] = (packet[5] as number) & ~0x10;
  packet.fill(0xff, 6, 12);
}
