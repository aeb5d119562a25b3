/** Size of an MPEG-TS packet and its sync byte. */
const PACKET = 188;
const SYNC = 0x47;

/** One elementary stream announced by the PMT. */
export interface TsElementaryStream {
  readonly pid: number;
  /** ISO/IEC 13818-1 stream_type, e.g. 0x1b H.264, 0x0f AAC (ADTS). */
  readonly streamType: number;
  readonly kind: "video" | "audio" | "other";
  /** PES packets that start in the probed bytes (one per frame for video from our encoders). */
  readonly pesCount: number;
  /** First and last PTS seen, in 90 kHz ticks; undefined without PTS. */
  readonly firstPts: number | undefined;
  readonly lastPts: number | undefined;
}

/** What {@link probeTransportStream} found. */
export interface TsProbe {
  /** Whole packets examined (from the first sync). */
  readonly packets: number;
  /** Offset of the first packet (non-zero when the bytes start mid-packet, as a cut stream may). */
  readonly firstPacketOffset: number;
  /** Packets whose first byte was not 0x47. */
  readonly syncErrors: number;
  /** Continuity-counter jumps on payload-carrying packets (not counting flagged discontinuities). */
  readonly continuityErrors: number;
  /** PAT sections seen, and the PMT PID of the first program. */
  readonly patCount: number;
  readonly pmtPid: number | undefined;
  readonly streams: readonly TsElementaryStream[];
  /** Packets, PAT, PMT, at least one stream, and no sync errors: a player can lock on. */
  readonly valid: boolean;
}

const VIDEO_TYPES = new Set([0x01, 0x02, 0x10, 0x1b, 0x24]);
const AUDIO_TYPES = new Set([0x03, 0x04, 0x0f, 0x11, 0x81]);

/**
 * A small MPEG-TS checker (no dependencies, no decoding): finds packet alignment, reads
 * the PAT and PMT, counts PES starts and PTS range per elementary stream, and counts
 * sync and continuity errors. Used to check the sample clips and, end to end, a stream
 * captured from the server. Never throws; a trailing partial packet is ignored.
 */
export function probeTransportStream(bytes: Uint8Array): TsProbe {
  const start = firstSync(bytes);
  let packets = 0;
  let syncErrors = 0;
  let continuityErrors = 0;
  let patCount = 0;
  let pmtPid: number | undefined;
  const lastCc = new Map<number, number>();
  const streams = new Map<number, { streamType: number; pesCount: number; firstPts?: number; lastPts?: number }>();

  for (let at = Math.max(0, start); start >= 0 && at + PACKET <= bytes.length; at += PACKET) {
    packets++;
    if (bytes[at] !== SYNC) {
      syncErrors++;
      continue;
    }
    const b1 = bytes[at + 1] ?? 0;
    const b3 = bytes[at + 3] ?? 0;
    const pid = ((b1 & 0x1f) << 8) | (bytes[at + 2] ?? 0);
    const unitStart = (b1 & 0x40) !== 0;
    const adaptation = (b3 >> 4) & 0x3;
    const cc = b3 & 0x0f;
    let payload = at + 4;
    let discontinuity = false;
    if (adaptation === 2 || adaptation === 3) {
      const length = bytes[at + 4] ?? 0;
      discontinuity = length > 0 && ((bytes[at + 5] ?? 0) & 0x80) !== 0;
      payload = at + 5 + length;
    }
    const hasPayload = adaptation === 1 || adaptation === 3;
    if (hasPayload && pid !== 0x1fff) {
      const previous = lastCc.get(pid);
      // A repeated counter is an allowed duplicate packet; anything else but +1 is a loss.
      if (previous !== undefined && !discontinuity && cc !== ((previous + 1) & 0x0f) && cc !== previous) continuityErrors++;
      lastCc.set(pid, cc);
    }
    if (!hasPayload || !unitStart || payload >= at + PACKET) continue;
    const end = at + PACKET;

    if (pid === 0) {
      const section = payload + 1 + (bytes[payload] ?? 0);
      if (bytes[section] !== 0x00) continue;
      patCount++;
      const sectionEnd = Math.min(end, section + 3 + (((bytes[section + 1] ?? 0) & 0x0f) << 8 | (bytes[section + 2] ?? 0)) - 4);
      for (let entry = section + 8; entry + 4 <= sectionEnd; entry += 4) {
        const program = ((bytes[entry] ?? 0) << 8) | (bytes[entry + 1] ?? 0);
        if (program !== 0 && pmtPid === undefined) pmtPid = (((bytes[entry + 2] ?? 0) & 0x1f) << 8) | (bytes[entry + 3] ?? 0);
      }
    } else if (pid === pmtPid) {
      const section = payload + 1 + (bytes[payload] ?? 0);
      if (bytes[section] !== 0x02) continue;
      const sectionEnd = Math.min(end, section + 3 + ((((bytes[section + 1] ?? 0) & 0x0f) << 8) | (bytes[section + 2] ?? 0)) - 4);
      const programInfoLength = (((bytes[section + 10] ?? 0) & 0x0f) << 8) | (bytes[section + 11] ?? 0);
      for (let es = section + 12 + programInfoLength; es + 5 <= sectionEnd; ) {
        const streamType = bytes[es] ?? 0;
        const esPid = (((bytes[es + 1] ?? 0) & 0x1f) << 8) | (bytes[es + 2] ?? 0);
        if (!streams.has(esPid)) streams.set(esPid, { streamType, pesCount: 0 });
        es += 5 + ((((bytes[es + 3] ?? 0) & 0x0f) << 8) | (bytes[es + 4] ?? 0));
      }
    } else {
      const stream = streams.get(pid);
      if (stream === undefined || bytes[payload] !== 0 || bytes[payload + 1] !== 0 || bytes[payload + 2] !== 1) continue;
      stream.pesCount++;
      const ptsFlags = ((bytes[payload + 7] ?? 0) >> 6) & 0x3;
      if (ptsFlags >= 2 && payload + 14 <= end) {
        const pts = readPts(bytes, payload + 9);
        stream.firstPts ??= pts;
        stream.lastPts = pts;
      }
    }
  }

  const list: TsElementaryStream[] = [...streams].map(([pid, s]) => ({
    pid,
    streamType: s.streamType,
    kind: VIDEO_TYPES.has(s.streamType) ? "video" : AUDIO_TYPES.has(s.streamType) ? "audio" : "other",
    pesCount: s.pesCount,
    firstPts: s.firstPts,
    lastPts: s.lastPts,
  }));
  return {
    packets,
    firstPacketOffset: start,
    syncErrors,
    continuityErrors,
    patCount,
    pmtPid,
    streams: list,
    valid: packets > 0 && syncErrors === 0 && patCount > 0 && list.length > 0,
  };
}

/** First offset where three consecutive packets start with the sync byte (or fewer at the end); -1 if none. */
function firstSync(bytes: Uint8Array): number {
  for (let i = 0; i < Math.min(bytes.length, PACKET); i++) {
    if (bytes[i] !== SYNC) continue;
    if (i + PACKET < bytes.length && bytes[i + PACKET] !== SYNC) continue;
    if (i + 2 * PACKET < bytes.length && bytes[i + 2 * PACKET] !== SYNC) continue;
    return i;
  }
  return -1;
}

/** A 33-bit PTS from its 5-byte field (multiplication, not shifts: it exceeds 32 bits). */
function readPts(bytes: Uint8Array, at: number): number {
  const b = (k: number) => bytes[at + k] ?? 0;
  return ((b(0) >> 1) & 0x07) * 2 ** 30 + b(1) * 2 ** 22 + (b(2) >> 1) * 2 ** 15 + b(3) * 2 ** 7 + (b(4) >> 1);
}
