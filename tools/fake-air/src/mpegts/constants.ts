/** Size of one MPEG-TS packet in bytes. */
export const TS_PACKET_SIZE = 188;
/** First byte of every packet. */
export const SYNC_BYTE = 0x47;
/** PID of the Program Association Table. */
export const PAT_PID = 0x0000;
/** PID of null (stuffing) packets; their continuity counter carries no meaning. */
export const NULL_PID = 0x1fff;
/** Highest PID value (13 bits). */
export const MAX_PID = 0x1fff;
/** PCR clock rate (27 MHz). */
export const PCR_HZ = 27_000_000;
/** PTS/DTS clock rate (90 kHz). */
export const PTS_HZ = 90_000;
/** PTS/DTS and PCR base wrap at 2^33 ticks of 90 kHz. */
export const PTS_WRAP = 2 ** 33;
/** PCR (base × 300 + extension) wraps at 2^33 × 300. */
export const PCR_WRAP = PTS_WRAP * 300;

/** `stream_type` values used by this toolkit (ISO/IEC 13818-1 table 2-34). */
export const StreamType = {
  Mpeg1Video: 0x01,
  Mpeg2Video: 0x02,
  Mpeg1Audio: 0x03,
  Mpeg2Audio: 0x04,
  PrivatePes: 0x06,
  AdtsAac: 0x0f,
  H264: 0x1b,
  Hevc: 0x24,
  Ac3: 0x81,
} as const;

/** True for video `stream_type`s (MPEG-1/2, H.264, HEVC). */
export function isVideoStreamType(streamType: number): boolean {
  return streamType === 0x01 || streamType === 0x02 || streamType === 0x1b || streamType === 0x24 || streamType === 0x10;
}

/** Reduces `value` into [0, modulus). */
export function wrapMod(value: number, modulus: number): number {
  const r = value % modulus;
  return r < 0 ? r + modulus : r;
}

/** Signed difference a − b of two wrapping counters, in (−modulus/2, modulus/2]. */
export function wrapDiff(a: number, b: number, modulus: number): number {
  let d = wrapMod(a - b, modulus);
  if (d > modulus / 2) d -= modulus;
  return d;
}
