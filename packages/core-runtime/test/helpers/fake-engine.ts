import type {
  AttachStreamParams,
  Clock,
  DetachStreamParams,
  EngineCallErrorKind,
  EngineCallOptions,
  EngineOutcome,
  EngineReleaseReason,
  EngineResultCode,
  LoadPreviewParams,
  PlayoutEngine,
  StartChannelParams,
  SwitchToLiveParams,
  SwitchToLiveResult,
} from "../../src/index.js";

/** How the fake answers one call. `delayMs` answers later on the clock; `hang` never answers (until aborted). */
export type FakeAnswer =
  | { readonly kind: "ok"; readonly delayMs?: number }
  | { readonly kind: "rejected"; readonly code: EngineResultCode; readonly violationReason?: string; readonly delayMs?: number }
  | { readonly kind: "error"; readonly error: EngineCallErrorKind; readonly delayMs?: number }
  | { readonly kind: "hang" };

export type FakeMethod = "acquireChannel" | "startChannel" | "loadPreview" | "switchToLive" | "attachStream" | "detachStream" | "stopChannel";

export interface FakeCall {
  readonly method: FakeMethod;
  readonly params: unknown;
  readonly atMs: number;
  readonly timeoutMs: number | undefined;
  answeredAtMs?: number;
  outcome?: EngineOutcome<unknown>;
}

export interface FakeEngineOptions {
  /** `at-target` (default) answers a successful SwitchToLive at its target, like AIR; `instant` at once. */
  readonly switchAnswer: "at-target" | "instant";
}

/** An in-process PlayoutEngine for unit tests: records every call, answers from a per-method script (default: ok). */
export class FakeEngine implements PlayoutEngine {
  readonly calls: FakeCall[] = [];
  private readonly scripts = new Map<FakeMethod, FakeAnswer[]>();
  private readonly defaults = new Map<FakeMethod, FakeAnswer>();
  private readonly options: FakeEngineOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<FakeEngineOptions> = {},
  ) {
    this.options = { switchAnswer: options.switchAnswer ?? "at-target" };
  }

  /** Queues answers for the next calls of `method`. */
  script(method: FakeMethod, ...answers: FakeAnswer[]): void {
    const queue = this.scripts.get(method) ?? [];
    queue.push(...answers);
    this.scripts.set(method, queue);
  }

  /** Sets the answer used when the script of `method` is empty. */
  setDefault(method: FakeMethod, answer: FakeAnswer): void {
    this.defaults.set(method, answer);
  }

  callsOf(method: FakeMethod): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  count(method: FakeMethod): number {
    return this.callsOf(method).length;
  }

  acquireChannel(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("acquireChannel", { channelId }, options, undefined);
  }
  startChannel(params: StartChannelParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("startChannel", params, options, undefined);
  }
  loadPreview(params: LoadPreviewParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("loadPreview", params, options, undefined);
  }
  switchToLive(params: SwitchToLiveParams, options?: EngineCallOptions): Promise<EngineOutcome<SwitchToLiveResult>> {
    const value = { completionTimeMs: params.targetBoundaryTimeMs, ptsContiguous: true };
    const atTarget = this.options.switchAnswer === "at-target" ? Math.max(0, params.targetBoundaryTimeMs - this.clock.now()) : 0;
    return this.answer("switchToLive", params, options, value, atTarget);
  }
  attachStream(params: AttachStreamParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("attachStream", params, options, undefined);
  }
  detachStream(params: DetachStreamParams, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("detachStream", params, options, undefined);
  }
  stopChannel(channelId: number, options?: EngineCallOptions): Promise<EngineOutcome> {
    return this.answer("stopChannel", { channelId }, options, undefined);
  }
  releaseChannel(_channelId: number, _reason: EngineReleaseReason): Promise<void> {
    return Promise.resolve();
  }

  private answer<T>(method: FakeMethod, params: unknown, options: EngineCallOptions | undefined, value: T, okDelayMs = 0): Promise<EngineOutcome<T>> {
    const call: FakeCall = { method, params, atMs: this.clock.now(), timeoutMs: options?.timeoutMs };
    this.calls.push(call);
    const answer = this.scripts.get(method)?.shift() ?? this.defaults.get(method) ?? { kind: "ok" };
    return new Promise<EngineOutcome<T>>((resolve) => {
      let settled = false;
      const finish = (outcome: EngineOutcome<T>): void => {
        if (settled) return;
        settled = true;
        call.answeredAtMs = this.clock.now();
        call.outcome = outcome;
        resolve(outcome);
      };
      const signal = options?.signal;
      const onAbort = (): void => finish({ ok: false, failure: { kind: "error", error: "aborted", message: "aborted" } });
      signal?.addEventListener("abort", onAbort, { once: true });
      if (answer.kind === "hang") return;
      let outcome: EngineOutcome<T>;
      if (answer.kind === "ok") outcome = { ok: true, value };
      else if (answer.kind === "rejected") {
        outcome = {
          ok: false,
          failure: { kind: "rejected", code: answer.code, message: `fake ${answer.code}`, ...(answer.violationReason ? { violationReason: answer.violationReason } : {}) },
        };
      } else outcome = { ok: false, failure: { kind: "error", error: answer.error, message: `fake ${answer.error}` } };
      const delayMs = answer.delayMs ?? (answer.kind === "ok" ? okDelayMs : 0);
      if (delayMs <= 0) {
        finish(outcome);
        return;
      }
      const handle = this.clock.setTimeout(() => finish(outcome), delayMs);
      signal?.addEventListener("abort", () => this.clock.clearTimeout(handle), { once: true });
    });
  }
}
