/**
 * Just enough PSI parsing for the StreamHub to know which PID carries the video: the
 * PAT gives the first programme's PMT PID, the PMT gives its first video elementary
 * stream. Sections are read from the one packet that starts them (a single-programme
 * AIR stream's PAT and PMT each fit in one packet); no CRC check — a wrong answer only
 * costs a late joiner its cached start, never the stream.
 */
import { payloadStartAt, pusiAt, TS_PACKET_SIZE } from "./ts-packet.js";

/** `stream_type`s that carry video (ISO/IEC 13818-1 table 2-34): MPEG-1/2, MPEG-4 part 2, H.264, HEVC. */
const VIDEO_STREAM_TYPES = new Set([0x01, 0x02, 0x10, 0x1b, 0x24]);

/** The section starting in the packet at `offset` (after pointer_field), or undefined. */
function sectionAt(buf: Uint8Array, offset: number, tableId: number): { start: number; end: number } | undefined {
  if (!pusiAt(buf, offset)) return undefined;
  const packetEnd = offset + TS_PACKET_SIZE;
  const payload = payloadStartAt(buf, offset);
  if (payload >= packetEnd) return undefined;
  const start = payload + 1 + (buf[payload] as number);
  if (start + 3 > packetEnd || buf[start] !== tableId) return undefined;
  const sectionLength = (((buf[start + 1] as number) & 0x0f) << 8) | (buf[start + 2] as number);
  // Without the CRC (4 bytes) the loop ends here; a section spilling into the next packet is cut.
  const end = Math.min(start + 3 + sectionLength - 4, packetEnd);
  return { start, end };
}

/** PMT PID of the first programme (program_number != 0) in the PAT packet at `offset`. */
export function pmtPidFromPat(buf: Uint8Array, offset: number): number | undefined {
  const section = sectionAt(buf, offset, 0x00);
  if (!section) return undefined;
  for (let i = section.start + 8; i + 4 <= section.end; i += 4) {
    const programNumber = ((buf[i] as number) << 8) | (buf[i + 1] as number);
    if (programNumber !== 0) return (((buf[i + 2] as number) & 0x1f) << 8) | (buf[i + 3] as number);
  }
  return undefined;
}

/** PID of the first video elementary stream in the PMT packet at `offset`. */
export function videoPidFromPmt(buf: Uint8Array, offset: number): number | undefined {
  const section = sectionAt(buf, offset, 0x02);
  if (!section) return undefined;
  const programInfoLength = (((buf[section.start + 10] as number) & 0x0f) << 8) | (buf[section.start + 11] as number);
  for (let i = section.start + 12 + programInfoLength; i + 5 <= section.end; ) {
    const streamType = buf[i] as number;
    const pid = (((buf[i + 1] as number) & 0x1f) << 8) | (buf[i + 2] as number);
    if (VIDEO_STREAM_TYPES.has(streamType)) return pid;
    i += 5 + ((((buf[i + 3] as number) & 0x0f) << 8) | (buf[i + 4] as number));
  }
  return undefined;
}
