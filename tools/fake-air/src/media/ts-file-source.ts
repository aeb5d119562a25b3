import { NULL_PID, TS_PACKET_SIZE } from "../mpegts/constants.js";
import { payloadOffset, readPacketHeader } from "../mpegts/packet.js";
import { readPesHeader } from "../mpegts/pes.js";
import type { RunInfo, SegmentSource, SourcePacket } from "./segment-source.js";
import type { TsFileIndex } from "./ts-file-index.js";

// How far past a run's start to look for each stream's first timestamp.
const RUN_SCAN_PACKETS = 20_000;

/**
 * Streams an indexed MPEG-TS file's own packets: from `startFrame` for `frameCount` frames, then
 * that window again, forever (both wrap around the clip). PSI and null packets are dropped (the
 * rewriter announces its own PAT/PMT); a stream's packets before its first PES start in a run
 * are dropped so every PES the output carries is whole at its start.
 */
export function createTsFileSource(index: TsFileIndex, startFrame: number, frameCount: number): SegmentSource {
  const frames = index.frameStarts.length;
  const windowStart = ((startFrame % frames) + frames) % frames;
  const windowLength = Math.max(1, frameCount);
  const esPids = new Set<number>([...index.program.streams.map((s) => s.pid), index.program.pcrPid]);
  esPids.delete(NULL_PID);
  const runInfoCache = new Map<number, RunInfo>();
  const seenUnitStart = new Set<number>();

  let remaining = windowLength;
  let nextRunFrame = windowStart;
  let runFrame = 0;
  let pos = 0;
  let runEnd = 0;
  let pendingRunStart = false;
  let lookahead: SourcePacket | undefined;

  const runInfo = (frame: number): RunInfo => {
    const cached = runInfoCache.get(frame);
    if (cached !== undefined) return cached;
    const first = new Map<number, number>();
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
    }
    const info = { firstTs90ByPid: first };
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
  };

  const produce = (): SourcePacket => {
    for (;;) {
      if (pos >= runEnd) startRun();
      const i = pos++;
      const off = i * TS_PACKET_SIZE;
      const h = readPacketHeader(index.data, off);
      if (!esPids.has(h.pid)) continue;
      if (h.hasPayload && !h.pusi && !seenUnitStart.has(h.pid)) continue;
      if (h.pusi) seenUnitStart.add(h.pid);
      const packet: SourcePacket = {
        data: index.data.subarray(off, off + TS_PACKET_SIZE),
        time27: index.time27[i] as number,
        frameStart: h.pusi && h.pid === index.framePid,
      };
      if (pendingRunStart) {
        packet.runStart = runInfo(runFrame);
        pendingRunStart = false;
      }
      return packet;
    }
  };

  return {
    kind: "file",
    program: index.program,
    peek(): SourcePacket {
      lookahead ??= produce();
      return lookahead;
    },
    next(): SourcePacket {
      const packet = lookahead ?? produce();
      lookahead = undefined;
      return packet;
    },
  };
}
