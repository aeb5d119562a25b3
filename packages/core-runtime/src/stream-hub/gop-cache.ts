/**
 * The stream since its last random access point (PAT, PMT, video keyframe), kept so a
 * late joiner starts on a decodable picture at once. Holds references to the hub's
 * chunks (no copy); bounded by `maxBytes`: a GOP that grows past it is dropped until the
 * next random access point, and joiners fall back to the PAT-aligned start meanwhile.
 */
export class GopCache {
  private parts: Buffer[] = [];
  private size = 0;
  private active = false;
  private overflowCount = 0;

  /** @param maxBytes most bytes held; 0 disables the cache. */
  constructor(readonly maxBytes: number) {}

  /** True when the cache holds a whole GOP from its random access point up to now. */
  get valid(): boolean {
    return this.active;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.size;
  }

  /** Times a GOP outgrew the bound and was dropped. */
  get overflows(): number {
    return this.overflowCount;
  }

  /** A random access point: the cache restarts with `parts` (prefix and packets from it). */
  restart(parts: readonly Buffer[]): void {
    this.parts = [];
    this.size = 0;
    this.active = this.maxBytes > 0;
    for (const part of parts) this.append(part);
  }

  /** The stream went on: keeps `chunk` while the GOP fits. */
  append(chunk: Buffer): void {
    if (!this.active || chunk.length === 0) return;
    if (this.size + chunk.length > this.maxBytes) {
      this.overflowCount++;
      this.clear();
      return;
    }
    this.parts.push(chunk);
    this.size += chunk.length;
  }

  /** The stream ended or was replaced: nothing cached is valid any more. */
  clear(): void {
    this.parts = [];
    this.size = 0;
    this.active = false;
  }

  /** The cached bytes as one buffer (a copy), or undefined when not valid. */
  contents(): Buffer | undefined {
    if (!this.active || this.size === 0) return undefined;
    return this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts, this.size);
  }
}
