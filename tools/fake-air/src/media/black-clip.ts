import { AAC_FRAME_SAMPLES, silentAdtsFrame } from "./aac-silence.js";
import { blackH264 } from "./h264-black.js";
import type { MediaUnit } from "./media-unit.js";
import { TsMuxer } from "./ts-muxer.js";

/** Options of {@link encodeBlackClip}. */
export interface BlackClipOptions {
  /** Even numbers. @default 320×240 */
  width: number;
  height: number;
  /** @default 30/1 */
  fpsNumerator: number;
  fpsDenominator: number;
  /** Pictures in the clip. @default 30 */
  frames: number;
  /** @default 48000 */
  sampleRate: number;
  /** 1 or 2. @default 2 */
  channels: number;
}

/**
 * A playable MPEG-TS clip of black pictures (an IDR each second) and AAC silence, made
 * without ffmpeg: a stand-in asset for tests that need media the engine accepts.
 */
export function encodeBlackClip(options: Partial<BlackClipOptions> = {}): Buffer {
  const o: BlackClipOptions = { width: 320, height: 240, fpsNumerator: 30, fpsDenominator: 1, frames: 30, sampleRate: 48000, channels: 2, ...options };
  const black = blackH264(o.width, o.height);
  const gop = Math.min(black.maxGop, Math.max(2, Math.round(o.fpsNumerator / o.fpsDenominator)));
  const frameDur = (90_000 * o.fpsDenominator) / o.fpsNumerator;
  const aacDur = (AAC_FRAME_SAMPLES * 90_000) / o.sampleRate;
  const silence = silentAdtsFrame(o);
  const start = 90_000;
  const units: MediaUnit[] = [];
  for (let n = 0; n < o.frames; n++) {
    const t = start + n * frameDur;
    units.push({ stream: "video", pts90: t, dts90: t, dur90: frameDur, data: n % gop === 0 ? black.idr : black.p(n % gop), key: n % gop === 0 });
  }
  const end = start + o.frames * frameDur;
  for (let t = start; t + aacDur <= end + 1e-6; t += aacDur) units.push({ stream: "audio", pts90: t, dts90: t, dur90: aacDur, data: silence, key: false });
  units.sort((a, b) => a.dts90 - b.dts90 || (a.stream === "video" ? -1 : 1));
  const muxer = new TsMuxer();
  return Buffer.concat(units.flatMap((u) => muxer.mux(u).map((p) => p.data)));
}
