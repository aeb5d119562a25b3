import { createConnection, type Socket } from "node:net";
import { type LoadedSegment, openSegmentSource } from "./media/asset-library.js";
import { ChannelWriter } from "./media/channel-writer.js";
import type { ProgramFormatJson } from "./program-format.js";

/** What the fake knows about one channel (plain data, for tests and the control server). */
export interface ChannelState {
  channelId: number;
  /** StartChannel succeeded and StopChannel has not run since. */
  started: boolean;
  /** A media socket is connected. */
  attached: boolean;
  /** Socket path of the current attachment. */
  endpoint: string | undefined;
  previewLoaded: boolean;
  /** A SwitchToLive is waiting for its target (or an immediate target-0 switch answered NOT_READY). */
  switchArmed: boolean;
  /** A segment is on air (bytes flow whenever a socket is attached). */
  live: boolean;
  planHandle: string;
  previewAssetPath: string | undefined;
  liveAssetPath: string | undefined;
  /** `file` while a segment is live: its clip (re-multiplexed), then black and silence. */
  liveSource: "file" | undefined;
  /** Successful switches so far. */
  switchCount: number;
  /** Bytes written to media sockets so far. */
  bytesWritten: number;
}

/** One channel of the fake engine: playout state plus its media socket and paced writer. */
export class FakeChannel {
  readonly id: number;
  started = false;
  planHandle = "";
  preview: LoadedSegment | undefined;
  live: LoadedSegment | undefined;
  /** The channel's program format (StartChannel): size of black pictures, format of silence. */
  format: ProgramFormatJson | undefined;
  /** When the preview loaded (ms, wall clock): an immediate switch is ready ~60 ms later. */
  previewLoadedAtMs = 0;
  switchArmed = false;
  /** When the pending immediate switch (target 0) was armed, ms; undefined if none is. */
  immediateArmedAtMs: number | undefined;
  switchCount = 0;
  /** Aborted when the channel stops or the fake goes away; releases waiting switches. */
  readonly lifetime = new AbortController();
  readonly #writer = new ChannelWriter();
  readonly #connecting = new Set<Socket>();
  #socket: Socket | undefined;
  #endpoint: string | undefined;

  constructor(id: number) {
    this.id = id;
  }

  get attached(): boolean {
    return this.#socket !== undefined;
  }

  get endpoint(): string | undefined {
    return this.#endpoint;
  }

  /** Connects to Core's Unix socket at `path`; on success it becomes the sink (replacing any old one). */
  async attach(path: string): Promise<{ ok: true } | { ok: false; message: string }> {
    const socket = createConnection({ path });
    this.#connecting.add(socket);
    const result = await new Promise<{ ok: true } | { ok: false; message: string }>((resolve) => {
      socket.once("connect", () => resolve({ ok: true }));
      socket.once("error", (error) => resolve({ ok: false, message: error.message }));
      // Destroyed while connecting (stop/crash) emits no error: settle anyway.
      socket.once("close", () => resolve({ ok: false, message: "connection closed" }));
    });
    this.#connecting.delete(socket);
    if (!result.ok || this.lifetime.signal.aborted) {
      socket.destroy();
      return result.ok ? { ok: false, message: "channel went away while connecting" } : result;
    }
    const old = this.#socket;
    this.#socket = socket;
    this.#endpoint = path;
    // A reader that goes away is not an engine error: stop writing until re-attached.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#endpoint = undefined;
      this.#writer.setSink(undefined);
    });
    socket.on("data", () => undefined); // Core never writes to us; drain anyway
    this.#writer.setSink(socket);
    old?.end();
    return { ok: true };
  }

  /** Stops writing and closes the socket (`force`: at once; else after queued bytes). */
  detach(force: boolean): boolean {
    const socket = this.#socket;
    if (socket === undefined) return false;
    this.#socket = undefined;
    this.#endpoint = undefined;
    this.#writer.setSink(undefined);
    if (force) socket.destroy();
    else socket.end();
    return true;
  }

  /** Abruptly destroys the media socket (a scripted fault or a crash). */
  closeSocket(): void {
    this.#writer.setSink(undefined);
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#endpoint = undefined;
    for (const s of this.#connecting) s.destroy();
  }

  /** Promotes the preview to live; returns the output PTS where it starts. Requires a preview. */
  switchToPreview(): number {
    const segment = this.preview;
    if (segment === undefined) throw new Error("no preview loaded");
    const f = this.format;
    const source = openSegmentSource(segment, {
      width: f?.video.width ?? 1280,
      height: f?.video.height ?? 720,
      audio: { sampleRate: f?.audio.sample_rate ?? 48000, channels: f?.audio.channels ?? 2 },
    });
    this.live = segment;
    this.preview = undefined;
    this.switchCount++;
    return this.#writer.switchTo(source);
  }

  /** Releases everything at once: writer, socket, waiting switches. Idempotent. */
  dispose(): void {
    this.lifetime.abort();
    this.#writer.stop();
    this.closeSocket();
    this.started = false;
    this.preview = undefined;
    this.live = undefined;
    this.switchArmed = false;
    this.immediateArmedAtMs = undefined;
  }

  /** A plain-data copy of the state. */
  snapshot(): ChannelState {
    return {
      channelId: this.id,
      started: this.started,
      attached: this.attached,
      endpoint: this.#endpoint,
      previewLoaded: this.preview !== undefined,
      switchArmed: this.switchArmed,
      live: this.live !== undefined,
      planHandle: this.planHandle,
      previewAssetPath: this.preview?.assetPath,
      liveAssetPath: this.live?.assetPath,
      liveSource: this.live === undefined ? undefined : "file",
      switchCount: this.switchCount,
      bytesWritten: this.#writer.bytesWritten,
    };
  }
}
