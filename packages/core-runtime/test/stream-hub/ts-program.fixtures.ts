/**
 * Builds a small but well-formed single-programme MPEG-TS in tests: PAT → PMT (PID
 * 0x1000) → H.264 video on 0x100 (keyframes flagged with random_access_indicator) and
 * audio on 0x101, with a continuity counter per PID.
 */
import { PACKET } from "./stream-hub.fixtures.js";

export const PMT_PID = 0x1000;
export const VIDEO_PID = 0x100;
export const AUDIO_PID = 0x101;

function header(pid: number, pusi: boolean, cc: number, afc: number): Buffer {
  const packet = Buffer.alloc(PACKET, 0xff);
  packet[0] = 0x47;
  packet[1] = (pusi ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  packet[2] = pid & 0xff;
  packet[3] = (afc << 4) | (cc & 0x0f);
  return packet;
}

/** A PSI packet: pointer_field 0, then `section` (CRC bytes left as zero: the hub does not check them). */
function psiPacket(pid: number, cc: number, section: number[]): Buffer {
  const packet = header(pid, true, cc, 1);
  packet[4] = 0;
  Buffer.from(section).copy(packet, 5);
  return packet;
}

export function patPacket(cc: number): Buffer {
  // table 0, section_length 13: tsid(2) ver(1) sec(1) last(1) program 1 → PMT PID, CRC(4)
  return psiPacket(0, cc, [0x00, 0xb0, 13, 0, 1, 0xc1, 0, 0, 0, 1, 0xe0 | (PMT_PID >> 8), PMT_PID & 0xff, 0, 0, 0, 0]);
}

export function pmtPacket(cc: number): Buffer {
  // table 2, program 1, PCR PID = video, no program info, two streams (H.264, AAC), CRC(4)
  const streams = [0x1b, 0xe0 | (VIDEO_PID >> 8), VIDEO_PID & 0xff, 0xf0, 0, 0x0f, 0xe0 | (AUDIO_PID >> 8), AUDIO_PID & 0xff, 0xf0, 0];
  const body = [0, 1, 0xc1, 0, 0, 0xe0 | (VIDEO_PID >> 8), VIDEO_PID & 0xff, 0xf0, 0, ...streams];
  return psiPacket(PMT_PID, cc, [0x02, 0xb0, body.length + 4, ...body, 0, 0, 0, 0]);
}

/** A video packet; a keyframe start carries an adaptation field with random_access_indicator. */
export function videoPacket(cc: number, options: { key?: boolean; pusi?: boolean; fill?: number } = {}): Buffer {
  const packet = header(VIDEO_PID, options.pusi ?? options.key === true, cc, options.key ? 3 : 1);
  if (options.key) {
    packet[4] = 1; // adaptation_field_length
    packet[5] = 0x40; // random_access_indicator
    packet.fill(options.fill ?? 0x11, 6);
  } else packet.fill(options.fill ?? 0x22, 4);
  return packet;
}

export function audioPacket(cc: number, fill = 0x33): Buffer {
  return header(AUDIO_PID, true, cc, 1).fill(fill, 4);
}

/** Continuity counters per PID across a generated stream. */
export class CcCounters {
  private readonly next = new Map<number, number>();
  take(pid: number): number {
    const cc = this.next.get(pid) ?? 0;
    this.next.set(pid, (cc + 1) & 0x0f);
    return cc;
  }
}

/**
 * `gops` GOPs of `packetsPerGop` packets each: PAT, PMT, keyframe, then video and audio
 * alternating. Payload fill bytes encode the GOP index so positions can be checked.
 */
export function programStream(gops: number, packetsPerGop: number, cc = new CcCounters(), firstGop = 0): Buffer {
  const packets: Buffer[] = [];
  for (let g = firstGop; g < firstGop + gops; g++) {
    packets.push(patPacket(cc.take(0)), pmtPacket(cc.take(PMT_PID)), videoPacket(cc.take(VIDEO_PID), { key: true, fill: g & 0xff }));
    for (let i = 3; i < packetsPerGop; i++) {
      packets.push(i % 2 === 0 ? audioPacket(cc.take(AUDIO_PID), g & 0xff) : videoPacket(cc.take(VIDEO_PID), { pusi: i % 5 === 0, fill: g & 0xff }));
    }
  }
  return Buffer.concat(packets);
}

/** One packet's header fields, as a player reads them. */
export interface ParsedPacket {
  readonly pid: number;
  readonly pusi: boolean;
  readonly cc: number;
  readonly hasPayload: boolean;
  readonly discontinuity: boolean;
  readonly randomAccess: boolean;
}

/** Parses whole packets; throws on a packet without sync byte. */
export function parsePackets(buf: Buffer): ParsedPacket[] {
  if (buf.length % PACKET !== 0) throw new Error(`${buf.length} bytes is not whole packets`);
  const out: ParsedPacket[] = [];
  for (let at = 0; at < buf.length; at += PACKET) {
    if (buf[at] !== 0x47) throw new Error(`no sync byte at ${at}`);
    const afc = ((buf[at + 3] as number) >> 4) & 3;
    const hasAf = (afc & 2) !== 0 && (buf[at + 4] as number) > 0;
    out.push({
      pid: (((buf[at + 1] as number) & 0x1f) << 8) | (buf[at + 2] as number),
      pusi: ((buf[at + 1] as number) & 0x40) !== 0,
      cc: (buf[at + 3] as number) & 0x0f,
      hasPayload: (afc & 1) !== 0,
      discontinuity: hasAf && ((buf[at + 5] as number) & 0x80) !== 0,
      randomAccess: hasAf && ((buf[at + 5] as number) & 0x40) !== 0,
    });
  }
  return out;
}

/**
 * Continuity errors as ffmpeg's demuxer counts them: a payload packet advances the
 * counter by one, an adaptation-only one repeats it, discontinuity_indicator excuses a jump.
 */
export function continuityErrors(packets: readonly ParsedPacket[]): number {
  const last = new Map<number, number>();
  let errors = 0;
  for (const p of packets) {
    const prev = last.get(p.pid);
    const expected = prev === undefined ? p.cc : p.hasPayload ? (prev + 1) & 0x0f : prev;
    if (!p.discontinuity && p.cc !== expected) errors++;
    last.set(p.pid, p.cc);
  }
  return errors;
}
