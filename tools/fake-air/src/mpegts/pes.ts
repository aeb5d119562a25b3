import { PTS_WRAP, TS_PACKET_SIZE } from "./constants.js";
import { buildTsPacket } from "./packet.js";

/** Where the timestamps of a PES header sit, and their values (90 kHz). */
export interface PesHeaderInfo {
  streamId: number;
  /** PES_packet_length (0 = unbounded, video only). */
  packetLength: number;
  pts?: number;
  dts?: number;
  /** Absolute offset of the 5-byte PTS field. */
  ptsOffset?: number;
  /** Absolute offset of the 5-byte DTS field. */
  dtsOffset?: number;
}

// Stream ids whose PES packets have no optional header (13818-1 2.4.3.7).
const NO_OPTIONAL_HEADER = new Set([0xbc, 0xbe, 0xbf, 0xf0, 0xf1, 0xf2, 0xf8, 0xff]);

/**
 * Reads a PES header starting at `at` (a payload start with PUSI set) within `end`.
 * Returns undefined when the bytes are not a PES start or the header is cut off.
 */
export function readPesHeader(buf: Uint8Array, at: number, end: number = at - (at % TS_PACKET_SIZE) + TS_PACKET_SIZE): PesHeaderInfo | undefined {
  if (at + 6 > end || buf[at] !== 0 || buf[at + 1] !== 0 || buf[at + 2] !== 1) return undefined;
  const streamId = buf[at + 3] as number;
  const packetLength = ((buf[at + 4] as number) << 8) | (buf[at + 5] as number);
  const info: PesHeaderInfo = { streamId, packetLength };
  if (NO_OPTIONAL_HEADER.has(streamId) || at + 9 > end) return info;
  const flags = (buf[at + 7] as number) >> 6;
  if ((flags & 0x2) !== 0 && at + 14 <= end) {
    info.ptsOffset = at + 9;
    info.pts = readTimestamp(buf, at + 9);
  }
  if (flags === 0x3 && at + 19 <= end) {
    info.dtsOffset = at + 14;
    info.dts = readTimestamp(buf, at + 14);
  }
  return info;
}

/** Decodes a 5-byte PTS/DTS field (90 kHz ticks, 33 bits). */
export function readTimestamp(buf: Uint8Array, at: number): number {
  const b = (i: number): number => buf[at + i] as number;
  return ((b(0) >> 1) & 0x7) * 2 ** 30 + ((b(1) << 22) | ((b(2) >> 1) << 15) | (b(3) << 7) | (b(4) >> 1));
}

/**
 * Encodes a PTS/DTS (90 kHz, wrapped to 33 bits) at `at` with the 4-bit `prefix`
 * (0b0010 PTS alone, 0b0011 PTS before a DTS, 0b0001 DTS), keeping the marker bits.
 */
export function writeTimestamp(buf: Uint8Array, at: number, prefix: number, ts90: number): void {
  const v = ((Math.round(ts90) % PTS_WRAP) + PTS_WRAP) % PTS_WRAP;
  const high = Math.floor(v / 2 ** 30) & 0x7;
  const low = v % 2 ** 30;
  buf[at] = ((prefix & 0xf) << 4) | (high << 1) | 1;
  buf[at + 1] = (low >>> 22) & 0xff;
  buf[at + 2] = (((low >>> 15) & 0x7f) << 1) | 1;
  buf[at + 3] = (low >>> 7) & 0xff;
  buf[at + 4] = ((low & 0x7f) << 1) | 1;
}

/** Rewrites the timestamp at `at` keeping its prefix nibble. */
export function rewriteTimestamp(buf: Uint8Array, at: number, ts90: number): void {
  writeTimestamp(buf, at, (buf[at] as number) >> 4, ts90);
}

/** Options of {@link buildPesPacket}. */
export interface BuildPesOptions {
  streamId: number;
  payload: Uint8Array;
  /** 90 kHz. */
  pts?: number;
  /** 90 kHz; only together with `pts`. */
  dts?: number;
  /** Write PES_packet_length 0 (allowed for video stream ids only). */
  unbounded?: boolean;
}

/** Builds a PES packet (header with optional PTS/DTS, then the payload). Throws RangeError if too long. */
export function buildPesPacket(options: BuildPesOptions): Buffer {
  const hasPts = options.pts !== undefined;
  const hasDts = hasPts && options.dts !== undefined;
  const headerDataLength = hasDts ? 10 : hasPts ? 5 : 0;
  const pes = Buffer.alloc(9 + headerDataLength + options.payload.length);
  pes[0] = 0;
  pes[1] = 0;
  pes[2] = 1;
  pes[3] = options.streamId;
  const length = pes.length - 6;
  if (!options.unbounded && length > 0xffff) throw new RangeError(`PES of ${length} bytes exceeds PES_packet_length`);
  pes.writeUInt16BE(options.unbounded ? 0 : length, 4);
  pes[6] = 0x80; // '10' marker bits, no scrambling/priority/alignment flags
  pes[7] = hasDts ? 0xc0 : hasPts ? 0x80 : 0;
  pes[8] = headerDataLength;
  if (hasPts) writeTimestamp(pes, 9, hasDts ? 0x3 : 0x2, options.pts as number);
  if (hasDts) writeTimestamp(pes, 14, 0x1, options.dts as number);
  pes.set(options.payload, 9 + headerDataLength);
  return pes;
}

/** Options of {@link packetizePes}. */
export interface PacketizePesOptions {
  pid: number;
  /** PCR carried in the first packet (27 MHz). */
  pcr27?: number;
  /** Marks the first packet as a random access point (key frame). */
  randomAccess?: boolean;
  /** Continuity counter of the first packet; later ones count up mod 16. */
  firstContinuityCounter?: number;
}

/** Splits a PES packet into TS packets; the last one is padded with adaptation stuffing. */
export function packetizePes(pes: Uint8Array, options: PacketizePesOptions): Buffer[] {
  const packets: Buffer[] = [];
  let cc = options.firstContinuityCounter ?? 0;
  let at = 0;
  let first = true;
  while (at < pes.length || first) {
    const withFlags = first && (options.pcr27 !== undefined || options.randomAccess === true);
    const room = 184 - (withFlags ? (options.pcr27 !== undefined ? 8 : 2) : 0);
    const chunk = pes.subarray(at, Math.min(pes.length, at + room));
    const packetOptions: Parameters<typeof buildTsPacket>[0] = { pid: options.pid, payload: chunk, pusi: first, continuityCounter: cc };
    if (first && options.pcr27 !== undefined) packetOptions.pcr27 = options.pcr27;
    if (first && options.randomAccess === true) packetOptions.randomAccess = true;
    packets.push(buildTsPacket(packetOptions));
    cc = (cc + 1) & 0xf;
    at += chunk.length;
    first = false;
  }
  return packets;
}
