import { NULL_PID, PAT_PID, PCR_HZ, PTS_WRAP, wrapDiff, wrapMod } from "../mpegts/constants.js";
import { payloadOffset, readPacketHeader, readPcr, setContinuityCounter, writePcr } from "../mpegts/packet.js";
import { readPesHeader, rewriteTimestamp } from "../mpegts/pes.js";
import { buildPatSection, buildPmtSection, packetizeSection, type ProgramInfo } from "../mpegts/psi.js";
import type { SourcePacket } from "./segment-source.js";

/** A packet ready for the wire, with its time on the output timeline (unwrapped, 27 MHz). */
export interface OutputPacket {
  data: Buffer;
  time27: number;
}

// PAT and PMT are repeated at least this often (27 MHz); 100 ms is what broadcasters use.
const PSI_INTERVAL_27 = PCR_HZ / 10;
// Where the output timeline starts (27 MHz); any value works, players sync to the first PCR.
const INITIAL_TIME_27 = 10 * PCR_HZ;
// Assumed spacing of a stream's access units when only one has been seen (90 kHz, one 30 fps frame).
const DEFAULT_TS_STEP_90 = 3000;

/**
 * Turns packets of successive sources into one continuous output: at each run start it picks a
 * time offset so that PCR and every stream's DTS/PTS keep increasing; it rewrites PCR, PTS and
 * DTS by that offset, renumbers continuity counters per PID, and announces PAT/PMT at run starts
 * and every 100 ms (PMT version bumped when the program changes).
 */
export class TsRewriter {
  readonly #cc = new Map<number, number>();
  readonly #lastTs90 = new Map<number, number>();
  readonly #tsStep90 = new Map<number, number>();
  #offset27 = 0;
  #started = false;
  #lastTime27 = INITIAL_TIME_27;
  #lastStep27 = 27_000;
  #program: ProgramInfo | undefined;
  #programKey = "";
  #pmtVersion = 0;
  #patKey = "";
  #patVersion = 0;
  #lastPsiTime27 = Number.NEGATIVE_INFINITY;
  #forcePsi = true;
  #runStartPts90 = 0;

  /** PTS (90 kHz, 33-bit) at which the latest run started on the output. */
  get runStartPts90(): number {
    return this.#runStartPts90;
  }

  /** Output time of the last rewritten packet (unwrapped, 27 MHz). */
  get lastTime27(): number {
    return this.#lastTime27;
  }

  /** Makes the next packet be preceded by PAT and PMT (e.g. for a new reader). */
  forcePsi(): void {
    this.#forcePsi = true;
  }

  /** Rewrites one source packet of a source announcing `program`; may prepend PAT/PMT packets. */
  rewrite(sp: SourcePacket, program: ProgramInfo): OutputPacket[] {
    const out: OutputPacket[] = [];
    if (sp.runStart !== undefined) {
      this.#seam(sp);
      this.#setProgram(program);
    }
    const time27 = sp.time27 + this.#offset27;
    if (this.#forcePsi || time27 - this.#lastPsiTime27 >= PSI_INTERVAL_27) {
      for (const data of this.#psiPackets()) out.push({ data, time27 });
      this.#lastPsiTime27 = time27;
      this.#forcePsi = false;
    }
    const data = Buffer.from(sp.data);
    const h = readPacketHeader(data, 0);
    const pcr = readPcr(data, 0);
    if (pcr !== undefined) writePcr(data, 0, pcr + this.#offset27);
    let startTs90: number | undefined;
    if (h.pusi && h.pid !== NULL_PID) {
      const at = payloadOffset(data, 0);
      const pes = at < 0 ? undefined : readPesHeader(data, at, data.length);
      const srcBase90 = sp.time27 / 300;
      const shift = (ts: number): number => srcBase90 + wrapDiff(ts, wrapMod(Math.floor(srcBase90), PTS_WRAP), PTS_WRAP) + this.#offset27 / 300;
      if (pes?.pts !== undefined && pes.ptsOffset !== undefined) {
        const outPts = Math.round(shift(pes.pts));
        rewriteTimestamp(data, pes.ptsOffset, outPts);
        startTs90 = outPts;
        let decode = outPts;
        if (pes.dts !== undefined && pes.dtsOffset !== undefined) {
          decode = Math.round(shift(pes.dts));
          rewriteTimestamp(data, pes.dtsOffset, decode);
        }
        this.#noteTimestamp(h.pid, decode);
      }
    }
    if (sp.runStart !== undefined) this.#runStartPts90 = wrapMod(startTs90 ?? Math.round(time27 / 300), PTS_WRAP);
    this.#stamp(data);
    out.push({ data, time27 });
    if (time27 > this.#lastTime27) this.#lastStep27 = time27 - this.#lastTime27;
    this.#lastTime27 = Math.max(this.#lastTime27, time27);
    return out;
  }

  #seam(sp: SourcePacket): void {
    const roundUp300 = (v: number): number => Math.ceil(v / 300) * 300;
    if (!this.#started) {
      this.#offset27 = roundUp300(INITIAL_TIME_27 - sp.time27);
      this.#started = true;
      return;
    }
    const gap27 = Math.min(Math.max(this.#lastStep27, 1), PCR_HZ / 100);
    let need = this.#lastTime27 + gap27 - sp.time27;
    const srcBase90 = sp.time27 / 300;
    for (const [pid, ts] of sp.runStart?.firstTs90ByPid ?? []) {
      const last = this.#lastTs90.get(pid);
      if (last === undefined) continue;
      const step = this.#tsStep90.get(pid) ?? DEFAULT_TS_STEP_90;
      const src = srcBase90 + wrapDiff(ts, wrapMod(Math.floor(srcBase90), PTS_WRAP), PTS_WRAP);
      need = Math.max(need, (last + step - src) * 300);
    }
    this.#offset27 = roundUp300(need);
  }

  #noteTimestamp(pid: number, ts90: number): void {
    const last = this.#lastTs90.get(pid);
    if (last !== undefined && ts90 > last) this.#tsStep90.set(pid, ts90 - last);
    if (last === undefined || ts90 > last) this.#lastTs90.set(pid, ts90);
  }

  #setProgram(program: ProgramInfo): void {
    const key = JSON.stringify({ ...program, streams: program.streams.map((s) => ({ ...s, esInfo: [...(s.esInfo ?? [])] })) });
    if (this.#program !== undefined && key !== this.#programKey) this.#pmtVersion = (this.#pmtVersion + 1) & 0x1f;
    const patKey = `${program.programNumber}:${program.pmtPid}`;
    if (this.#program !== undefined && patKey !== this.#patKey) this.#patVersion = (this.#patVersion + 1) & 0x1f;
    this.#program = program;
    this.#programKey = key;
    this.#patKey = patKey;
    this.#forcePsi = true;
  }

  #psiPackets(): Buffer[] {
    const program = this.#program;
    if (program === undefined) return [];
    const pat = buildPatSection({ version: this.#patVersion, programs: [{ programNumber: program.programNumber, pmtPid: program.pmtPid }] });
    const packets = [...packetizeSection(PAT_PID, pat), ...packetizeSection(program.pmtPid, buildPmtSection(program, this.#pmtVersion))];
    for (const p of packets) this.#stamp(p);
    return packets;
  }

  /** Renumbers the continuity counter: +1 per payload packet, unchanged for adaptation-only ones. */
  #stamp(data: Buffer): void {
    const h = readPacketHeader(data, 0);
    if (h.pid === NULL_PID) return;
    const prev = this.#cc.get(h.pid);
    const cc = h.hasPayload ? (prev === undefined ? 0 : (prev + 1) & 0x0f) : (prev ?? 0);
    this.#cc.set(h.pid, cc);
    setContinuityCounter(data, 0, cc);
  }
}
