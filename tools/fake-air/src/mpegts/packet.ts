import { NULL_PID, PCR_WRAP, SYNC_BYTE, TS_PACKET_SIZE } from "./constants.js";

/** Decoded 4-byte header of a TS packet (plus adaptation-field flags). */
export interface TsPacketHeader {
  pid: number;
  /** payload_unit_start_indicator: a PES or section starts in this packet. */
  pusi: boolean;
  transportError: boolean;
  /** adaptation_field_control: 1 payload only, 2 adaptation only, 3 both. */
  adaptationFieldControl: number;
  continuityCounter: number;
  hasPayload: boolean;
  hasAdaptation: boolean;
  /** discontinuity_indicator of the adaptation field. */
  discontinuity: boolean;
  /** random_access_indicator of the adaptation field. */
  randomAccess: boolean;
}

/** Reads the header of the packet at `offset`. The caller checks the sync byte. */
export function readPacketHeader(buf: Uint8Array, offset = 0): TsPacketHeader {
  const b1 = buf[offset + 1] as number;
  const b3 = buf[offset + 3] as number;
  const afc = (b3 >> 4) & 0x3;
  const hasAdaptation = (afc & 0x2) !== 0;
  const afLength = hasAdaptation ? (buf[offset + 4] as number) : 0;
  const flags = hasAdaptation && afLength > 0 ? (buf[offset + 5] as number) : 0;
  return {
    pid: ((b1 & 0x1f) << 8) | (buf[offset + 2] as number),
    pusi: (b1 & 0x40) !== 0,
    transportError: (b1 & 0x80) !== 0,
    adaptationFieldControl: afc,
    continuityCounter: b3 & 0x0f,
    hasPayload: (afc & 0x1) !== 0,
    hasAdaptation,
    discontinuity: (flags & 0x80) !== 0,
    randomAccess: (flags & 0x40) !== 0,
  };
}

/** PID of the packet at `offset`. */
export function readPid(buf: Uint8Array, offset = 0): number {
  return (((buf[offset + 1] as number) & 0x1f) << 8) | (buf[offset + 2] as number);
}

/** Absolute offset of the payload of the packet at `offset`, or −1 when it carries none. */
export function payloadOffset(buf: Uint8Array, offset = 0): number {
  const afc = ((buf[offset + 3] as number) >> 4) & 0x3;
  if ((afc & 0x1) === 0) return -1;
  const start = afc & 0x2 ? offset + 5 + (buf[offset + 4] as number) : offset + 4;
  return start < offset + TS_PACKET_SIZE ? start : -1;
}

/** Sets the 4-bit continuity counter of the packet at `offset`. */
export function setContinuityCounter(buf: Uint8Array, offset: number, cc: number): void {
  buf[offset + 3] = ((buf[offset + 3] as number) & 0xf0) | (cc & 0x0f);
}

function pcrFieldOffset(buf: Uint8Array, offset: number): number {
  const afc = ((buf[offset + 3] as number) >> 4) & 0x3;
  if ((afc & 0x2) === 0) return -1;
  const afLength = buf[offset + 4] as number;
  if (afLength < 7 || ((buf[offset + 5] as number) & 0x10) === 0) return -1;
  return offset + 6;
}

/** PCR of the packet at `offset` in 27 MHz ticks (base × 300 + extension), or undefined. */
export function readPcr(buf: Uint8Array, offset = 0): number | undefined {
  const at = pcrFieldOffset(buf, offset);
  if (at < 0) return undefined;
  const b = (i: number): number => buf[at + i] as number;
  const base = b(0) * 2 ** 25 + b(1) * 2 ** 17 + b(2) * 2 ** 9 + b(3) * 2 + (b(4) >> 7);
  const ext = ((b(4) & 0x1) << 8) | b(5);
  return base * 300 + ext;
}

/** Encodes a PCR (27 MHz ticks, wrapped to 2^33 × 300) into 6 bytes at `at`. */
export function encodePcr(buf: Uint8Array, at: number, pcr27: number): void {
  const v = ((pcr27 % PCR_WRAP) + PCR_WRAP) % PCR_WRAP;
  const base = Math.floor(v / 300);
  const ext = v - base * 300;
  buf[at] = Math.floor(base / 2 ** 25) & 0xff;
  buf[at + 1] = Math.floor(base / 2 ** 17) & 0xff;
  buf[at + 2] = Math.floor(base / 2 ** 9) & 0xff;
  buf[at + 3] = Math.floor(base / 2) & 0xff;
  buf[at + 4] = ((base % 2) << 7) | 0x7e | ((ext >> 8) & 0x1);
  buf[at + 5] = ext & 0xff;
}

/** Overwrites the PCR of the packet at `offset`; returns false when it has none. */
export function writePcr(buf: Uint8Array, offset: number, pcr27: number): boolean {
  const at = pcrFieldOffset(buf, offset);
  if (at < 0) return false;
  encodePcr(buf, at, pcr27);
  return true;
}

/** Options of {@link buildTsPacket}. */
export interface BuildTsPacketOptions {
  pid: number;
  payload?: Uint8Array;
  pusi?: boolean;
  continuityCounter?: number;
  /** PCR to carry, in 27 MHz ticks. */
  pcr27?: number;
  randomAccess?: boolean;
  discontinuity?: boolean;
}

/**
 * Builds one 188-byte packet. The payload must fit (at most 184 bytes, less with a PCR); the
 * rest is filled with adaptation-field stuffing. Throws RangeError when it does not fit.
 */
export function buildTsPacket(options: BuildTsPacketOptions): Buffer {
  const payload = options.payload ?? new Uint8Array(0);
  const pkt = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  const needsFlags = options.pcr27 !== undefined || options.randomAccess === true || options.discontinuity === true;
  const flagBytes = needsFlags ? 1 + (options.pcr27 !== undefined ? 6 : 0) : 0;
  const room = TS_PACKET_SIZE - 4;
  let afLength = -1; // −1: no adaptation field at all
  if (needsFlags) afLength = flagBytes;
  const used = (afLength >= 0 ? 1 + afLength : 0) + payload.length;
  if (used > room) throw new RangeError(`payload of ${payload.length} bytes does not fit in a TS packet`);
  if (used < room) afLength = room - payload.length - 1; // pad via stuffing
  const hasPayload = payload.length > 0;
  const afc = (afLength >= 0 ? 0x2 : 0) | (hasPayload ? 0x1 : 0);
  pkt[0] = SYNC_BYTE;
  pkt[1] = (options.pusi ? 0x40 : 0) | ((options.pid >> 8) & 0x1f);
  pkt[2] = options.pid & 0xff;
  pkt[3] = (afc << 4) | ((options.continuityCounter ?? 0) & 0x0f);
  let at = 4;
  if (afLength >= 0) {
    pkt[4] = afLength;
    at = 5;
    if (afLength > 0) {
      pkt[5] = (options.discontinuity ? 0x80 : 0) | (options.randomAccess ? 0x40 : 0) | (options.pcr27 !== undefined ? 0x10 : 0);
      at = 6;
      if (options.pcr27 !== undefined) {
        encodePcr(pkt, 6, options.pcr27);
        at = 12;
      }
    }
    at = 5 + afLength;
  }
  pkt.set(payload, at);
  return pkt;
}

/** A null packet (PID 0x1FFF, payload 0xFF). */
export function buildNullPacket(): Buffer {
  const pkt = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  pkt[0] = SYNC_BYTE;
  pkt[1] = (NULL_PID >> 8) & 0x1f;
  pkt[2] = NULL_PID & 0xff;
  pkt[3] = 0x10;
  return pkt;
}
