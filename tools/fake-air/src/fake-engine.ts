import { status } from "@grpc/grpc-js";
import { FakeChannel, type ChannelState } from "./fake-channel.js";
import type { FakeAirOptions } from "./fake-air-options.js";
import { AssetLibrary } from "./media/asset-library.js";
import { parseProgramFormatJson } from "./program-format.js";
import type {
  AttachStreamRequest,
  DetachStreamRequest,
  LoadPreviewRequest,
  ResultCodeName,
  StartChannelRequest,
  StopChannelRequest,
  SwitchToLiveRequest,
  UpdatePlanRequest,
} from "./wire-types.js";

/**
 * How the engine answers a call: a gRPC OK body, a gRPC error status, or never (`hang`: the
 * real engine's StopChannel after a switch, which also wedges every later call).
 */
export type EngineAnswer = { kind: "response"; response: Record<string, unknown> } | { kind: "status"; code: status; message: string } | { kind: "hang" };

const ok = (response: Record<string, unknown>): EngineAnswer => ({ kind: "response", response });
const fail = (code: status, message: string): EngineAnswer => ({ kind: "status", code, message });

// Node fires longer timeouts at once; waits are chained in steps no longer than this.
const MAX_TIMER_MS = 2 ** 31 - 1;
// The real engine's preview fills its buffer this long after LoadPreview / arming an immediate switch.
const PREVIEW_READY_MS = 60;

/** The engine's steady clock in ms (CLOCK_MONOTONIC: time since boot), not epoch time. */
function steadyClockMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

function loadPreviewBody(success: boolean, code: ResultCodeName, message: string): EngineAnswer {
  return ok({ success, message, shadow_decode_started: success, result_code: code });
}

function switchBody(fields: { success: boolean; code: ResultCodeName; message: string; violation?: string; pts?: number; completedAtMs?: number }): EngineAnswer {
  return ok({
    success: fields.success,
    message: fields.message,
    pts_contiguous: fields.success,
    live_start_pts: String(fields.pts ?? 0),
    result_code: fields.code,
    switch_completion_time_ms: String(fields.completedAtMs ?? 0),
    violation_reason: fields.violation ?? "",
  });
}

function toInt(value: unknown): number {
  const n = typeof value === "string" ? Number(value) : typeof value === "number" ? value : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/**
 * The engine's behaviour, method by method, as AIR-CONTRACT.md describes the real engine
 * ("How the real engine behaves"). Knows nothing about gRPC transport or faults.
 */
export class FakeEngine {
  readonly #options: FakeAirOptions;
  readonly #channels = new Map<number, FakeChannel>();
  readonly #assets: AssetLibrary;
  readonly #lifetime = new AbortController();

  constructor(options: FakeAirOptions) {
    this.#options = options;
    this.#assets = new AssetLibrary(options.mediaRoot);
  }

  /** State of a channel the engine knows (started or attached), else undefined. */
  channelState(channelId: number): ChannelState | undefined {
    return this.#channels.get(channelId)?.snapshot();
  }

  /** Every known channel's state. */
  channelStates(): ChannelState[] {
    return [...this.#channels.values()].map((c) => c.snapshot());
  }

  #started(channelId: number): FakeChannel | undefined {
    const ch = this.#channels.get(channelId);
    return ch?.started === true ? ch : undefined;
  }

  #channel(channelId: number): FakeChannel {
    let ch = this.#channels.get(channelId);
    if (ch === undefined) {
      ch = new FakeChannel(channelId);
      this.#channels.set(channelId, ch);
    }
    return ch;
  }

  /**
   * StartChannel: failure as gRPC status (ALREADY_EXISTS in single mode, INTERNAL for a bad
   * format or a `plan_handle` it cannot play: the real engine opens it as its first producer).
   */
  async startChannel(req: StartChannelRequest): Promise<EngineAnswer> {
    const id = req.channel_id;
    const early = this.#startedOrBusy(id);
    if (early !== undefined) return early;
    const format = parseProgramFormatJson(req.program_format_json);
    if (!format.ok) return fail(status.INTERNAL, format.message);
    const plan = await this.#assets.inspect(req.plan_handle);
    if (!plan.ok) return fail(status.INTERNAL, `Failed to start producer for channel ${id} (${plan.reason})`);
    const again = this.#startedOrBusy(id);
    if (again !== undefined) return again;
    const ch = this.#channel(id);
    ch.started = true;
    ch.format = format.format;
    ch.planHandle = req.plan_handle;
    return ok({ success: true, message: `Channel ${id} started` });
  }

  /** The answer when `id` is already started, or another channel holds a single-mode engine. */
  #startedOrBusy(id: number): EngineAnswer | undefined {
    if (this.#started(id) !== undefined) return ok({ success: true, message: `Channel ${id} already started` });
    if (this.#options.mode !== "single") return undefined;
    const other = [...this.#channels.values()].find((c) => c.started && c.id !== id);
    if (other === undefined) return undefined;
    return fail(status.ALREADY_EXISTS, `Channel ${other.id} already running; this engine plays one channel (requested ${id})`);
  }

  /** UpdatePlan: NOT_FOUND for a channel that is not started. */
  updatePlan(req: UpdatePlanRequest): EngineAnswer {
    const ch = this.#started(req.channel_id);
    if (ch === undefined) return fail(status.NOT_FOUND, `Channel ${req.channel_id} not found`);
    ch.planHandle = req.plan_handle;
    return ok({ success: true, message: `Channel ${req.channel_id} plan updated` });
  }

  /**
   * StopChannel: success even for an unknown channel; releases the socket and any waiting
   * switch. In `single` mode, after a successful switch it never answers (the real engine's defect).
   */
  stopChannel(req: StopChannelRequest): EngineAnswer {
    const ch = this.#started(req.channel_id);
    if (ch === undefined) return ok({ success: true, message: `Channel ${req.channel_id} already stopped or unknown` });
    if (this.#options.mode === "single" && ch.switchCount > 0) return { kind: "hang" };
    ch.dispose();
    this.#channels.delete(ch.id);
    return ok({ success: true, message: `Channel ${req.channel_id} stopped` });
  }

  getVersion(): EngineAnswer {
    return ok({ version: this.#options.version });
  }

  /** LoadPreview: body-style; checks fps first, then channel, busy, then the file. */
  async loadPreview(req: LoadPreviewRequest): Promise<EngineAnswer> {
    if (req.fps_denominator <= 0) return loadPreviewBody(false, "RESULT_CODE_PROTOCOL_VIOLATION", "fps_denominator must be > 0");
    if (req.fps_numerator <= 0) return loadPreviewBody(false, "RESULT_CODE_PROTOCOL_VIOLATION", "fps_numerator must be > 0");
    const startFrame = toInt(req.start_frame);
    const frameCount = toInt(req.frame_count);
    if (frameCount <= 0 || startFrame < 0) {
      return loadPreviewBody(false, "RESULT_CODE_PROTOCOL_VIOLATION", "start_frame >= 0 and frame_count > 0 are required");
    }
    const busy = (): EngineAnswer | undefined => {
      const ch = this.#started(req.channel_id);
      if (ch === undefined) return loadPreviewBody(false, "RESULT_CODE_UNSPECIFIED", `Channel ${req.channel_id} not found`);
      if (ch.switchArmed) return loadPreviewBody(false, "RESULT_CODE_REJECTED_BUSY", "A switch is armed; LoadPreview rejected");
      return undefined;
    };
    const before = busy();
    if (before !== undefined) return before;
    const asset = await this.#assets.inspect(req.asset_path);
    if (!asset.ok) return loadPreviewBody(false, "RESULT_CODE_FAILED", `Failed to start preview producer for channel ${req.channel_id} (${asset.reason})`);
    const after = busy();
    if (after !== undefined) return after;
    const ch = this.#started(req.channel_id) as FakeChannel;
    ch.preview = {
      assetPath: req.asset_path,
      resolvedPath: asset.path,
      startFrame,
      frameCount,
      fpsNumerator: req.fps_numerator,
      fpsDenominator: req.fps_denominator,
      index: asset.index,
    };
    ch.previewLoadedAtMs = Date.now();
    return loadPreviewBody(true, "RESULT_CODE_OK", `Preview loaded for channel ${req.channel_id}`);
  }

  /**
   * SwitchToLive: body-style. With a target, checks the lead and the preview, then blocks until
   * the target wall-clock time and switches. Target 0 (immediate): NOT_READY until the preview
   * is ready, then OK (see {@link #immediateSwitch}).
   * Resolves undefined when the fake is going away (the caller has released the call).
   */
  async switchToLive(req: SwitchToLiveRequest): Promise<EngineAnswer | undefined> {
    const receivedAtMs = Date.now();
    const ch = this.#started(req.channel_id);
    if (ch === undefined) return switchBody({ success: false, code: "RESULT_CODE_UNSPECIFIED", message: `Channel ${req.channel_id} not found` });
    const targetMs = toInt(req.target_boundary_time_ms);
    const issuedAtMs = toInt(req.issued_at_time_ms);
    if (targetMs === 0) return this.#immediateSwitch(ch);
    const leadMs = targetMs - (issuedAtMs !== 0 ? issuedAtMs : receivedAtMs);
    if (leadMs < this.#options.minPrefeedLeadMs) {
      return switchBody({
        success: false,
        code: "RESULT_CODE_PROTOCOL_VIOLATION",
        message: `Lead ${leadMs} ms is below the minimum prefeed lead of ${this.#options.minPrefeedLeadMs} ms`,
        violation: "Insufficient prefeed lead time",
      });
    }
    if (ch.preview === undefined) {
      return switchBody({ success: false, code: "RESULT_CODE_PROTOCOL_VIOLATION", message: "No preview loaded", violation: "No preview loaded" });
    }
    if (ch.switchArmed) return switchBody({ success: false, code: "RESULT_CODE_REJECTED_BUSY", message: "A switch is already armed" });
    ch.switchArmed = true;
    const reached = await this.#sleepUntil(targetMs, ch.lifetime.signal);
    if (this.#lifetime.signal.aborted) return undefined;
    if (!reached || ch.preview === undefined) {
      return switchBody({ success: false, code: "RESULT_CODE_FAILED", message: `Channel ${ch.id} stopped before the switch` });
    }
    ch.switchArmed = false;
    const pts = ch.switchToPreview();
    return switchBody({ success: true, code: "RESULT_CODE_OK", message: "Switched to live", pts, completedAtMs: Date.now() });
  }

  /**
   * The immediate switch (target 0), as the real engine does it: the first call arms it and
   * answers NOT_READY; calls before the preview is ready (~60 ms after LoadPreview and after
   * arming) answer NOT_READY again; the next one switches and answers OK. Its
   * `switch_completion_time_ms` is the engine's steady clock, not epoch ms.
   */
  #immediateSwitch(ch: FakeChannel): EngineAnswer {
    if (ch.preview === undefined) {
      return switchBody({ success: false, code: "RESULT_CODE_PROTOCOL_VIOLATION", message: "No preview loaded", violation: "No preview loaded" });
    }
    const now = Date.now();
    const notReady = switchBody({ success: false, code: "RESULT_CODE_NOT_READY", message: "Transition started; mapping locked, waiting for buffer to fill readiness threshold" });
    if (ch.immediateArmedAtMs === undefined) {
      if (ch.switchArmed) return switchBody({ success: false, code: "RESULT_CODE_REJECTED_BUSY", message: "A switch is already armed" });
      ch.immediateArmedAtMs = now;
      ch.switchArmed = true;
      return notReady;
    }
    if (now < Math.max(ch.immediateArmedAtMs, ch.previewLoadedAtMs) + PREVIEW_READY_MS) return notReady;
    ch.immediateArmedAtMs = undefined;
    ch.switchArmed = false;
    const pts = ch.switchToPreview();
    return switchBody({ success: true, code: "RESULT_CODE_OK", message: `Switched to live for channel ${ch.id}`, pts, completedAtMs: steadyClockMs() });
  }

  /** AttachStream: body-style; Unix sockets only; accepted before StartChannel. */
  async attachStream(req: AttachStreamRequest): Promise<EngineAnswer> {
    const body = (success: boolean, message: string): EngineAnswer =>
      ok({
        success,
        message,
        negotiated_transport: success ? "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET" : "STREAM_TRANSPORT_UNSPECIFIED",
        negotiated_endpoint: success ? req.endpoint : "",
      });
    if (req.transport !== "STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET" && req.transport !== 1) {
      return body(false, `Unsupported transport ${String(req.transport)}; only STREAM_TRANSPORT_UNIX_DOMAIN_SOCKET is supported`);
    }
    if (req.endpoint === "") return body(false, "endpoint is required");
    const existing = this.#channels.get(req.channel_id);
    if (existing?.attached === true && !req.replace_existing) {
      return body(false, `Channel ${req.channel_id} already attached to ${existing.endpoint ?? "a socket"}`);
    }
    const ch = this.#channel(req.channel_id);
    const result = await ch.attach(req.endpoint);
    if (!result.ok) return body(false, `Failed to connect to ${req.endpoint}: ${result.message}`);
    return body(true, `Attached to ${req.endpoint}`);
  }

  /** DetachStream: body-style and idempotent ("Not attached"). */
  detachStream(req: DetachStreamRequest): EngineAnswer {
    const ch = this.#channels.get(req.channel_id);
    if (ch === undefined || !ch.detach(req.force)) return ok({ success: true, message: "Not attached" });
    return ok({ success: true, message: "Detached" });
  }

  /** Abruptly closes the media socket of one channel, or of all when `channelId` is undefined. */
  closeSockets(channelId: number | undefined): void {
    for (const ch of this.#channels.values()) if (channelId === undefined || ch.id === channelId) ch.closeSocket();
  }

  /** Releases every channel, socket, writer and waiting switch at once. Idempotent. */
  dispose(): void {
    this.#lifetime.abort();
    for (const ch of this.#channels.values()) ch.dispose();
    this.#channels.clear();
  }

  /** Waits until wall-clock `targetMs`; false if `signal` or the engine's lifetime aborts first. */
  #sleepUntil(targetMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const signals = [signal, this.#lifetime.signal];
      const finish = (reached: boolean): void => {
        if (timer !== undefined) clearTimeout(timer);
        for (const s of signals) s.removeEventListener("abort", onAbort);
        resolve(reached);
      };
      const onAbort = (): void => finish(false);
      if (signals.some((s) => s.aborted)) {
        resolve(false);
        return;
      }
      for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
      const step = (): void => {
        const left = targetMs - Date.now();
        if (left <= 0) finish(true);
        else timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
      };
      step();
    });
  }
}
