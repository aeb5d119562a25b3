import { PAT_PID, PTS_WRAP, StreamType, SYNC_BYTE, TS_PACKET_SIZE, wrapDiff } from "../mpegts/constants.js";
import { payloadOffset, readPacketHeader } from "../mpegts/packet.js";
import { readPesHeader } from "../mpegts/pes.js";
import { parsePatSection, parsePmtSection, SectionAssembler } from "../mpegts/psi.js";
import { type AacFormat, AAC_FRAME_SAMPLES, readAdtsHeader } from "./aac-silence.js";

/** A video picture of the file (Annex B), times unwrapped on the file's timeline (90 kHz). */
export interface VideoAu {
  pts90: number;
  dts90: number;
  data: Buffer;
  /** Contains an IDR slice. */
  key: boolean;
  /** Contains an SPS. */
  hasSps: boolean;
}

/** An AAC frame of the file (ADTS), its time unwrapped on the file's timeline (90 kHz). */
export interface AudioAu {
  pts90: number;
  data: Buffer;
}

/** An MPEG-TS file's H.264 pictures and AAC frames, ready to be re-multiplexed. */
export interface MediaFileIndex {
  /** Pictures in decode (file) order. */
  video: VideoAu[];
  /** Indexes into `video` in presentation order: frame n of the clip is `video[display[n]]`. */
  display: number[];
  /** Indexes into `video` of the pictures with an IDR, ascending. */
  keys: number[];
  /** AAC frames in time order. */
  audio: AudioAu[];
  audioFormat: AacFormat | undefined;
  /** SPS and PPS NAL units (Annex B) seen in the file, put in front of a start picture that lacks them. */
  paramSets: Buffer | undefined;
  /** Smallest step between presentation times (90 kHz): one frame. */
  frameDur90: number;
}

/** Why a file cannot be played. */
export type IndexResult = { ok: true; index: MediaFileIndex } | { ok: false; reason: string };

function align(raw: Buffer): number {
  for (let start = 0; start < Math.min(TS_PACKET_SIZE, raw.length); start++) {
    let ok = start + TS_PACKET_SIZE <= raw.length;
    for (let k = 0; k < 5 && ok; k++) {
      const at = start + k * TS_PACKET_SIZE;
      if (at < raw.length && raw[at] !== SYNC_BYTE) ok = false;
    }
    if (ok) return start;
  }
  return -1;
}

/** NAL unit types of an Annex B buffer. */
function nalTypes(data: Buffer): { types: Set<number>; paramSets: Buffer[] } {
  const types = new Set<number>();
  const starts: number[] = [];
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  const paramSets: Buffer[] = [];
  starts.forEach((s, k) => {
    const type = (data[s] as number) & 0x1f;
    types.add(type);
    if (type === 7 || type === 8) {
      let end = k + 1 < starts.length ? (starts[k + 1] as number) - 3 : data.length;
      while (end > s && data[end - 1] === 0) end--;
      paramSets.push(Buffer.concat([Buffer.from([0, 0, 0, 1]), data.subarray(s, end)]));
    }
  });
  return { types, paramSets };
}

/**
 * Demultiplexes an MPEG-TS file: the first H.264 stream's pictures and the first ADTS AAC
 * stream's frames. Fails (with a reason) for anything else: no sync, no PAT/PMT, no H.264
 * stream, no picture.
 */
export function indexMediaFile(raw: Buffer): IndexResult {
  const start = align(raw);
  if (start < 0) return { ok: false, reason: "not an MPEG-TS file (fake-air plays MPEG-TS with H.264 + AAC only)" };
  const count = Math.floor((raw.length - start) / TS_PACKET_SIZE);
  const data = raw.subarray(start, start + count * TS_PACKET_SIZE);
  let pmtPid: number | undefined;
  let videoPid: number | undefined;
  let audioPid: number | undefined;
  const patAsm = new SectionAssembler();
  const pmtAsm = new SectionAssembler();
  const pes = new Map<number, Buffer[]>();
  const video: VideoAu[] = [];
  const audio: AudioAu[] = [];
  let audioFormat: AacFormat | undefined;
  let paramSets: Buffer | undefined;
  let lastTs: number | undefined;
  const unwrap = (ts: number): number => {
    const v = lastTs === undefined ? ts : lastTs + wrapDiff(ts, ((lastTs % PTS_WRAP) + PTS_WRAP) % PTS_WRAP, PTS_WRAP);
    lastTs = v;
    return v;
  };

  const flush = (pid: number): void => {
    const parts = pes.get(pid);
    pes.delete(pid);
    if (parts === undefined) return;
    const buf = Buffer.concat(parts);
    const header = readPesHeader(buf, 0, buf.length);
    if (header?.pts === undefined || buf.length < 9) return;
    const body = buf.subarray(9 + (buf[8] as number));
    const pts = unwrap(header.pts);
    if (pid === videoPid) {
      const dts = header.dts === undefined ? pts : pts - wrapDiff(header.pts, header.dts, PTS_WRAP);
      const nals = nalTypes(body);
      if (nals.paramSets.length > 0 && paramSets === undefined) paramSets = Buffer.concat(nals.paramSets);
      video.push({ pts90: pts, dts90: dts, data: Buffer.from(body), key: nals.types.has(5), hasSps: nals.types.has(7) });
      return;
    }
    for (let at = 0, n = 0; at < body.length; n++) {
      const adts = readAdtsHeader(body, at);
      if (adts === undefined || at + adts.length > body.length) break;
      audioFormat ??= { sampleRate: adts.sampleRate, channels: adts.channels };
      audio.push({ pts90: pts + Math.round((n * AAC_FRAME_SAMPLES * 90_000) / adts.sampleRate), data: Buffer.from(body.subarray(at, at + adts.length)) });
      at += adts.length;
    }
  };

  for (let i = 0; i < count; i++) {
    const off = i * TS_PACKET_SIZE;
    if (data[off] !== SYNC_BYTE) continue;
    const h = readPacketHeader(data, off);
    if (h.pid === PAT_PID && pmtPid === undefined) {
      const first = parsePatSection(patAsm.push(data, off) ?? Buffer.alloc(0))?.programs.find((p) => p.programNumber !== 0);
      pmtPid = first?.pmtPid;
      continue;
    }
    if (h.pid === pmtPid && videoPid === undefined) {
      const section = pmtAsm.push(data, off);
      const pmt = section === undefined ? undefined : parsePmtSection(section, pmtPid);
      if (pmt !== undefined) {
        videoPid = pmt.streams.find((s) => s.streamType === StreamType.H264)?.pid ?? -1;
        audioPid = pmt.streams.find((s) => s.streamType === StreamType.AdtsAac)?.pid;
      }
      continue;
    }
    if (h.pid !== videoPid && h.pid !== audioPid) continue;
    const at = payloadOffset(data, off);
    if (at < 0) continue;
    if (h.pusi) flush(h.pid);
    else if (!pes.has(h.pid)) continue;
    const parts = pes.get(h.pid) ?? [];
    parts.push(data.subarray(at, off + TS_PACKET_SIZE));
    pes.set(h.pid, parts);
  }
  for (const pid of [...pes.keys()]) flush(pid);
  if (videoPid === undefined) return { ok: false, reason: "no PAT/PMT found" };
  if (videoPid < 0) return { ok: false, reason: "no H.264 video stream (fake-air plays MPEG-TS with H.264 + AAC only)" };
  if (video.length === 0) return { ok: false, reason: "no decodable H.264 picture" };
  const display = video.map((_, i) => i).sort((a, b) => (video[a] as VideoAu).pts90 - (video[b] as VideoAu).pts90);
  let frameDur90 = Number.POSITIVE_INFINITY;
  for (let n = 1; n < display.length; n++) {
    const step = (video[display[n] as number] as VideoAu).pts90 - (video[display[n - 1] as number] as VideoAu).pts90;
    if (step > 0) frameDur90 = Math.min(frameDur90, step);
  }
  audio.sort((a, b) => a.pts90 - b.pts90);
  const keys = video.flatMap((au, i) => (au.key ? [i] : []));
  if (keys.length === 0) return { ok: false, reason: "no H.264 IDR picture" };
  return { ok: true, index: { video, display, keys, audio, audioFormat, paramSets, frameDur90: Number.isFinite(frameDur90) ? frameDur90 : 3000 } };
}
