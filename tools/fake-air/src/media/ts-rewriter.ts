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
 * time offset so that the PCR keeps rising and the frame PID's DTS/PTS continue one frame after
 * the last (video stays exactly continuous); a PES of another stream (audio) that would overlap
 * what that stream already sent is dropped, leaving at most a short gap. It rewrites PCR, PTS and
 * DTS by the offset, renumbers continuity counters per PID, and announces PAT/PMT at run starts
 * and every 100 ms (PMT version bumped when the program changes).
 */
export class TsRewriter {
  readonly #cc = new Map<number, number>();
  readonly #lastTs90 = new Map<number, number>();
  readonly #tsStep90 = new Map<number, number>();
  #offset27 = 0;
  #started = false;
  #lastTime27 = INITIAL_TIME_27;
  #lastPcrOut27 = Number.NEGATIVE_INFINITY;
  #program: ProgramInfo | undefined;
  #programKey = "";
  #pmtVersion = 0;
  #patKey = "";
  #patVersion = 0;
  #lastPsiTime27 = Number.NEGATIVE_INFINITY;
  #forcePsi = true;
  #runStartPts90 = 0;
  #framePid = -1;
  // Highest PTS sent per PID (unwrapped, 90 kHz): with B-frames it runs ahead of the DTS.
  readonly #maxPts90 = new Map<number, number>();
  // Non-frame PIDs whose current PES is being dropped because it would overlap.
  readonly #dropping = new Set<number>();

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
    const h = readPacketHeader(sp.data, 0);
    if (h.hasPayload && h.pid !== this.#framePid && h.pid !== NULL_PID && this.#overlaps(sp, h.pusi)) return out;
    const data = Buffer.from(sp.data);
    const pcr = readPcr(data, 0);
    if (pcr !== undefined) writePcr(data, 0, pcr + this.#offset27);
    let startTs90: number | undefined;
    if (h.pusi && h.pid !== NULL_PID) {
      const at = payloadOffset(data, 0);
      const pes = at < 0 ? undefined : readPesHeader(data, at, data.length);
      // Unwrap the 33-bit timestamp next to the packet's (unwrapped) time, then shift it.
      const base90 = Math.floor(sp.time27 / 300);
      const shift = (ts: number): number => base90 + wrapDiff(ts, wrapMod(base90, PTS_WRAP), PTS_WRAP) + this.#offset27 / 300;
      if (pes?.pts !== undefined && pes.ptsOffset !== undefined) {
        const outPts = shift(pes.pts);
        rewriteTimestamp(data, pes.ptsOffset, outPts);
        startTs90 = outPts;
        this.#maxPts90.set(h.pid, Math.max(this.#maxPts90.get(h.pid) ?? outPts, outPts));
        let decode = outPts;
        if (pes.dts !== undefined && pes.dtsOffset !== undefined) {
          decode = shift(pes.dts);
          rewriteTimestamp(data, pes.dtsOffset, decode);
        }
        this.#noteTimestamp(h.pid, decode);
      }
    }
    if (sp.runStart !== undefined) this.#runStartPts90 = wrapMod(startTs90 ?? Math.round(time27 / 300), PTS_WRAP);
    this.#stamp(data);
    out.push({ data, time27 });
    if (pcr !== undefined) this.#lastPcrOut27 = Math.max(this.#lastPcrOut27, time27);
    this.#lastTime27 = Math.max(this.#lastTime27, time27);
    return out;
  }

  /** True when this packet belongs to a PES that would start before its stream's last one ended. */
  #overlaps(sp: SourcePacket, pusi: boolean): boolean {
    const pid = readPacketHeader(sp.data, 0).pid;
    if (!pusi) return this.#dropping.has(pid);
    this.#dropping.delete(pid);
    const last = this.#lastTs90.get(pid);
    if (last === undefined) return false;
    const at = payloadOffset(sp.data, 0);
    const pes = at < 0 ? undefined : readPesHeader(sp.data, at, sp.data.length);
    const ts = pes?.dts ?? pes?.pts;
    if (ts === undefined) return false;
    const base90 = Math.floor(sp.time27 / 300);
    const out = base90 + wrapDiff(ts, wrapMod(base90, PTS_WRAP), PTS_WRAP) + this.#offset27 / 300;
    if (out >= last + (this.#tsStep90.get(pid) ?? 0)) return false;
    this.#dropping.add(pid);
    return true;
  }

  #seam(sp: SourcePacket): void {
    const roundUp300 = (v: number): number => Math.ceil(v / 300) * 300;
    this.#framePid = sp.runStart?.framePid ?? -1;
    this.#dropping.clear();
    if (!this.#started) {
      this.#offset27 = roundUp300(INITIAL_TIME_27 - sp.time27);
      this.#started = true;
      return;
    }
    // Never earlier than what was sent (pacing order), PCR strictly rising (one 90 kHz tick).
    let need = Math.max(this.#lastTime27, this.#lastPcrOut27 + 300) - sp.time27;
    const base90 = Math.floor(sp.time27 / 300);
    for (const [pid, ts] of sp.runStart?.firstTs90ByPid ?? []) {
      const last = this.#lastTs90.get(pid);
      if (last === undefined || pid !== this.#framePid) continue;
      const step = this.#tsStep90.get(pid) ?? DEFAULT_TS_STEP_90;
      const src = base90 + wrapDiff(ts, wrapMod(base90, PTS_WRAP), PTS_WRAP);
      need = Math.max(need, (last + step - src) * 300);
    }
    // The first new frame must also be shown after every frame already sent (B-frame reorder).
    const maxPts = this.#maxPts90.get(this.#framePid);
    const firstPts = sp.runStart?.firstFramePts90;
    if (maxPts !== undefined && firstPts !== undefined) {
      const step = this.#tsStep90.get(this.#framePid) ?? DEFAULT_TS_STEP_90;
      need = Math.max(need, (maxPts + step - (base90 + wrapDiff(firstPts, wrapMod(base90, PTS_WRAP), PTS_WRAP))) * 300);
    }
    this.#offset27 = roundUp300(need);
  }

  #noteTimestamp(pid: number, ts90: number): void {
    const last = this.#lastTs90.get(pid);
    // The smallest step seen is the access-unit duration; gaps (seams, drops) must not widen it.
    if (last !== undefined && ts90 > last) this.#tsStep90.set(pid, Math.min(this.#tsStep90.get(pid) ?? Number.POSITIVE_INFINITY, ts90 - last));
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
