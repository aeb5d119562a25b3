/**
 * Reading the few MPEG-TS fields the HLS segmenter needs (ISO/IEC 13818-1): packet
 * header and adaptation-field flags, PAT and PMT (single-packet sections, which is what
 * every muxer writes for one program), the PTS of a PES header, and whether a video
 * access unit is a random access point. No CRC checks: the bytes come from our own engine.
 */

/** The header fields of one 188-byte packet. */
export interface TsPacketHeader {
  readonly pid: number;
  /** payload_unit_start_indicator: a PES packet or PSI section starts here. */
  readonly payloadUnitStart: boolean;
  /** Adaptation field discontinuity_indicator: the stream was spliced before this packet. */
  readonly discontinuity: boolean;
  /** Adaptation field random_access_indicator: a decoder can start here. */
  readonly randomAccess: boolean;
  /** Offset of the payload within the packet; 188 when there is none. */
  readonly payloadOffset: number;
}

/** Stream types (PMT) that carry video the segmenter cuts on. */
const VIDEO_STREAM_TYPES = new Set([0x01, 0x02, 0x1b, 0x24]);
/** H.264 and H.265 (HEVC) stream types, whose NAL units tell a keyframe apart. */
const H264 = 0x1b;
const HEVC = 0x24;

/** Reads the header of the packet at `offset` (the sync byte is not checked here). */
export function readPacketHeader(buf: Uint8Array, offset: number): TsPacketHeader {
  const b1 = buf[offset + 1] ?? 0;
  const b3 = buf[offset + 3] ?? 0;
  const pid = ((b1 & 0x1f) << 8) | (buf[offset + 2] ?? 0);
  const control = (b3 >> 4) & 0x3;
  let payloadOffset = 4;
  let discontinuity = false;
  let randomAccess = false;
  if ((control & 0x2) !== 0) {
    const length = buf[offset + 4] ?? 0;
    if (length > 0) {
      const flags = buf[offset + 5] ?? 0;
      discontinuity = (flags & 0x80) !== 0;
      randomAccess = (flags & 0x40) !== 0;
    }
    payloadOffset = 5 + length;
  }
  if ((control & 0x1) === 0 || payloadOffset > 188) payloadOffset = 188;
  return { pid, payloadUnitStart: (b1 & 0x40) !== 0, discontinuity, randomAccess, payloadOffset };
}

/** The section bytes of a PSI packet (after the pointer field), or undefined. */
function sectionOf(packet: Uint8Array, header: TsPacketHeader): Uint8Array | undefined {
  if (!header.payloadUnitStart || header.payloadOffset >= 188) return undefined;
  const start = header.payloadOffset + 1 + (packet[header.payloadOffset] ?? 0);
  if (start + 3 > 188) return undefined;
  const length = (((packet[start + 1] ?? 0) & 0x0f) << 8) | (packet[start + 2] ?? 0);
  const end = Math.min(188, start + 3 + length);
  return packet.subarray(start, end);
}

/** PID of the first program's PMT in a PAT packet, or undefined. */
export function pmtPidOf(packet: Uint8Array, header: TsPacketHeader): number | undefined {
  const section = sectionOf(packet, header);
  if (section === undefined || section[0] !== 0x00) return undefined;
  // Program loop: after the 8-byte section header, up to the 4-byte CRC.
  for (let i = 8; i + 4 <= section.length - 4; i += 4) {
    const program = ((section[i] ?? 0) << 8) | (section[i + 1] ?? 0);
    if (program !== 0) return (((section[i + 2] ?? 0) & 0x1f) << 8) | (section[i + 3] ?? 0);
  }
  return undefined;
}

/** The video elementary stream a PMT declares. */
export interface VideoStream {
  readonly pid: number;
  readonly streamType: number;
}

/** The first video stream of a PMT packet, or undefined (no PMT section, or no video). */
export function videoStreamOf(packet: Uint8Array, header: TsPacketHeader): VideoStream | undefined {
  const section = sectionOf(packet, header);
  if (section === undefined || section[0] !== 0x02) return undefined;
  const programInfoLength = (((section[10] ?? 0) & 0x0f) << 8) | (section[11] ?? 0);
  for (let i = 12 + programInfoLength; i + 5 <= section.length - 4; ) {
    const streamType = section[i] ?? 0;
    const pid = (((section[i + 1] ?? 0) & 0x1f) << 8) | (section[i + 2] ?? 0);
    const esInfoLength = (((section[i + 3] ?? 0) & 0x0f) << 8) | (section[i + 4] ?? 0);
    if (VIDEO_STREAM_TYPES.has(streamType)) return { pid, streamType };
    i += 5 + esInfoLength;
  }
  return undefined;
}

/** The start of a video PES in a packet: its PTS (90 kHz) and whether it is a keyframe. */
export interface VideoPesStart {
  readonly ptsTicks: number | undefined;
  readonly keyframe: boolean;
}

/**
 * Reads the PES header starting in a packet with payload_unit_start set: the PTS, and
 * whether the access unit is a random access point — the adaptation field says so
 * (random_access_indicator), or an IDR / IRAP NAL unit starts within this packet.
 */
export function readVideoPesStart(packet: Uint8Array, header: TsPacketHeader, streamType: number): VideoPesStart | undefined {
  const p = header.payloadOffset;
  if (p + 9 > 188 || packet[p] !== 0 || packet[p + 1] !== 0 || packet[p + 2] !== 1) return undefined;
  const flags = packet[p + 7] ?? 0;
  const headerDataLength = packet[p + 8] ?? 0;
  let ptsTicks: number | undefined;
  if ((flags & 0x80) !== 0 && p + 14 <= 188) {
    const b = (i: number): number => packet[p + 9 + i] ?? 0;
    // 33 bits: multiply instead of shifting past 31 bits.
    ptsTicks = ((b(0) >> 1) & 0x07) * 2 ** 30 + (b(1) << 22) + ((b(2) >> 1) << 15) + (b(3) << 7) + (b(4) >> 1);
  }
  const esStart = p + 9 + headerDataLength;
  return { ptsTicks, keyframe: header.randomAccess || hasRandomAccessNal(packet, esStart, streamType) };
}

/** Whether an H.264 IDR (type 5) or an HEVC IRAP (types 16–21) NAL unit starts in `packet[from..188)`. */
export function hasRandomAccessNal(packet: Uint8Array, from: number, streamType: number): boolean {
  if (streamType !== H264 && streamType !== HEVC) return false;
  for (let i = Math.max(0, from); i + 3 < 188; i++) {
    if (packet[i] !== 0 || packet[i + 1] !== 0 || packet[i + 2] !== 1) continue;
    const nal = packet[i + 3] ?? 0;
    if (streamType === H264 && (nal & 0x1f) === 5) return true;
    if (streamType === HEVC) {
      const type = (nal >> 1) & 0x3f;
      if (type >= 16 && type <= 21) return true;
    }
  }
  return false;
}
