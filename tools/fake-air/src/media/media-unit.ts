/** One access unit on its way to the muxer: a video picture or an AAC frame (ADTS). */
export interface MediaUnit {
  stream: "video" | "audio";
  /** Presentation time, 90 kHz (relative to its segment inside sources, absolute on output). */
  pts90: number;
  /** Decode time, 90 kHz (equal to `pts90` for audio and for video without B-frames). */
  dts90: number;
  /** How long it lasts, 90 kHz. */
  dur90: number;
  /** Annex B bytes (video) or ADTS frame (audio). */
  data: Buffer;
  /** A random access point: an IDR with SPS/PPS in front. */
  key: boolean;
}

/** Endless units of one live segment, in decode order across both streams, times relative to its start. */
export interface SegmentSource {
  /** The next unit, without consuming it. */
  peek(): MediaUnit;
  /** Consumes and returns the next unit. */
  next(): MediaUnit;
}
