import { type AacFormat, AAC_FRAME_SAMPLES, silentAdtsFrame } from "./aac-silence.js";
import { blackH264 } from "./h264-black.js";
import type { MediaFileIndex, VideoAu } from "./media-file-index.js";
import type { MediaUnit, SegmentSource } from "./media-unit.js";

/** What one LoadPreview asked for, and the program format to pad with. */
export interface SegmentRequest {
  startFrame: number;
  frameCount: number;
  fpsNumerator: number;
  fpsDenominator: number;
  /** Size of the black pictures (the channel's program format). */
  width: number;
  height: number;
  /** Silence when the file has no AAC stream (the channel's program format). */
  audio: AacFormat;
}

/** Where playback of a segment starts: the key frame at or before `startFrame` (the fake cannot decode to the frame itself). */
export function segmentStartKey(index: MediaFileIndex, startFrame: number): number {
  const target = index.display[Math.min(startFrame, index.display.length - 1)] as number;
  let key = index.keys[0] as number;
  for (const k of index.keys) if (k <= target) key = k;
  return key;
}

/** Puts SPS/PPS right after a leading access unit delimiter (or first) when a start picture lacks them. */
function withParamSets(au: VideoAu, paramSets: Buffer | undefined): Buffer {
  if (au.hasSps || paramSets === undefined) return au.data;
  const d = au.data;
  const audAt = d[2] === 1 ? 3 : d[3] === 1 ? 4 : -1;
  if (audAt > 0 && ((d[audAt] as number) & 0x1f) === 9) {
    for (let i = audAt; i + 3 < d.length; i++) {
      if (d[i] === 0 && d[i + 1] === 0 && (d[i + 2] === 1 || (d[i + 2] === 0 && d[i + 3] === 1))) {
        return Buffer.concat([d.subarray(0, i), paramSets, d.subarray(i)]);
      }
    }
  }
  return Buffer.concat([paramSets, d]);
}

/**
 * The units of one segment, as the real engine plays it: the clip from the key frame at or
 * before `startFrame` up to frame `startFrame + frameCount` (or the clip's end), its AAC
 * frames for that span, then black pictures (an IDR each second) and silence until the next
 * switch — it never loops. Times are relative to the segment start.
 */
export function createFileSegmentSource(index: MediaFileIndex, req: SegmentRequest): SegmentSource {
  const frames = index.display.length;
  const key = segmentStartKey(index, req.startFrame);
  const t0 = (index.video[key] as VideoAu).pts90;
  const endRank = Math.min(frames, req.startFrame + req.frameCount);
  const endPts = req.startFrame >= frames ? t0 : endRank < frames ? (index.video[index.display[endRank] as number] as VideoAu).pts90 : Number.POSITIVE_INFINITY;
  const content: MediaUnit[] = [];
  for (let i = key; i < index.video.length; i++) {
    const au = index.video[i] as VideoAu;
    if (au.pts90 >= endPts) {
      if (au.dts90 >= endPts) break;
      continue;
    }
    const data = i === key ? withParamSets(au, index.paramSets) : au.data;
    content.push({ stream: "video", pts90: au.pts90 - t0, dts90: au.dts90 - t0, dur90: index.frameDur90, data, key: au.key });
  }
  const videoEnd = content.reduce((end, u) => Math.max(end, u.pts90 + u.dur90), 0);
  const format = index.audioFormat ?? req.audio;
  const aacDur90 = (AAC_FRAME_SAMPLES * 90_000) / format.sampleRate;
  const audio: MediaUnit[] = [];
  for (const au of index.audio) {
    const rel = au.pts90 - t0;
    if (rel >= 0 && rel < videoEnd) audio.push({ stream: "audio", pts90: rel, dts90: rel, dur90: aacDur90, data: au.data, key: false });
  }
  const audioEnd = audio.length > 0 ? (audio[audio.length - 1] as MediaUnit).pts90 + aacDur90 : 0;

  const blackDur90 = (90_000 * req.fpsDenominator) / req.fpsNumerator;
  const black = blackH264(req.width, req.height);
  const gop = Math.min(black.maxGop, Math.max(2, Math.round(req.fpsNumerator / req.fpsDenominator)));
  const silence = silentAdtsFrame(format);

  function* videoUnits(): Generator<MediaUnit> {
    yield* content;
    for (let n = 0; ; n++) {
      const t = videoEnd + n * blackDur90;
      const k = n % gop;
      yield { stream: "video", pts90: t, dts90: t, dur90: blackDur90, data: k === 0 ? black.idr : black.p(k), key: k === 0 };
    }
  }
  function* audioUnits(): Generator<MediaUnit> {
    yield* audio;
    for (let n = 0; ; n++) {
      const t = audioEnd + n * aacDur90;
      yield { stream: "audio", pts90: t, dts90: t, dur90: aacDur90, data: silence, key: false };
    }
  }
  const v = videoUnits();
  const a = audioUnits();
  let nextVideo = v.next().value as MediaUnit;
  let nextAudio = a.next().value as MediaUnit;
  const pick = (): MediaUnit => (nextVideo.dts90 <= nextAudio.dts90 ? nextVideo : nextAudio);
  return {
    peek: pick,
    next(): MediaUnit {
      const unit = pick();
      if (unit === nextVideo) nextVideo = v.next().value as MediaUnit;
      else nextAudio = a.next().value as MediaUnit;
      return unit;
    },
  };
}
