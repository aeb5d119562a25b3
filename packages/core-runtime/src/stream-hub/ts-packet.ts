/**
 * Minimal MPEG-TS framing helpers for the StreamHub: just enough to find packet
 * boundaries and PAT packets so a late joiner starts where a player can lock on.
 * No demuxing, no CRC checks: the hub forwards bytes, it does not parse programs.
 */

/** Size of one MPEG-TS packet, bytes. */
export const TS_PACKET_SIZE = 188;

/** First byte of every MPEG-TS packet. */
export const TS_SYNC_BYTE = 0x47;

/** PID of the Program Association Table. */
export const TS_PAT_PID = 0;

/**
 * Whether a packet header starting at `offset` carries the PAT (PID 0) with
 * payload_unit_start_indicator set, i.e. a PAT section starts in it: the point a
 * player can begin decoding from. False when the 3 header bytes are not all in `buf`.
 */
export function isPatStart(buf: Uint8Array, offset: number): boolean {
  if (offset < 0 || offset + 2 >= buf.length) return false;
  const b1 = buf[offset + 1] as number;
  const pid = ((b1 & 0x1f) << 8) | (buf[offset + 2] as number);
  return buf[offset] === TS_SYNC_BYTE && (b1 & 0x40) !== 0 && pid === TS_PAT_PID;
}

/**
 * First offset >= `from` that looks like a packet start: a sync byte whose successors
 * one and two packets later (when inside `buf`) are sync bytes too. -1 when none.
 */
export function findSync(buf: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from); i < buf.length; i++) {
    if (buf[i] !== TS_SYNC_BYTE) continue;
    const next = i + TS_PACKET_SIZE;
    const afterNext = next + TS_PACKET_SIZE;
    if (next < buf.length && buf[next] !== TS_SYNC_BYTE) continue;
    if (afterNext < buf.length && buf[afterNext] !== TS_SYNC_BYTE) continue;
    return i;
  }
  return -1;
}

/**
 * Offset of the first PAT packet start among the packet boundaries
 * `firstBoundary`, `firstBoundary + 188`, … of `buf`; -1 when there is none.
 */
export function findPatStart(buf: Uint8Array, firstBoundary: number): number {
  for (let i = firstBoundary; i + 2 < buf.length; i += TS_PACKET_SIZE) {
    if (isPatStart(buf, i)) return i;
  }
  return -1;
}

/**
 * Tracks where packets start in a byte stream that arrives in arbitrary chunks, so a
 * chunk's first packet boundary is known without copying. Resynchronises (and counts
 * it) when the expected boundary holds no sync byte.
 */
export class TsPacketAligner {
  /** Bytes still to come before the next packet starts (0..187). */
  private toNextBoundary = 0;
  private resyncCount = 0;

  /** Times the stream lost packet sync and was re-aligned. */
  get resyncs(): number {
    return this.resyncCount;
  }

  /** Forgets the position: the next chunk is expected to start on a packet boundary. */
  reset(): void {
    this.toNextBoundary = 0;
  }

  /**
   * Consumes `chunk` and returns the offset of its first packet boundary, or -1 when
   * no packet starts inside it (or no sync could be found in it).
   */
  push(chunk: Uint8Array): number {
    const len = chunk.length;
    let first = this.toNextBoundary;
    if (first >= len) {
      this.toNextBoundary -= len;
      return -1;
    }
    if (chunk[first] !== TS_SYNC_BYTE) {
      this.resyncCount++;
      first = findSync(chunk, 0);
      if (first < 0) {
        this.toNextBoundary = 0;
        return -1;
      }
    }
    const rem = (len - first) % TS_PACKET_SIZE;
    this.toNextBoundary = rem === 0 ? 0 : TS_PACKET_SIZE - rem;
    return first;
  }
}

/** PID of the packet starting at `offset` (13 bits). */
export function pidAt(buf: Uint8Array, offset: number): number {
  return (((buf[offset + 1] as number) & 0x1f) << 8) | (buf[offset + 2] as number);
}

/** payload_unit_start_indicator of the packet starting at `offset`. */
export function pusiAt(buf: Uint8Array, offset: number): boolean {
  return ((buf[offset + 1] as number) & 0x40) !== 0;
}

/** adaptation_field_control of the packet at `offset`: 1 payload only, 2 adaptation only, 3 both. */
export function adaptationControlAt(buf: Uint8Array, offset: number): number {
  return ((buf[offset + 3] as number) >> 4) & 0x03;
}

/** Offset of the payload of the packet at `offset` (188 past it when it has none). */
export function payloadStartAt(buf: Uint8Array, offset: number): number {
  const afc = adaptationControlAt(buf, offset);
  if ((afc & 1) === 0) return offset + TS_PACKET_SIZE;
  return (afc & 2) !== 0 ? offset + 5 + (buf[offset + 4] as number) : offset + 4;
}

/** Whether the packet at `offset` has an adaptation field with random_access_indicator set. */
export function randomAccessAt(buf: Uint8Array, offset: number): boolean {
  return (adaptationControlAt(buf, offset) & 2) !== 0 && (buf[offset + 4] as number) > 0 && ((buf[offset + 5] as number) & 0x40) !== 0;
}
