import { isVideoStreamType, NULL_PID, PAT_PID, PCR_HZ, PCR_WRAP, SYNC_BYTE, TS_PACKET_SIZE } from "../mpegts/constants.js";
import { readPacketHeader, readPcr } from "../mpegts/packet.js";
import { parsePatSection, parsePmtSection, SectionAssembler, type ProgramInfo } from "../mpegts/psi.js";

/** An MPEG-TS file, packet-aligned and indexed for frame-accurate, time-paced playback. */
export interface TsFileIndex {
  /** The file's packets, back to back (leading junk and a trailing partial packet removed). */
  data: Buffer;
  packetCount: number;
  /** First program of the PAT, as its PMT describes it. */
  program: ProgramInfo;
  /** PID whose PES starts mark frames (the first video stream, else the first stream). */
  framePid: number;
  /** Packet index of every frame start (PUSI on {@link framePid}), ascending. */
  frameStarts: Uint32Array;
  /** Time of each packet on the file's PCR timeline, unwrapped, 27 MHz (interpolated between PCRs). */
  time27: Float64Array;
  /** For a packet that starts a PES: index of that PES's last packet; −1 for other packets. */
  pesEnd: Int32Array;
}

const MIN_SYNC_RUN = 5;

function findAlignment(data: Buffer): number {
  for (let start = 0; start < Math.min(TS_PACKET_SIZE, data.length); start++) {
    let ok = true;
    for (let k = 0; k < MIN_SYNC_RUN; k++) {
      const at = start + k * TS_PACKET_SIZE;
      if (at >= data.length) break;
      if (data[at] !== SYNC_BYTE) {
        ok = false;
        break;
      }
    }
    if (ok && start + TS_PACKET_SIZE <= data.length) return start;
  }
  return -1;
}

/**
 * Indexes `raw` as an MPEG-TS file. Returns undefined when it is not one this fake can stream
 * (no sync, no PAT/PMT, no frame starts, or fewer than two PCRs) — the caller then falls back
 * to synthetic packets.
 */
export function indexTsFile(raw: Buffer): TsFileIndex | undefined {
  const start = findAlignment(raw);
  if (start < 0) return undefined;
  const packetCount = Math.floor((raw.length - start) / TS_PACKET_SIZE);
  if (packetCount < 2) return undefined;
  const data = raw.subarray(start, start + packetCount * TS_PACKET_SIZE);

  let pmtPid: number | undefined;
  let program: ProgramInfo | undefined;
  const patAsm = new SectionAssembler();
  const pmtAsm = new SectionAssembler();
  for (let i = 0; i < packetCount && program === undefined; i++) {
    const off = i * TS_PACKET_SIZE;
    if (data[off] !== SYNC_BYTE) continue;
    const pid = readPacketHeader(data, off).pid;
    if (pid === PAT_PID && pmtPid === undefined) {
      const section = patAsm.push(data, off);
      const pat = section && parsePatSection(section);
      const first = pat?.programs.find((p) => p.programNumber !== 0);
      if (first !== undefined) pmtPid = first.pmtPid;
    } else if (pmtPid !== undefined && pid === pmtPid) {
      const section = pmtAsm.push(data, off);
      const pmt = section && parsePmtSection(section, pmtPid);
      if (pmt !== undefined && pmt.streams.length > 0) {
        const { version: _v, ...p } = pmt;
        program = p;
      }
    }
  }
  if (program === undefined) return undefined;
  const framePid = (program.streams.find((s) => isVideoStreamType(s.streamType)) ?? program.streams[0])?.pid;
  if (framePid === undefined) return undefined;

  const frames: number[] = [];
  const pesEnd = new Int32Array(packetCount).fill(-1);
  const openPes = new Map<number, number>(); // pid → index of its current PES start
  const lastOfPid = new Map<number, number>();
  const pcrAt: number[] = [];
  const pcrValue: number[] = [];
  let unwrapBase = 0;
  let lastPcr: number | undefined;
  for (let i = 0; i < packetCount; i++) {
    const off = i * TS_PACKET_SIZE;
    if (data[off] !== SYNC_BYTE) continue;
    const h = readPacketHeader(data, off);
    if (h.pid === NULL_PID) continue;
    if (h.pid === framePid && h.pusi) frames.push(i);
    if (h.hasPayload) {
      if (h.pusi) {
        const open = openPes.get(h.pid);
        if (open !== undefined) pesEnd[open] = lastOfPid.get(h.pid) as number;
        openPes.set(h.pid, i);
      }
      lastOfPid.set(h.pid, i);
    }
    if (h.pid === program.pcrPid) {
      const pcr = readPcr(data, off);
      if (pcr !== undefined) {
        if (lastPcr !== undefined && pcr < lastPcr - PCR_WRAP / 2) unwrapBase += PCR_WRAP;
        lastPcr = pcr;
        const value = pcr + unwrapBase;
        // Ignore PCRs that step backwards (a broken or spliced file): pacing needs monotonic time.
        if (pcrValue.length === 0 || value > (pcrValue[pcrValue.length - 1] as number)) {
          pcrAt.push(i);
          pcrValue.push(value);
        }
      }
    }
  }
  for (const [pid, open] of openPes) pesEnd[open] = lastOfPid.get(pid) as number;
  if (frames.length === 0 || pcrAt.length < 2) return undefined;

  const time27 = new Float64Array(packetCount);
  // Past the last PCR, muxers often flush a burst of audio: spreading it at the last PCR
  // interval's packet rate would push it far into the future. Give the tail the duration of the
  // frames it holds instead (plus the last PCR's own frame).
  const firstPcrAt = pcrAt[0] as number;
  const lastPcrAt = pcrAt[pcrAt.length - 1] as number;
  const finalPcr = pcrValue[pcrValue.length - 1] as number;
  const framesBetween = frames.filter((f) => f >= firstPcrAt && f < lastPcrAt).length;
  const frameDur27 = framesBetween > 0 ? (finalPcr - (pcrValue[0] as number)) / framesBetween : PCR_HZ / 30;
  const tailSpan27 = (frames.filter((f) => f > lastPcrAt).length + 1) * frameDur27;
  let seg = 0;
  for (let i = 0; i < packetCount; i++) {
    if (i > lastPcrAt) {
      time27[i] = finalPcr + (tailSpan27 * (i - lastPcrAt)) / (packetCount - lastPcrAt);
      continue;
    }
    while (seg < pcrAt.length - 2 && i > (pcrAt[seg + 1] as number)) seg++;
    const i0 = pcrAt[seg] as number;
    const i1 = pcrAt[seg + 1] as number;
    const v0 = pcrValue[seg] as number;
    const v1 = pcrValue[seg + 1] as number;
    time27[i] = v0 + ((v1 - v0) * (i - i0)) / (i1 - i0);
  }
  return { data, packetCount, program, framePid, frameStarts: Uint32Array.from(frames), time27, pesEnd };
}
