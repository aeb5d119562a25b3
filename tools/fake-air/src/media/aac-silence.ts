/**
 * Silent AAC-LC frames (1024 samples each) in ADTS, without an encoder at run time. The raw
 * payloads are what ffmpeg's AAC encoder emits for digital silence (generated once): a single
 * channel element (mono) and a channel pair element (stereo) with no spectral data, so they
 * do not depend on the sample rate. Other channel counts get the stereo payload.
 */
const SILENT_PAYLOAD: Record<number, Buffer> = {
  1: Buffer.from("01182007", "hex"),
  2: Buffer.from("211004608c1c", "hex"),
};

/** ADTS sampling_frequency_index values (ISO/IEC 14496-3 table 1.18). */
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

/** An audio format as ADTS carries it. */
export interface AacFormat {
  sampleRate: number;
  channels: number;
}

/** Samples per AAC-LC frame. */
export const AAC_FRAME_SAMPLES = 1024;

const cache = new Map<string, Buffer>();

/** One silent ADTS frame for `format` (a sample rate ADTS cannot carry falls back to 48 kHz). */
export function silentAdtsFrame(format: AacFormat): Buffer {
  const key = `${format.sampleRate}/${format.channels}`;
  let frame = cache.get(key);
  if (frame === undefined) {
    const channels = format.channels === 1 ? 1 : 2;
    const payload = SILENT_PAYLOAD[channels] as Buffer;
    let rateIndex = SAMPLE_RATES.indexOf(format.sampleRate);
    if (rateIndex < 0) rateIndex = 3;
    const length = 7 + payload.length;
    const header = Buffer.from([
      0xff,
      0xf1, // MPEG-4, layer 0, no CRC
      (1 << 6) | (rateIndex << 2) | (channels >> 2), // profile AAC-LC (1 = LC − 1)
      ((channels & 3) << 6) | (length >> 11),
      (length >> 3) & 0xff,
      ((length & 7) << 5) | 0x1f,
      0xfc, // buffer fullness 0x7FF (VBR), one raw data block
    ]);
    frame = Buffer.concat([header, payload]);
    cache.set(key, frame);
  }
  return frame;
}

/** Reads the format of the ADTS frame at `at` (undefined when no ADTS header is there). */
export function readAdtsHeader(buf: Uint8Array, at: number): (AacFormat & { length: number }) | undefined {
  if (at + 7 > buf.length || buf[at] !== 0xff || ((buf[at + 1] as number) & 0xf6) !== 0xf0) return undefined;
  const b2 = buf[at + 2] as number;
  const b3 = buf[at + 3] as number;
  const sampleRate = SAMPLE_RATES[(b2 >> 2) & 0xf];
  const channels = ((b2 & 1) << 2) | (b3 >> 6);
  const length = ((b3 & 3) << 11) | ((buf[at + 4] as number) << 3) | ((buf[at + 5] as number) >> 5);
  if (sampleRate === undefined || length < 7) return undefined;
  return { sampleRate, channels, length };
}
