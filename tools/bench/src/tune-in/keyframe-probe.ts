/**
 * Watches an MPEG-TS byte stream as it arrives and says when the first complete video
 * keyframe is in: the video PID comes from the PMT (found through the PAT), a keyframe is
 * a PES start on that PID whose packet carries `random_access_indicator` or whose payload
 * holds an H.264 IDR NAL unit (type 5), and it is complete when the next PES start on the
 * video PID arrives (video PES have no length) or its declared length is reached. Only a
 * keyframe after the PMT counts: before that a player cannot find the video at all.
 */
const PACKET = 188;
const SYNC = 0x47;
/** H.264, then other video stream types, in order of preference. */
const VIDEO_STREAM_TYPES = [0x1b, 0x24, 0x02, 0x10];
/** How far into a PES payload to look for an IDR NAL, bytes. */
const IDR_SCAN_BYTES = 64 * 1024;

export class KeyframeProbe {
  /** Arrival time of the first byte, ms (the clock the caller passes). */
  firstByteAtMs: number | undefined;
  /** Arrival time of the end of the first complete keyframe, ms. */
  keyframeAtMs: number | undefined;
  /** How the keyframe was recognised. */
  keyframeBy: "rai" | "idr" | "rai+idr" | undefined;
  bytes = 0;
  private rest = Buffer.alloc(0);
  private pmtPid: number | undefined;
  private videoPid: number | undefined;
  /** The PES being collected on the video PID. */
  private pes: { rai: boolean; idr: boolean; scan: Buffer; scanned: number; length: number; got: number } | undefined;

  get done(): boolean {
    return this.keyframeAtMs !== undefined;
  }

  /** Feeds a chunk that arrived at `nowMs`. */
  push(chunk: Buffer, nowMs: number): void {
    if (this.done) return;
    this.firstByteAtMs ??= nowMs;
    this.bytes += chunk.length;
    let data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let at = 0;
    while (data.length - at >= PACKET && !this.done) {
      if (data[at] !== SYNC) {
        at++; // resync
        continue;
      }
      this.packet(data.subarray(at, at + PACKET), nowMs);
      at += PACKET;
    }
    data = data.subarray(at);
    this.rest = Buffer.from(data);
  }

  private packet(p: Buffer, nowMs: number): void {
    const pusi = (p[1]! & 0x40) !== 0;
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const afc = (p[3]! >> 4) & 0x3;
    let offset = 4;
    let rai = false;
    if (afc === 2 || afc === 3) {
      const afLength = p[4]!;
      if (afLength > 0) rai = (p[5]! & 0x40) !== 0;
      offset = 5 + afLength;
    }
    if (afc === 0 || afc === 2 || offset >= PACKET) return;
    const payload = p.subarray(offset);
    if (pid === 0 && pusi) this.pat(payload);
    else if (pid === this.pmtPid && pusi && this.videoPid === undefined) this.pmt(payload);
    else if (pid === this.videoPid) this.video(payload, pusi, rai, nowMs);
  }

  private section(payload: Buffer): Buffer | undefined {
    const pointer = payload[0]!;
    const s = payload.subarray(1 + pointer);
    if (s.length < 3) return undefined;
    const length = ((s[1]! & 0x0f) << 8) | s[2]!;
    return s.length >= 3 + length ? s.subarray(0, 3 + length) : undefined;
  }

  private pat(payload: Buffer): void {
    const s = this.section(payload);
    if (s === undefined || s[0] !== 0x00) return;
    for (let i = 8; i + 4 <= s.length - 4; i += 4) {
      const program = (s[i]! << 8) | s[i + 1]!;
      if (program !== 0) {
        this.pmtPid = ((s[i + 2]! & 0x1f) << 8) | s[i + 3]!;
        return;
      }
    }
  }

  private pmt(payload: Buffer): void {
    const s = this.section(payload);
    if (s === undefined || s[0] !== 0x02) return;
    const infoLength = ((s[10]! & 0x0f) << 8) | s[11]!;
    const streams: Array<{ type: number; pid: number }> = [];
    for (let i = 12 + infoLength; i + 5 <= s.length - 4; ) {
      const esInfo = ((s[i + 3]! & 0x0f) << 8) | s[i + 4]!;
      streams.push({ type: s[i]!, pid: ((s[i + 1]! & 0x1f) << 8) | s[i + 2]! });
      i += 5 + esInfo;
    }
    for (const type of VIDEO_STREAM_TYPES) {
      const found = streams.find((e) => e.type === type);
      if (found !== undefined) {
        this.videoPid = found.pid;
        return;
      }
    }
  }

  private video(payload: Buffer, pusi: boolean, rai: boolean, nowMs: number): void {
    if (pusi) {
      if (this.pes !== undefined && (this.pes.rai || this.pes.idr)) return this.complete(nowMs);
      // A new PES: skip its header (9 bytes + header data) to reach the elementary stream.
      if (payload.length < 9 || payload[0] !== 0 || payload[1] !== 0 || payload[2] !== 1) {
        this.pes = undefined;
        return;
      }
      const length = (payload[4]! << 8) | payload[5]!;
      const headerEnd = 9 + payload[8]!;
      this.pes = { rai, idr: false, scan: Buffer.alloc(0), scanned: 0, length: length === 0 ? 0 : length + 6, got: 0 };
      this.collect(payload, headerEnd);
    } else if (this.pes !== undefined) {
      this.collect(payload, 0);
    }
    const pes = this.pes;
    if (pes !== undefined && (pes.rai || pes.idr) && pes.length > 0 && pes.got >= pes.length) this.complete(nowMs);
  }

  private collect(payload: Buffer, from: number): void {
    const pes = this.pes!;
    pes.got += payload.length;
    if (pes.idr || pes.scanned >= IDR_SCAN_BYTES) return;
    // Keep the last 4 bytes of the previous packet so a start code split across packets is seen.
    const fresh = payload.subarray(from);
    pes.scanned += fresh.length;
    pes.scan = Buffer.concat([pes.scan.subarray(Math.max(0, pes.scan.length - 4)), fresh]);
    pes.idr = hasIdrNal(pes.scan);
  }

  private complete(nowMs: number): void {
    const pes = this.pes!;
    this.keyframeAtMs = nowMs;
    this.keyframeBy = pes.rai && pes.idr ? "rai+idr" : pes.rai ? "rai" : "idr";
  }
}

/** True when `es` (Annex B H.264) holds a NAL unit of type 5 (IDR slice). */
export function hasIdrNal(es: Buffer): boolean {
  for (let i = 0; i + 3 < es.length; i++) {
    if (es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1 && (es[i + 3]! & 0x1f) === 5) return true;
  }
  return false;
}
