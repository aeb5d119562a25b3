import { once, setMaxListeners } from "node:events";
import * as net from "node:net";
import { Code, ConnectError, createClient, type CallOptions, type Client } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { AirCallError, type AirErrorCode } from "./air-call-error.js";
import { MAX_TIMER_MS, switchToLiveDeadlineMs, type AirClientOptions } from "./air-client-options.js";
import type { AirClient, WaitForReadyOptions } from "./air-client.js";
import type {
  AirApiVersion,
  AirAttachStreamAnswer,
  AirAttachStreamRequest,
  AirCallOptions,
  AirDetachStreamAnswer,
  AirDetachStreamRequest,
  AirLoadPreviewAnswer,
  AirLoadPreviewRequest,
  AirStartChannelRequest,
  AirStatusAnswer,
  AirStopChannelRequest,
  AirSwitchToLiveAnswer,
  AirSwitchToLiveRequest,
  AirUpdatePlanRequest,
  AirVersion,
} from "./air-messages.js";
import type { AirMethod } from "./air-method.js";
import { failed, outcomeOfBody, type AirCallResult, type AirFailed, type AirOk, type AirResult } from "./air-result.js";
import {
  attachStreamWire,
  buildRequest,
  detachStreamWire,
  loadPreviewWire,
  startChannelWire,
  stopChannelWire,
  streamTransportName,
  switchToLiveWire,
  updatePlanWire,
} from "./air-wire.js";
import { checkAirApiVersion } from "./api-version.js";
import { PlayoutControl } from "./gen/retrovue/playout/playout_pb.js";
import { linkSignals, sleep } from "./linked-signal.js";

/** Error codes after which waitForReady tries again (the engine is not up yet). */
export const READY_RETRY_CODES: ReadonlySet<AirErrorCode> = new Set<AirErrorCode>(["unavailable", "deadline_exceeded"]);

const CLOSED_MESSAGE = "AirClient is closed";

/**
 * The AirClient over connect-node's gRPC transport (HTTP/2). Use `createAirClient`.
 * @private Internal to air-client.
 */
export class GrpcAirClient implements AirClient {
  readonly address: string;
  readonly options: AirClientOptions;
  private readonly session: Http2SessionManager;
  private readonly rpc: Client<typeof PlayoutControl>;
  private readonly closeController = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly sockets = new Set<net.Socket>();
  private closing: Promise<void> | undefined;

  constructor(address: string, baseUrl: string, options: AirClientOptions) {
    this.address = address;
    this.options = options;
    // One abort listener per in-flight call (removed when it ends); many concurrent calls are normal.
    setMaxListeners(0, this.closeController.signal);
    // Our own session manager, so close() can end the HTTP/2 connection; our own sockets,
    // so close() can wait until they are really closed (released, not just destroyed).
    this.session = new Http2SessionManager(baseUrl, {}, { createConnection: (authority: URL) => this.connectSocket(authority) });
    this.rpc = createClient(PlayoutControl, createGrpcTransport({ baseUrl, sessionManager: this.session }));
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  async startChannel(request: AirStartChannelRequest, options?: AirCallOptions): Promise<AirResult<AirStatusAnswer>> {
    const wire = buildRequest("StartChannel", () => startChannelWire(request));
    const r = await this.call("StartChannel", wire, options, (req, o) => this.rpc.startChannel(req, o));
    return r.ok ? outcomeOfBody(r.value, { message: r.value.message }) : r;
  }

  async updatePlan(request: AirUpdatePlanRequest, options?: AirCallOptions): Promise<AirResult<AirStatusAnswer>> {
    const wire = buildRequest("UpdatePlan", () => updatePlanWire(request));
    const r = await this.call("UpdatePlan", wire, options, (req, o) => this.rpc.updatePlan(req, o));
    return r.ok ? outcomeOfBody(r.value, { message: r.value.message }) : r;
  }

  async stopChannel(request: AirStopChannelRequest, options?: AirCallOptions): Promise<AirResult<AirStatusAnswer>> {
    const wire = buildRequest("StopChannel", () => stopChannelWire(request));
    const r = await this.call("StopChannel", wire, options, (req, o) => this.rpc.stopChannel(req, o));
    return r.ok ? outcomeOfBody(r.value, { message: r.value.message }) : r;
  }

  async getVersion(options?: AirCallOptions): Promise<AirCallResult<AirVersion>> {
    const r = await this.call("GetVersion", {}, options, (req, o) => this.rpc.getVersion(req, o));
    return r.ok ? { ok: true, value: { version: r.value.version } } : r;
  }

  async loadPreview(request: AirLoadPreviewRequest, options?: AirCallOptions): Promise<AirResult<AirLoadPreviewAnswer>> {
    const wire = buildRequest("LoadPreview", () => loadPreviewWire(request));
    const r = await this.call("LoadPreview", wire, options, (req, o) => this.rpc.loadPreview(req, o));
    if (!r.ok) return r;
    return outcomeOfBody(r.value, { message: r.value.message, shadowDecodeStarted: r.value.shadowDecodeStarted });
  }

  async switchToLive(
    request: AirSwitchToLiveRequest,
    options?: AirCallOptions,
  ): Promise<AirResult<AirSwitchToLiveAnswer>> {
    const nowMs = this.options.now();
    const wire = buildRequest("SwitchToLive", () => switchToLiveWire(request, nowMs));
    let timeoutMs: number | undefined;
    if (!(wire instanceof AirCallError)) {
      const base = options?.timeoutMs ?? this.options.timeoutsMs.SwitchToLive;
      const target = Number(wire.targetBoundaryTimeMs);
      timeoutMs = validTimeout(base) ? switchToLiveDeadlineMs(target, nowMs, base, this.options.switchDeadlineMarginMs) : base;
    }
    const r = await this.call("SwitchToLive", wire, { ...options, timeoutMs }, (req, o) => this.rpc.switchToLive(req, o));
    if (!r.ok) return r;
    const b = r.value;
    return outcomeOfBody(b, {
      message: b.message,
      completionTimeMs: Number(b.switchCompletionTimeMs),
      ptsContiguous: b.ptsContiguous,
      liveStartPts: Number(b.liveStartPts),
    });
  }

  async attachStream(
    request: AirAttachStreamRequest,
    options?: AirCallOptions,
  ): Promise<AirResult<AirAttachStreamAnswer>> {
    const wire = buildRequest("AttachStream", () => attachStreamWire(request));
    const r = await this.call("AttachStream", wire, options, (req, o) => this.rpc.attachStream(req, o));
    if (!r.ok) return r;
    return outcomeOfBody(r.value, {
      message: r.value.message,
      negotiatedTransport: streamTransportName(r.value.negotiatedTransport),
      negotiatedEndpoint: r.value.negotiatedEndpoint,
    });
  }

  async detachStream(
    request: AirDetachStreamRequest,
    options?: AirCallOptions,
  ): Promise<AirResult<AirDetachStreamAnswer>> {
    const wire = buildRequest("DetachStream", () => detachStreamWire(request));
    const r = await this.call("DetachStream", wire, options, (req, o) => this.rpc.detachStream(req, o));
    return r.ok ? outcomeOfBody(r.value, { message: r.value.message }) : r;
  }

  async waitForReady(options: WaitForReadyOptions = {}): Promise<AirCallResult<AirVersion>> {
    const totalMs = options.totalTimeoutMs ?? this.options.waitForReadyTotalMs;
    const intervalMs = options.intervalMs ?? this.options.waitForReadyIntervalMs;
    if (!validTimeout(totalMs) || !validTimeout(intervalMs)) {
      return failed(
        new AirCallError("invalid_argument", "GetVersion", `waitForReady: totalTimeoutMs=${totalMs} and intervalMs=${intervalMs} must be numbers > 0`),
      );
    }
    const link = linkSignals(this.closeController.signal, options.signal);
    try {
      // Elapsed time is measured on the monotonic clock, not the injectable wall clock.
      const deadline = performance.now() + totalMs;
      let attempts = 0;
      let last: AirCallError | undefined;
      for (;;) {
        const left = Math.floor(deadline - performance.now());
        if (left <= 0) break;
        attempts += 1;
        const timeoutMs = Math.min(this.options.timeoutsMs.GetVersion, left);
        const r = await this.getVersion({ timeoutMs, signal: link.signal });
        if (r.ok || !READY_RETRY_CODES.has(r.error.code)) return r;
        last = r.error;
        const pause = Math.min(intervalMs, deadline - performance.now());
        if (pause <= 0) break;
        if (await sleep(pause, link.signal)) return failed(this.canceledError("GetVersion", link.signal));
      }
      const reason = last ? `last error: ${last.message}` : "no attempt fitted in the time";
      return failed(
        new AirCallError(
          "deadline_exceeded",
          "GetVersion",
          `engine at ${this.address} not ready within ${totalMs} ms after ${attempts} attempt(s); ${reason}`,
          last,
        ),
      );
    } finally {
      link.cleanup();
    }
  }

  async checkApiVersion(options?: AirCallOptions): Promise<AirCallResult<AirApiVersion>> {
    const r = await this.getVersion(options);
    if (!r.ok) return r;
    const checked = checkAirApiVersion(r.value.version);
    return checked instanceof AirCallError ? failed(checked) : { ok: true, value: checked };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async shutdown(): Promise<void> {
    this.closeController.abort(new ConnectError(CLOSED_MESSAGE, Code.Canceled));
    this.session.abort(new ConnectError(CLOSED_MESSAGE, Code.Canceled));
    await Promise.allSettled([...this.inFlight]);
    await Promise.all(
      [...this.sockets].map(async (socket) => {
        const closed = once(socket, "close");
        socket.destroy();
        await closed;
      }),
    );
  }

  private connectSocket(authority: URL): net.Socket {
    const host = authority.hostname.replace(/^\[(.*)\]$/, "$1");
    const socket = net.connect({ host, port: Number(authority.port) });
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    return socket;
  }

  /**
   * Runs one RPC: checks the request and call options, links the caller's signal to the
   * client's close signal, applies the deadline, and turns whatever happens into a value.
   */
  private async call<Req, Res>(
    method: AirMethod,
    request: Req | AirCallError,
    options: AirCallOptions | undefined,
    send: (request: Req, options: CallOptions) => Promise<Res>,
  ): Promise<AirOk<Res> | AirFailed> {
    if (request instanceof AirCallError) return failed(request);
    if (this.closing) return failed(new AirCallError("canceled", method, CLOSED_MESSAGE));
    const timeoutMs = options?.timeoutMs ?? this.options.timeoutsMs[method];
    if (!validTimeout(timeoutMs)) {
      return failed(new AirCallError("invalid_argument", method, `timeoutMs must be a number > 0, got ${String(timeoutMs)}`));
    }
    const userSignal = options?.signal;
    if (userSignal !== undefined && !(userSignal instanceof AbortSignal)) {
      return failed(new AirCallError("invalid_argument", method, "signal must be an AbortSignal"));
    }
    const link = linkSignals(this.closeController.signal, userSignal);
    const pending = (async (): Promise<AirOk<Res> | AirFailed> => {
      try {
        if (link.signal.aborted) return failed(this.canceledError(method, link.signal));
        // Node fires longer timers at once; cap (a deadline of ~24 days is no deadline anyway).
        const deadlineMs = Math.min(timeoutMs, MAX_TIMER_MS);
        return { ok: true, value: await send(request, { timeoutMs: deadlineMs, signal: link.signal }) };
      } catch (e) {
        const error = AirCallError.from(e, method);
        return failed(error.code === "canceled" && link.signal.aborted ? this.canceledError(method, link.signal, e) : error);
      } finally {
        link.cleanup();
      }
    })();
    this.inFlight.add(pending);
    try {
      return await pending;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  // A canceled error that says who canceled: the client's close() or the caller's signal.
  private canceledError(method: AirMethod, signal: AbortSignal, cause?: unknown): AirCallError {
    if (this.closeController.signal.aborted) return new AirCallError("canceled", method, CLOSED_MESSAGE, cause ?? signal.reason);
    const reason: unknown = signal.reason;
    const text = reason instanceof Error ? reason.message : "call aborted by the caller's signal";
    return new AirCallError("canceled", method, text, cause ?? reason);
  }
}

function validTimeout(ms: unknown): ms is number {
  return typeof ms === "number" && Number.isFinite(ms) && ms > 0;
}
