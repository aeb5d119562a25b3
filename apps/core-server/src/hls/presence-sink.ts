import { EventEmitter } from "node:events";
import type { HubViewerSink } from "@retrovue/core-runtime";

/**
 * The sink an HLS viewer tunes in with: it holds the viewer's place in the channel (so
 * the director counts it and its leaving goes through the teardown gate) and hands the
 * bytes to `onBytes`, which feeds the channel's segmenter only while this viewer is its
 * feeder. It never queues (`writableLength` 0), so the hub never evicts it.
 */
export class PresenceSink extends EventEmitter implements HubViewerSink {
  readonly writableLength = 0;
  private endedFlag = false;
  private destroyedFlag = false;
  /** Bytes were delivered at least once (the hub starts a newcomer at a PAT). */
  primed = false;

  constructor(
    private readonly onBytes: (chunk: Uint8Array) => void,
    private readonly onGone: () => void,
  ) {
    super();
  }

  get writableEnded(): boolean {
    return this.endedFlag;
  }

  get destroyed(): boolean {
    return this.destroyedFlag;
  }

  write(chunk: Uint8Array): boolean {
    if (this.endedFlag || this.destroyedFlag) return false;
    this.primed = true;
    this.onBytes(chunk);
    return true;
  }

  end(): void {
    if (this.endedFlag || this.destroyedFlag) return;
    this.endedFlag = true;
    this.gone();
  }

  destroy(): void {
    if (this.destroyedFlag) return;
    const wasOpen = !this.endedFlag;
    this.destroyedFlag = true;
    if (wasOpen) this.gone();
  }

  private gone(): void {
    // As a response does: 'close' comes after the call that ended it.
    queueMicrotask(() => {
      this.emit("close");
      this.onGone();
    });
  }
}
