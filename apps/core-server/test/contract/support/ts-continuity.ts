/**
 * Reads a captured MPEG-TS the way a demuxer checks it: packet sync, and continuity
 * counters per PID (a payload packet advances by one, an adaptation-only one repeats,
 * discontinuity_indicator excuses a jump). ffmpeg reports CC errors only at debug level,
 * so the splice tests check them here.
 */
export interface ContinuityReport {
  readonly packets: number;
  readonly syncErrors: number;
  readonly ccErrors: number;
  /** Packets with discontinuity_indicator set, by PID. */
  readonly discontinuities: ReadonlyMap<number, number>;
}

export function checkContinuity(capture: Buffer): ContinuityReport {
  const last = new Map<number, number>();
  const discontinuities = new Map<number, number>();
  let syncErrors = capture.length % 188 === 0 ? 0 : 1;
  let ccErrors = 0;
  let packets = 0;
  for (let at = 0; at + 188 <= capture.length; at += 188) {
    packets++;
    if (capture[at] !== 0x47) {
      syncErrors++;
      continue;
    }
    const pid = (((capture[at + 1] as number) & 0x1f) << 8) | (capture[at + 2] as number);
    if (pid === 0x1fff) continue;
    const afc = ((capture[at + 3] as number) >> 4) & 3;
    const cc = (capture[at + 3] as number) & 0x0f;
    const discontinuity = (afc & 2) !== 0 && (capture[at + 4] as number) > 0 && ((capture[at + 5] as number) & 0x80) !== 0;
    if (discontinuity) discontinuities.set(pid, (discontinuities.get(pid) ?? 0) + 1);
    const prev = last.get(pid);
    const expected = prev === undefined ? cc : (afc & 1) !== 0 ? (prev + 1) & 0x0f : prev;
    if (!discontinuity && cc !== expected) ccErrors++;
    last.set(pid, cc);
  }
  return { packets, syncErrors, ccErrors, discontinuities };
}

/**
 * The capture without each PES PID's last PES: a viewer that hangs up cuts its capture
 * mid-frame, and a decoder would report that cut as an error of the stream. Dropping the
 * last (possibly cut) PES of each PID judges only what the server sent whole.
 */
export function trimCaptureTail(capture: Buffer): Buffer {
  const count = Math.floor(capture.length / 188);
  const lastStart = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const at = i * 188;
    const pid = (((capture[at + 1] as number) & 0x1f) << 8) | (capture[at + 2] as number);
    if (((capture[at + 1] as number) & 0x40) === 0) continue;
    const afc = ((capture[at + 3] as number) >> 4) & 3;
    const p = (afc & 2) !== 0 ? at + 5 + (capture[at + 4] as number) : at + 4;
    if (capture[p] === 0 && capture[p + 1] === 0 && capture[p + 2] === 1) lastStart.set(pid, i);
  }
  const kept: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * 188;
    const pid = (((capture[at + 1] as number) & 0x1f) << 8) | (capture[at + 2] as number);
    const cut = lastStart.get(pid);
    if (cut === undefined || i < cut) kept.push(capture.subarray(at, at + 188));
  }
  return Buffer.concat(kept);
}
