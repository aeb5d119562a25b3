/**
 * Signals a splice the way MPEG-TS provides: discontinuity_indicator = 1 in the
 * adaptation field of the first packet of each PID from the new stream, so a player
 * accepts the continuity counters and timestamps restarting (ISO/IEC 13818-1 2.4.3.5).
 */
import { adaptationControlAt, pidAt, TS_PACKET_SIZE, TS_SYNC_BYTE } from "./ts-packet.js";

const DISCONTINUITY_FLAG = 0x80;

/**
 * Marks the packet at `offset` of `buf` as the first after a discontinuity.
 *
 * A packet with an adaptation field that has a flags byte is changed in place and
 * `undefined` is returned. Otherwise the packet's payload fills it, so the flag cannot be
 * added without moving payload bytes: instead the returned adaptation-only packet (same
 * PID, discontinuity_indicator set, stuffed with 0xFF) is to be sent right before it.
 * An adaptation-only packet does not advance the continuity counter, so it carries the
 * counter one below the packet's own, and the counter sequence stays valid from it on.
 */
export function markDiscontinuity(buf: Buffer, offset: number): Buffer | undefined {
  const afc = adaptationControlAt(buf, offset);
  if ((afc & 2) !== 0 && (buf[offset + 4] as number) > 0) {
    buf[offset + 5] = (buf[offset + 5] as number) | DISCONTINUITY_FLAG;
    return undefined;
  }
  const pid = pidAt(buf, offset);
  const cc = (buf[offset + 3] as number) & 0x0f;
  const marker = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  marker[0] = TS_SYNC_BYTE;
  marker[1] = (pid >> 8) & 0x1f; // no PUSI, no priority, not scrambled
  marker[2] = pid & 0xff;
  // An adaptation-only packet repeats the counter of the payload packet before it.
  marker[3] = 0x20 | ((afc & 1) !== 0 ? (cc + 15) & 0x0f : cc);
  marker[4] = TS_PACKET_SIZE - 5; // adaptation_field_length: the rest of the packet
  marker[5] = DISCONTINUITY_FLAG; // the remaining 182 bytes are stuffing (0xFF)
  return marker;
}
