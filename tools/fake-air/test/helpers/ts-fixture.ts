import {
  buildNullPacket,
  buildPatSection,
  buildPesPacket,
  buildPmtSection,
  packetizePes,
  packetizeSection,
  StreamType,
  TS_PACKET_SIZE,
} from "../../src/index.js";

/** PIDs of the fixture. */
export const FIXTURE_PMT_PID = 0x1000;
export const FIXTURE_VIDEO_PID = 0x200;
export const FIXTURE_AUDIO_PID = 0x201;

/**
 * Builds a small MPEG-TS file with our own builders: PAT/PMT, an "H.264" video PID (one PES per
 * frame with PTS+DTS and a PCR; payload starts with `FRAME:nnnnn`), an "AAC" audio PID (one PES
 * per frame, `AUDIO:nnnnn`) and a null packet per frame. Payload bytes are markers, not real codecs.
 */
export function buildTsFixture(options: {
  frames: number;
  fps: number;
  startPts90?: number;
  /** B-frame-like reorder in groups of 3 (decode P, B, B): PTS ≠ DTS order. */
  reorder?: boolean;
  /** Mux each audio PES this many frames late (after a later video frame); negative: early. */
  audioLagFrames?: number;
}): Buffer {
  const packets: Buffer[] = [];
  const cc = new Map<number, number>();
  const take = (pid: number, count: number): number => {
    const first = cc.get(pid) ?? 0;
    cc.set(pid, (first + count) & 0xf);
    return first;
  };
  const program = {
    programNumber: 1,
    pmtPid: FIXTURE_PMT_PID,
    pcrPid: FIXTURE_VIDEO_PID,
    streams: [
      { streamType: StreamType.H264, pid: FIXTURE_VIDEO_PID },
      { streamType: StreamType.AdtsAac, pid: FIXTURE_AUDIO_PID },
    ],
  };
  const frameDur90 = 90_000 / options.fps;
  const start90 = options.startPts90 ?? 900_000;
  for (let f = 0; f < options.frames; f++) {
    if (f % 5 === 0) {
      const pat = packetizeSection(0, buildPatSection({ programs: [{ programNumber: 1, pmtPid: FIXTURE_PMT_PID }] }), take(0, 1));
      const pmt = packetizeSection(FIXTURE_PMT_PID, buildPmtSection(program), take(FIXTURE_PMT_PID, 1));
      packets.push(...pat, ...pmt);
    }
    const t90 = start90 + f * frameDur90;
    const video = Buffer.alloc(600, 0xaa);
    video.write(`FRAME:${String(f).padStart(5, "0")}`, 0, "latin1");
    const display = options.reorder === true ? (f % 3 === 0 ? f + 2 : f - 1) : f;
    const pts = start90 + display * frameDur90 + 6000;
    const vpes = buildPesPacket({ streamId: 0xe0, payload: video, pts, dts: t90 + 3000 - (options.reorder === true ? frameDur90 : 0), unbounded: true });
    const vCount = Math.ceil((vpes.length + 8) / 184);
    packets.push(...packetizePes(vpes, { pid: FIXTURE_VIDEO_PID, pcr27: t90 * 300, randomAccess: f % 5 === 0, firstContinuityCounter: take(FIXTURE_VIDEO_PID, vCount) }));
    const af = f - (options.audioLagFrames ?? 0);
    if (af < 0 || af >= options.frames) {
      packets.push(buildNullPacket());
      continue;
    }
    const audio = Buffer.alloc(200, 0x55);
    audio.write(`AUDIO:${String(af).padStart(5, "0")}`, 0, "latin1");
    const apes = buildPesPacket({ streamId: 0xc0, payload: audio, pts: start90 + af * frameDur90 + 3000 });
    const aCount = Math.ceil(apes.length / 184);
    packets.push(...packetizePes(apes, { pid: FIXTURE_AUDIO_PID, firstContinuityCounter: take(FIXTURE_AUDIO_PID, aCount) }));
    packets.push(buildNullPacket());
  }
  const out = Buffer.concat(packets);
  if (out.length % TS_PACKET_SIZE !== 0) throw new Error("fixture is not packet-aligned");
  return out;
}

/** Frame numbers of `FRAME:nnnnn` markers at PES starts on `pid`, in output order. */
export function frameMarkers(ts: Buffer, pid = FIXTURE_VIDEO_PID, tag = "FRAME:"): number[] {
  const out: number[] = [];
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    const p = (((ts[off + 1] as number) & 0x1f) << 8) | (ts[off + 2] as number);
    if (p !== pid || ((ts[off + 1] as number) & 0x40) === 0) continue;
    const text = ts.subarray(off, off + TS_PACKET_SIZE).toString("latin1");
    const at = text.indexOf(tag);
    if (at >= 0) out.push(Number(text.slice(at + tag.length, at + tag.length + 5)));
  }
  return out;
}
