import { PCR_HZ, StreamType } from "../mpegts/constants.js";
import { buildNullPacket, buildTsPacket } from "../mpegts/packet.js";
import { buildPesPacket, packetizePes } from "../mpegts/pes.js";
import type { ProgramInfo } from "../mpegts/psi.js";
import type { SegmentSource, SourcePacket } from "./segment-source.js";

/** PMT PID of synthetic output (the same as common muxers', so a switch only bumps the PMT version). */
export const SYNTHETIC_PMT_PID = 0x1000;
/**
 * Elementary (private data) PID of synthetic output; it also carries the PCR. Chosen away from
 * the PIDs muxers give audio/video (0x100…), so players never feed it to a video decoder.
 */
export const SYNTHETIC_ES_PID = 0x1f00;
const PRIVATE_STREAM_1 = 0xbd;
// PTS runs this far ahead of the PCR, like an encoder's decode delay (90 kHz).
const PTS_DELAY_90 = 9000;
// Extra PCR-only packets keep PCR spacing within the 40 ms recommended by ISO/IEC 13818-1.
const MAX_PCR_GAP_27 = 30 * 27_000;

/** Options of {@link createSyntheticSource}. */
export interface SyntheticSourceOptions {
  /** Output rate, bits per second. */
  bitrateBps: number;
  fpsNumerator: number;
  fpsDenominator: number;
  /** Text stamped into each frame's payload (e.g. the asset path). */
  label: string;
}

/**
 * Generates valid TS forever: one PES (private_stream_1, PTS) per frame on {@link SYNTHETIC_ES_PID}
 * with a PCR in its first packet, padded with null packets to `bitrateBps`.
 */
export function createSyntheticSource(options: SyntheticSourceOptions): SegmentSource {
  const program: ProgramInfo = {
    programNumber: 1,
    pmtPid: SYNTHETIC_PMT_PID,
    pcrPid: SYNTHETIC_ES_PID,
    streams: [{ streamType: StreamType.PrivatePes, pid: SYNTHETIC_ES_PID }],
  };
  const frameDur27 = (PCR_HZ * options.fpsDenominator) / options.fpsNumerator;
  const packetDur27 = (188 * 8 * PCR_HZ) / options.bitrateBps;
  const label = Buffer.from(`RETROVUE FAKE-AIR ${options.label} `);
  let frame = 0;
  let queue: SourcePacket[] = [];
  let head = 0;
  let first = true;

  const fill = (): void => {
    queue = [];
    head = 0;
    const t0 = frame * frameDur27;
    const packetsInFrame = Math.max(1, Math.round(((frame + 1) * frameDur27 - t0) / packetDur27));
    const payloadBytes = Math.max(16, Math.min(60_000, Math.floor(packetsInFrame * 184 * 0.5) - 40));
    const payload = Buffer.alloc(payloadBytes, 0xff);
    label.copy(payload, 0, 0, Math.min(label.length, payloadBytes));
    payload.writeUInt32BE(frame >>> 0, Math.min(payloadBytes - 4, label.length));
    const pts = t0 / 300 + PTS_DELAY_90;
    const pes = buildPesPacket({ streamId: PRIVATE_STREAM_1, payload, pts });
    const pesPackets = packetizePes(pes, { pid: SYNTHETIC_ES_PID, pcr27: t0, randomAccess: true });
    const step = frameDur27 / Math.max(packetsInFrame, pesPackets.length);
    const total = Math.max(packetsInFrame, pesPackets.length);
    let lastPcr = t0;
    for (let k = 0; k < total; k++) {
      const time27 = t0 + k * step;
      let data: Uint8Array;
      if (k < pesPackets.length) data = pesPackets[k] as Buffer;
      else if (time27 - lastPcr >= MAX_PCR_GAP_27) {
        data = buildTsPacket({ pid: SYNTHETIC_ES_PID, pcr27: Math.round(time27) });
        lastPcr = time27;
      } else data = buildNullPacket();
      const packet: SourcePacket = { data, time27, frameStart: k === 0 };
      if (first) {
        packet.runStart = { framePid: SYNTHETIC_ES_PID, firstTs90ByPid: new Map([[SYNTHETIC_ES_PID, pts]]), firstFramePts90: pts };
        first = false;
      }
      queue.push(packet);
    }
    frame++;
  };

  return {
    kind: "synthetic",
    program,
    peek(): SourcePacket {
      if (head >= queue.length) fill();
      return queue[head] as SourcePacket;
    },
    next(): SourcePacket {
      if (head >= queue.length) fill();
      return queue[head++] as SourcePacket;
    },
  };
}
