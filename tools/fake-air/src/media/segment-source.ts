import type { ProgramInfo } from "../mpegts/psi.js";

/** Facts about a run (a stretch of packets on one continuous source timeline). */
export interface RunInfo {
  /** PID whose PES starts are frames (video); the seam keeps its timestamps exactly continuous. */
  framePid: number;
  /** First PES timestamp (DTS if present, else PTS; 90 kHz, 33-bit) per elementary PID in the run. */
  firstTs90ByPid: Map<number, number>;
  /** PTS of the run's first frame (90 kHz, 33-bit), if it has one. */
  firstFramePts90: number | undefined;
}

/** One packet from a source, before output rewriting. */
export interface SourcePacket {
  /** 188 bytes; may be shared with the source, so the rewriter copies before changing it. */
  data: Uint8Array;
  /** Time of the packet on the source's own timeline, unwrapped, 27 MHz. */
  time27: number;
  /** Present on the first packet of a run: the source timeline restarts (segment start or loop). */
  runStart?: RunInfo;
  /** The packet starts a frame: a clean point to splice another segment in. */
  frameStart: boolean;
}

/** An endless supply of packets for one live segment. */
export interface SegmentSource {
  /** `file`: packets of an MPEG-TS asset; `synthetic`: generated packets. */
  readonly kind: "file" | "synthetic";
  /** The program to announce in PAT/PMT while this source plays. */
  readonly program: ProgramInfo;
  /** The next packet, without consuming it. */
  peek(): SourcePacket;
  /** Consumes and returns the next packet. */
  next(): SourcePacket;
  /**
   * Optional clean exit for a splice: consumes and returns the packets to send before cutting
   * away at the next frame start (the rest of the frame, then the tails of other streams'
   * unfinished PES). Without it, the splice takes packets up to the next frame start.
   */
  spliceOut?(): SourcePacket[];
}
