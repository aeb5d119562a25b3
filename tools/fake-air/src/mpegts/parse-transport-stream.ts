import { NULL_PID, PAT_PID, PCR_WRAP, PTS_WRAP, SYNC_BYTE, TS_PACKET_SIZE, wrapDiff } from "./constants.js";
import { payloadOffset, readPacketHeader, readPcr } from "./packet.js";
import { readPesHeader } from "./pes.js";
import { parsePatSection, parsePmtSection, SectionAssembler, type ProgramInfo } from "./psi.js";

/** Counts for one PID. */
export interface PidStats {
  packets: number;
  /** Packets with PUSI set (PES or section starts). */
  unitStarts: number;
  continuityErrors: number;
  pcrCount: number;
  /** PTS values of PES headers on this PID, in order (90 kHz, 33-bit). */
  pts: number[];
  /** DTS values of PES headers on this PID, in order (90 kHz, 33-bit). */
  dts: number[];
}

/** One continuity-counter break. */
export interface ContinuityError {
  pid: number;
  packetIndex: number;
  expected: number;
  actual: number;
}

/** What {@link parseTransportStream} found. */
export interface TransportStreamReport {
  /** Whole packets parsed. */
  packets: number;
  /** Packets whose first byte is not 0x47 (parsing stops counting PIDs for them). */
  syncErrors: number;
  /** Bytes after the last whole packet. */
  trailingBytes: number;
  /** PIDs seen, ascending. */
  pids: number[];
  pidStats: Map<number, PidStats>;
  /** Total continuity-counter breaks (null packets excluded; duplicates allowed once). */
  continuityErrors: number;
  /** The first few breaks (up to 20). */
  continuityErrorDetails: ContinuityError[];
  /** Valid PAT sections seen. */
  patCount: number;
  /** PMT PIDs listed by PATs. */
  pmtPids: number[];
  /** Valid PMT sections seen. */
  pmtCount: number;
  /** Latest PMT per program. */
  programs: ProgramInfo[];
  /** PSI sections whose CRC failed. */
  crcErrors: number;
  /** PCR PID of the first program, if a PMT was seen. */
  pcrPid: number | undefined;
  /** PCRs on the PCR PID (any PID before a PMT is seen). */
  pcrCount: number;
  /** PCR values in order (27 MHz ticks, wrapped). */
  pcrValues: number[];
  /** PCR steps that went backwards (wrap-aware). */
  pcrBackwardSteps: number;
  /** Index of the first packet with PUSI on an elementary-stream PID, or −1. */
  firstPesPacketIndex: number;
}

/**
 * Parses a buffer of back-to-back TS packets and reports what a validator needs: sync bytes,
 * PIDs, continuity counters, PAT/PMT (CRC-checked), PCRs and PES timestamps. Never throws.
 */
export function parseTransportStream(buf: Uint8Array): TransportStreamReport {
  const report: TransportStreamReport = {
    packets: 0,
    syncErrors: 0,
    trailingBytes: buf.length % TS_PACKET_SIZE,
    pids: [],
    pidStats: new Map(),
    continuityErrors: 0,
    continuityErrorDetails: [],
    patCount: 0,
    pmtPids: [],
    pmtCount: 0,
    programs: [],
    crcErrors: 0,
    pcrPid: undefined,
    pcrCount: 0,
    pcrValues: [],
    pcrBackwardSteps: 0,
    firstPesPacketIndex: -1,
  };
  const lastCc = new Map<number, { cc: number; duplicated: boolean }>();
  const assemblers = new Map<number, SectionAssembler>();
  const programs = new Map<number, ProgramInfo>();
  const pmtPids = new Set<number>();
  const whole = buf.length - report.trailingBytes;
  for (let off = 0, index = 0; off < whole; off += TS_PACKET_SIZE, index++) {
    report.packets++;
    if (buf[off] !== SYNC_BYTE) {
      report.syncErrors++;
      continue;
    }
    const h = readPacketHeader(buf, off);
    let stats = report.pidStats.get(h.pid);
    if (stats === undefined) {
      stats = { packets: 0, unitStarts: 0, continuityErrors: 0, pcrCount: 0, pts: [], dts: [] };
      report.pidStats.set(h.pid, stats);
    }
    stats.packets++;
    if (h.pusi) stats.unitStarts++;
    if (h.pid !== NULL_PID) checkContinuity(report, stats, lastCc, h, index);

    const pcr = readPcr(buf, off);
    if (pcr !== undefined) {
      stats.pcrCount++;
      if (report.pcrPid === undefined || report.pcrPid === h.pid) {
        const prev = report.pcrValues[report.pcrValues.length - 1];
        if (prev !== undefined && wrapDiff(pcr, prev, PCR_WRAP) < 0) report.pcrBackwardSteps++;
        report.pcrValues.push(pcr);
        report.pcrCount++;
      }
    }
    const payload = payloadOffset(buf, off);
    if (payload < 0) continue;
    if (h.pid === PAT_PID || pmtPids.has(h.pid)) {
      let asm = assemblers.get(h.pid);
      if (asm === undefined) {
        asm = new SectionAssembler();
        assemblers.set(h.pid, asm);
      }
      const section = asm.push(buf, off);
      if (section === undefined) continue;
      if (h.pid === PAT_PID) {
        const pat = parsePatSection(section);
        if (pat === undefined) {
          report.crcErrors++;
          continue;
        }
        report.patCount++;
        for (const p of pat.programs) if (p.programNumber !== 0) pmtPids.add(p.pmtPid);
      } else {
        const pmt = parsePmtSection(section, h.pid);
        if (pmt === undefined) {
          report.crcErrors++;
          continue;
        }
        report.pmtCount++;
        const { version: _version, ...program } = pmt;
        programs.set(pmt.programNumber, program);
        if (report.pcrPid === undefined) report.pcrPid = pmt.pcrPid;
      }
    } else if (h.pusi && h.pid !== NULL_PID) {
      const pes = readPesHeader(buf, payload, off + TS_PACKET_SIZE);
      if (pes !== undefined) {
        if (report.firstPesPacketIndex < 0) report.firstPesPacketIndex = index;
        if (pes.pts !== undefined) stats.pts.push(pes.pts);
        if (pes.dts !== undefined) stats.dts.push(pes.dts);
      }
    }
  }
  report.pids = [...report.pidStats.keys()].sort((a, b) => a - b);
  report.pmtPids = [...pmtPids].sort((a, b) => a - b);
  report.programs = [...programs.values()];
  return report;
}

function checkContinuity(
  report: TransportStreamReport,
  stats: PidStats,
  lastCc: Map<number, { cc: number; duplicated: boolean }>,
  h: ReturnType<typeof readPacketHeader>,
  index: number,
): void {
  const last = lastCc.get(h.pid);
  lastCc.set(h.pid, { cc: h.continuityCounter, duplicated: false });
  if (last === undefined || h.discontinuity) return;
  let expected: number;
  if (h.hasPayload) {
    // One duplicate packet (same counter) is allowed by 13818-1.
    if (h.continuityCounter === last.cc && !last.duplicated) {
      lastCc.set(h.pid, { cc: h.continuityCounter, duplicated: true });
      return;
    }
    expected = (last.cc + 1) & 0x0f;
  } else {
    expected = last.cc; // adaptation-only packets do not advance the counter
  }
  if (h.continuityCounter === expected) return;
  stats.continuityErrors++;
  report.continuityErrors++;
  if (report.continuityErrorDetails.length < 20) {
    report.continuityErrorDetails.push({ pid: h.pid, packetIndex: index, expected, actual: h.continuityCounter });
  }
}

/** Unwraps a sequence of 33-bit timestamps (90 kHz) into a monotonic-looking number line. */
export function unwrapTimestamps(values: readonly number[]): number[] {
  const out: number[] = [];
  let prev: number | undefined;
  for (const v of values) {
    prev = prev === undefined ? v : prev + wrapDiff(v, prev % PTS_WRAP, PTS_WRAP);
    out.push(prev);
  }
  return out;
}
