import { existsSync, readdirSync } from "node:fs";
import { expect } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChannelManagerOptions,
  ChannelManager,
  ManualClock,
  ProgramDirector,
  UnknownChannelError,
  type AttachStreamParams,
  type ChannelStreamHub,
  type HubViewerSink,
  type StreamHubEvent,
  type StreamHubStats,
  type DetachStreamParams,
  type EngineCallErrorKind,
  type EngineCallOptions,
  type EngineOutcome,
  type EngineReleaseReason,
  type EngineResultCode,
  type LoadPreviewParams,
  type PlayoutEngine,
  type ProgramDirectorEvent,
  type ProgramDirectorOptions,
  type ProgramFormat,
  type ScheduledSegment,
  type ScheduleSource,
  type StartChannelParams,
  type StreamHubOptions,
  type SwitchToLiveParams,
  type SwitchToLiveResult,
} from "../../src/index.js";

export type EngineMethod =
  | "acquireChannel"
  | "attachStream"
  | "startChannel"
  | "loadPreview"
  | "switchToLive"
  | "detachStream"
  | "stopChannel"
  | "releaseChannel";

/**
 * How the fake answers a call: at once or `delayMs` later on the clock; `hang` answers
 * `aborted` only when the caller aborts; `hang-forever` ignores the signal too.
 */
export type Answer =
  | { readonly kind: "ok"; readonly delayMs?: number }
  | { readonly kind: "rejected"; readonly code: EngineResultCode; readonly delayMs?: number }
  | { readonly kind: "error"; readonly error: EngineCallErrorKind; readonly delayMs?: number }
  | { readonly kind: "hang" }
  | { readonly kind: "hang-forever" };

export interface EngineCall {
  readonly method: EngineMethod;
  readonly channel: number;
  readonly atMs: number;
  readonly params?: unknown;
  readonly releaseReason?: EngineReleaseReason;
}

/**
 * An in-process PlayoutEngine with scripted answers, driven by a ManualClock. It keeps
 * the books a leak check needs (acquired / started / connected channels) and, when
 * `connectStreams` is on, connects to the hub's socket at AttachStream like AIR does.
 */
export class ScriptedEngine implements PlayoutEngine {
  readonly calls: EngineCall[] = [];
  readonly acquired = new Set<number>();
  readonly started = new Set<number>();
  readonly streams = new Map<number, Socket>();
  private readonly queues = new Map<EngineMethod, Answer[]>();
  private readonly defaults = new Map<EngineMethod, Answer>();
  /** Consulted when a method's queue is empty, before its default (random faults). */
  decide: ((method: EngineMethod, channel: number) => Answer | undefined) | undefined;

  constructor(
    private readonly clock: ManualClock,
    private readonly connectStreams = false,
  ) {}

  /** Answers for the next calls of `method`, in order. */
  script(method: EngineMethod, ...answers: Answer[]): void {
    this.queues.set(method, [...(this.queues.get(method) ?? []), ...answers]);
  }

  /** The answer of `method` once its queue is empty (default: ok). */
  setDefault(method: EngineMethod, answer: Answer): void {
    this.defaults.set(method, answer);
  }

  count(method: EngineMethod, channel?: number): number {
    return this.calls.filter((c) => c.method === method && (channel === undefined || c.channel === channel)).length;
  }

  methods(channel?: number): EngineMethod[] {
    return this.calls.filter((c) => channel === undefined || c.channel === channel).map((c) => c.method);
  }

  /** Writes bytes into the channel's stream socket (connectStreams mode). */
  write(channel: number, data: Buffer): void {
    this.streams.get(channel)?.write(data);
  }

  async acquireChannel(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome> {
    const outcome = await this.answer("acquireChannel", channelId, options);
    if (outcome.ok) this.acquired.add(channelId);
    return outcome;
  }

  async attachStream(params: AttachStreamParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    const outcome = await this.answer("attachStream", params.channelId, options, params);
    if (outcome.ok && this.connectStreams) await this.openStream(params.channelId, params.socketPath);
    return outcome;
  }

  async startChannel(params: StartChannelParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    const outcome = await this.answer("startChannel", params.channelId, options, params);
    if (outcome.ok) this.started.add(params.channelId);
    return outcome;
  }

  loadPreview(params: LoadPreviewParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("loadPreview", params.channelId, options, params);
  }

  /** Like AIR: a successful switch answers at its target time. */
  async switchToLive(params: SwitchToLiveParams, options?: EngineCallOptions): Promise<EngineOutcome<SwitchToLiveResult>> {
    const atTarget: Answer = { kind: "ok", delayMs: Math.max(0, params.targetBoundaryTimeMs - this.clock.now()) };
    const outcome = await this.answer("switchToLive", params.channelId, options, params, atTarget);
    return outcome.ok ? { ok: true, value: { completionTimeMs: this.clock.now(), ptsContiguous: true } } : outcome;
  }

  async detachStream(params: DetachStreamParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    const outcome = await this.answer("detachStream", params.channelId, options, params);
    this.closeStream(params.channelId);
    return outcome;
  }

  async stopChannel(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome> {
    const outcome = await this.answer("stopChannel", channelId, options);
    if (outcome.ok) this.started.delete(channelId);
    return outcome;
  }

  async releaseChannel(channelId: number, reason: EngineReleaseReason): Promise<void> {
    this.calls.push({ method: "releaseChannel", channel: channelId, atMs: this.clock.now(), releaseReason: reason });
    this.acquired.delete(channelId);
    this.started.delete(channelId); // a spawned engine is ended here
    this.closeStream(channelId);
  }

  /** Destroys every stream connection (test cleanup). */
  closeAllStreams(): void {
    for (const channel of [...this.streams.keys()]) this.closeStream(channel);
  }

  private closeStream(channel: number): void {
    this.streams.get(channel)?.destroy();
    this.streams.delete(channel);
  }

  private openStream(channel: number, socketPath: string): Promise<void> {
    return new Promise((resolve) => {
      const socket = connect(socketPath, () => resolve());
      socket.on("error", () => resolve());
      this.streams.get(channel)?.destroy();
      this.streams.set(channel, socket);
    });
  }

  private answer<T = void>(
    method: EngineMethod,
    channel: number,
    options: EngineCallOptions | undefined,
    params?: unknown,
    fallback: Answer = { kind: "ok" },
  ): Promise<EngineOutcome<T>> {
    this.calls.push({ method, channel, atMs: this.clock.now(), params });
    const answer = this.queues.get(method)?.shift() ?? this.decide?.(method, channel) ?? this.defaults.get(method) ?? fallback;
    const signal = options?.signal;
    const outcome = (): EngineOutcome<T> => {
      switch (answer.kind) {
        case "rejected":
          return { ok: false, failure: { kind: "rejected", code: answer.code, message: `${method} rejected` } };
        case "error":
          return { ok: false, failure: { kind: "error", error: answer.error, message: `${method} ${answer.error}` } };
        default:
          return { ok: true, value: undefined as T };
      }
    };
    const aborted: EngineOutcome<T> = { ok: false, failure: { kind: "error", error: "aborted", message: `${method} aborted` } };
    if (answer.kind === "hang-forever") return new Promise(() => undefined);
    if (signal?.aborted) return Promise.resolve(aborted);
    const delayMs = answer.kind === "hang" ? undefined : (answer.delayMs ?? 0);
    if (delayMs === 0) return Promise.resolve(outcome());
    return new Promise((resolve) => {
      const timer = delayMs === undefined ? undefined : this.clock.setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve(outcome());
      }, delayMs);
      const onAbort = (): void => {
        if (timer) this.clock.clearTimeout(timer);
        resolve(aborted);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}

const FORMAT: ProgramFormat = { video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } }, audio: { sampleRate: 48000, channels: 2 } };

/** Every channel loops one asset in `segmentMs` segments from epoch 0. */
export class LoopSchedule implements ScheduleSource {
  constructor(
    private readonly channels: readonly number[],
    private readonly segmentMs = 30_000,
  ) {}

  channelNumbers(): readonly number[] {
    return this.channels;
  }

  programFormat(channelNumber: number): ProgramFormat {
    this.check(channelNumber);
    return FORMAT;
  }

  segmentAt(channelNumber: number, atMs: number): ScheduledSegment {
    this.check(channelNumber);
    const sequence = Math.floor(atMs / this.segmentMs);
    const startMs = sequence * this.segmentMs;
    return {
      channelNumber,
      sequence,
      assetPath: `ch${channelNumber}/clip.ts`,
      title: `Clip ${sequence}`,
      startMs,
      endMs: startMs + this.segmentMs,
      fps: { numerator: 30, denominator: 1 },
      assetStartFrame: 0,
      frameCount: (this.segmentMs / 1000) * 30,
    };
  }

  segmentsBetween(channelNumber: number, fromMs: number, toMs: number): ScheduledSegment[] {
    const out: ScheduledSegment[] = [];
    for (let at = fromMs; at < toMs; at = this.segmentAt(channelNumber, at).endMs) out.push(this.segmentAt(channelNumber, at));
    return out;
  }

  private check(channelNumber: number): void {
    if (!this.channels.includes(channelNumber)) throw new UnknownChannelError(channelNumber);
  }
}

/**
 * An in-memory ChannelStreamHub for the storm: no sockets, so a seeded storm replays
 * exactly. `open` is the registry the leak check reads.
 */
export class MemoryHub implements ChannelStreamHub {
  private readonly viewers = new Map<string, { sink: HubViewerSink; onClose: () => void }>();
  private readonly listeners = new Set<(event: StreamHubEvent) => void>();
  private closed = false;

  constructor(
    readonly socketPath: string,
    private readonly open: Set<MemoryHub>,
  ) {}

  get viewerCount(): number {
    return this.viewers.size;
  }

  listen(): Promise<void> {
    if (!this.closed) this.open.add(this);
    return Promise.resolve();
  }

  addViewer(viewerId: string, sink: HubViewerSink): boolean {
    if (this.closed) throw new Error("hub closed");
    if (this.viewers.has(viewerId)) throw new Error("duplicate viewer");
    if (sink.destroyed === true || sink.writableEnded === true) return false;
    const onClose = (): void => {
      this.detach(viewerId);
      for (const listener of [...this.listeners]) listener({ type: "viewer-removed", viewerId, cause: "closed" });
    };
    sink.on("close", onClose);
    this.viewers.set(viewerId, { sink, onClose });
    return true;
  }

  removeViewer(viewerId: string, how: "end" | "destroy" = "end"): boolean {
    const entry = this.detach(viewerId);
    if (!entry) return false;
    if (how === "end") entry.sink.end();
    else entry.sink.destroy();
    return true;
  }

  expectEngineClose(): void {}

  subscribe(listener: (event: StreamHubEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): StreamHubStats {
    return { viewers: this.viewers.size, engineConnected: false, bytesIn: 0, chunksOut: 0, bytesOut: 0, viewersEvicted: 0, resyncs: 0, splices: 0, gopCacheBytes: 0, gopCacheOverflows: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.open.delete(this);
    for (const id of [...this.viewers.keys()]) this.removeViewer(id, "end");
    this.listeners.clear();
  }

  private detach(viewerId: string): { sink: HubViewerSink; onClose: () => void } | undefined {
    const entry = this.viewers.get(viewerId);
    if (!entry) return undefined;
    this.viewers.delete(viewerId);
    entry.sink.off("close", entry.onClose);
    return entry;
  }
}

export interface HarnessOptions {
  readonly channels?: readonly number[];
  readonly options?: Partial<ProgramDirectorOptions>;
  readonly hubOptions?: Partial<StreamHubOptions>;
  readonly connectStreams?: boolean;
  /** Clock start, epoch ms. Default 1_000_000 (a segment boundary is every 30 s). */
  readonly startMs?: number;
  /** `real` (default): a StreamHub on a Unix socket per session; `memory`: {@link MemoryHub}. */
  readonly hub?: "real" | "memory";
  /** ChannelManager options of every session (default: the scheduled start these suites pin). */
  readonly managerOptions?: Partial<ChannelManagerOptions>;
}

/** A director over the scripted engine, a real StreamHub per session, and a manual clock. */
export interface Harness {
  readonly clock: ManualClock;
  readonly engine: ScriptedEngine;
  readonly director: ProgramDirector;
  readonly runtimeDir: string;
  readonly events: ProgramDirectorEvent[];
  /** Every manager the director created, in order, with the instant each was disposed. */
  readonly managers: Array<{ readonly channel: number; readonly manager: ChannelManager; disposedWithSessions?: number }>;
  eventsOf<T extends ProgramDirectorEvent["type"]>(type: T): Array<Extract<ProgramDirectorEvent, { type: T }>>;
  socketFiles(): string[];
  /** Memory hubs not yet closed (memory mode). */
  readonly openMemoryHubs: Set<MemoryHub>;
  /** Shuts the director down, checks nothing is left, removes the runtime directory. */
  close(): Promise<void>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new ManualClock(options.startMs ?? 1_000_000);
  const engine = new ScriptedEngine(clock, options.connectStreams ?? false);
  const runtimeDir = await mkdtemp(join(tmpdir(), "rv-director-"));
  const events: ProgramDirectorEvent[] = [];
  const managers: Harness["managers"] = [];
  const openMemoryHubs = new Set<MemoryHub>();
  let director: ProgramDirector | undefined = undefined;
  director = new ProgramDirector(
    {
      engine,
      schedule: new LoopSchedule(options.channels ?? [1, 2, 3]),
      clock,
      runtimeDir,
      ...(options.hubOptions ? { hubOptions: options.hubOptions } : { hubOptions: { coalesceMaxDelayMs: 0 } }),
      ...(options.hub === "memory" ? { createHub: (params) => new MemoryHub(params.socketPath, openMemoryHubs) } : {}),
      createManager: (params) => {
        const manager = new ChannelManager(params, { sessionStart: "scheduled", ...params.options, ...options.managerOptions }); // these tests pin the scheduled start's timing
        const entry: Harness["managers"][number] = { channel: params.channelNumber, manager };
        const dispose = manager.dispose.bind(manager);
        manager.dispose = () => {
          entry.disposedWithSessions ??= director?.sessionCount;
          dispose();
        };
        managers.push(entry);
        return manager;
      },
    },
    // The watchdog needs bytes on the stream: suites that feed none turn it on themselves.
    { outputWatchdogMs: 0, ...options.options },
  );
  director.subscribe((event) => events.push(event));
  const d = director;
  return {
    clock,
    engine,
    director: d,
    runtimeDir,
    events,
    managers,
    eventsOf: (type) => events.filter((e) => e.type === type) as never,
    openMemoryHubs,
    socketFiles: () => (existsSync(runtimeDir) ? readdirSync(runtimeDir).filter((f) => f.endsWith(".sock")) : []),
    async close() {
      await drive(clock, d.shutdown());
      engine.closeAllStreams();
      await rm(runtimeDir, { recursive: true, force: true });
    },
  };
}

/** Lets pending I/O callbacks and promise continuations run (no timers involved). */
export async function ioTurns(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Awaits `work`, moving the manual clock from one due timer to the next while it is
 * pending (negotiated teardowns wait for boundaries). Returns the clock's advance, ms.
 */
export async function drive<T>(clock: ManualClock, work: Promise<T>, maxSteps = 1000): Promise<T> {
  let finished = false;
  void work.then(
    () => (finished = true),
    () => (finished = true),
  );
  for (let i = 0; i < maxSteps && !finished; i++) {
    await ioTurns(10);
    if (!finished && clock.nextDueAtMs !== undefined) clock.advanceTo(clock.nextDueAtMs);
  }
  return work;
}

/**
 * Advances the manual clock by `ms`, one due timer at a time, letting engine answers
 * (promise continuations) and I/O run between timers, as they would in real time.
 */
export async function advance(clock: ManualClock, ms: number): Promise<void> {
  const target = clock.now() + ms;
  for (;;) {
    await ioTurns(2);
    const next = clock.nextDueAtMs;
    if (next === undefined || next > target) break;
    clock.advanceTo(next);
  }
  clock.advanceTo(target);
  await ioTurns();
}

/**
 * Shuts the harness down and asserts nothing is left: no channel session, no socket file,
 * no armed timer, no engine still acquired. Every director suite runs it after each test.
 */
export async function closeAndAssertClean(h: Harness): Promise<void> {
  await h.close();
  expect(h.director.sessionCount).toBe(0);
  expect(h.socketFiles()).toEqual([]);
  expect(h.clock.armedTimerCount).toBe(0);
  expect(h.engine.acquired.size).toBe(0);
}
