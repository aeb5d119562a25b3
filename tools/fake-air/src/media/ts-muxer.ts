import { PAT_PID, PCR_HZ, PCR_WRAP, PTS_WRAP, StreamType } from "../mpegts/constants.js";
import { buildPesPacket, packetizePes } from "../mpegts/pes.js";
import { buildPatSection, buildPmtSection, packetizeSection, type ProgramInfo } from "../mpegts/psi.js";
import type { MediaUnit } from "./media-unit.js";

/** A packet ready for the wire, with its time on the output clock (unwrapped, 27 MHz). */
export interface OutputPacket {
  data: Buffer;
  time27: number;
}

/** PIDs of the output program (the same for every segment, so a switch never changes the PMT). */
export const OUTPUT_PMT_PID = 0x1000;
export const OUTPUT_VIDEO_PID = 0x100;
export const OUTPUT_AUDIO_PID = 0x101;

const PROGRAM: ProgramInfo = {
  programNumber: 1,
  pmtPid: OUTPUT_PMT_PID,
  pcrPid: OUTPUT_VIDEO_PID,
  streams: [
    { streamType: StreamType.H264, pid: OUTPUT_VIDEO_PID },
    { streamType: StreamType.AdtsAac, pid: OUTPUT_AUDIO_PID },
  ],
};
// PAT and PMT at least this often (27 MHz), as broadcasters do.
const PSI_INTERVAL_27 = PCR_HZ / 10;
// A unit goes out this long before it is decoded (the PCR runs this far behind the DTS).
const MUX_DELAY_90 = 18_000;

/**
 * Multiplexes absolute-timed units into MPEG-TS: one PES per unit (video unbounded with PTS
 * and DTS, audio with PTS), PCR and `random_access_indicator` in a key picture's first packet
 * (a PCR on every picture), PAT/PMT every 100 ms and in front of the next unit after
 * {@link forcePsi}, continuity counters per PID. Packet times never go backwards.
 */
export class TsMuxer {
  readonly #cc = new Map<number, number>();
  #lastTime27 = 0;
  #lastPsi27 = Number.NEGATIVE_INFINITY;
  #forcePsi = true;

  /** Output time of the last packet (unwrapped, 27 MHz). */
  get lastTime27(): number {
    return this.#lastTime27;
  }

  /** The packet time a unit with this DTS would get. */
  timeOf(dts90: number): number {
    return Math.max(this.#lastTime27, Math.round(dts90 - MUX_DELAY_90) * 300);
  }

  /** Puts PAT and PMT in front of the next unit. */
  forcePsi(): void {
    this.#forcePsi = true;
  }

  /** The packets of one unit (PAT/PMT first when due). */
  mux(unit: MediaUnit): OutputPacket[] {
    const time27 = this.timeOf(unit.dts90);
    this.#lastTime27 = time27;
    const out: OutputPacket[] = [];
    if (this.#forcePsi || time27 - this.#lastPsi27 >= PSI_INTERVAL_27) {
      const pat = buildPatSection({ programs: [{ programNumber: PROGRAM.programNumber, pmtPid: PROGRAM.pmtPid }] });
      for (const data of [...packetizeSection(PAT_PID, pat, this.#nextCc(PAT_PID, 1)), ...packetizeSection(OUTPUT_PMT_PID, buildPmtSection(PROGRAM), this.#nextCc(OUTPUT_PMT_PID, 1))]) {
        out.push({ data, time27 });
      }
      this.#lastPsi27 = time27;
      this.#forcePsi = false;
    }
    const video = unit.stream === "video";
    const pts = ((Math.round(unit.pts90) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
    const dts = ((Math.round(unit.dts90) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
    const pes = buildPesPacket(video ? { streamId: 0xe0, payload: unit.data, pts, dts, unbounded: true } : { streamId: 0xc0, payload: unit.data, pts });
    const pid = video ? OUTPUT_VIDEO_PID : OUTPUT_AUDIO_PID;
    const packets = packetizePes(pes, {
      pid,
      firstContinuityCounter: this.#cc.has(pid) ? ((this.#cc.get(pid) as number) + 1) & 0xf : 0,
      ...(video ? { pcr27: time27 % PCR_WRAP } : {}),
      ...(unit.key ? { randomAccess: true } : {}),
    });
    this.#cc.set(pid, ((this.#cc.get(pid) ?? -1) + packets.length) & 0xf);
    for (const data of packets) out.push({ data, time27 });
    return out;
  }

  /** First continuity counter for `count` new packets on `pid` (and records them as used). */
  #nextCc(pid: number, count: number): number {
    const first = this.#cc.has(pid) ? ((this.#cc.get(pid) as number) + 1) & 0xf : 0;
    this.#cc.set(pid, (first + count - 1) & 0xf);
    return first;
  }
}
