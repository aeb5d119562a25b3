import * as grpc from "@grpc/grpc-js";
import { createServer, type Server as NetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { CallRecorder, type RecordedCall, type RecordedOutcome } from "./call-recorder.js";
import type { ChannelState } from "./fake-channel.js";
import { type FakeAirOptions, resolveFakeAirOptions } from "./fake-air-options.js";
import { type EngineAnswer, FakeEngine } from "./fake-engine.js";
import { type AirMethod, type Fault, FaultScript } from "./fault.js";
import { forcedAnswer } from "./forced-answer.js";
import { loadPlayoutService } from "./playout-proto.js";
import type {
  AttachStreamRequest,
  DetachStreamRequest,
  LoadPreviewRequest,
  StartChannelRequest,
  StopChannelRequest,
  SwitchToLiveRequest,
  UpdatePlanRequest,
} from "./wire-types.js";

/** A running fake AIR engine. */
export interface FakeAir {
  /** "host:port" it listens on. */
  readonly address: string;
  readonly port: number;
  /** Adds a fault for `method` (see {@link Fault}; queued after earlier ones). Throws FaultError if malformed. */
  script(method: AirMethod, fault: Fault): void;
  /** Removes every scripted fault. */
  clearFaults(): void;
  /** Every RPC received so far, in arrival order (copies). */
  calls(): RecordedCall[];
  /** State of a channel the fake knows (started or attached), else undefined. */
  channelState(channelId: number): ChannelState | undefined;
  /** States of every known channel. */
  channelStates(): ChannelState[];
  /** Abrupt, like a process crash: drops the server, every connection and media socket at once. */
  crash(): void;
  /** Graceful stop: answers waiting calls UNAVAILABLE, closes sockets, shuts the server. Idempotent. */
  stop(): Promise<void>;
  /** Alias of {@link stop}. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface PendingCall {
  record: RecordedCall;
  callback: grpc.sendUnaryData<Record<string, unknown>>;
  settled: boolean;
}

// After a graceful shutdown request, connections still open this long are dropped.
const SHUTDOWN_GRACE_MS = 1000;

class FakeAirServer implements FakeAir {
  readonly #options: FakeAirOptions;
  readonly #server = new grpc.Server();
  // We own the listening socket and feed connections to grpc-js, so a crash can drop the TCP
  // connections themselves (clients see UNAVAILABLE, as when a process dies) rather than
  // HTTP/2 cancellations.
  readonly #listener: NetServer;
  readonly #connections = new Set<Socket>();
  readonly #injector: grpc.ConnectionInjector;
  readonly #engine: FakeEngine;
  readonly #faults = new FaultScript();
  readonly #recorder = new CallRecorder();
  readonly #pending = new Set<PendingCall>();
  readonly #delays = new Set<{ timer: NodeJS.Timeout; resolve: (fired: boolean) => void }>();
  #state: "running" | "stopping" | "stopped" | "crashed" = "running";
  // Set once a StopChannel hung (single mode, after a switch): every later call hangs too.
  #wedged = false;
  #stopPromise: Promise<void> | undefined;
  address = "";
  port = 0;

  constructor(options: FakeAirOptions) {
    this.#options = options;
    this.#engine = new FakeEngine(options);
    const h = (method: AirMethod) => (call: grpc.ServerUnaryCall<Record<string, unknown>, Record<string, unknown>>, callback: grpc.sendUnaryData<Record<string, unknown>>) => {
      void this.#handle(method, call, callback);
    };
    this.#server.addService(loadPlayoutService().service, {
      StartChannel: h("StartChannel"),
      UpdatePlan: h("UpdatePlan"),
      StopChannel: h("StopChannel"),
      GetVersion: h("GetVersion"),
      LoadPreview: h("LoadPreview"),
      SwitchToLive: h("SwitchToLive"),
      AttachStream: h("AttachStream"),
      DetachStream: h("DetachStream"),
    });
    this.#injector = this.#server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    this.#listener = createServer((socket) => {
      if (this.#state !== "running") {
        socket.destroy();
        return;
      }
      this.#connections.add(socket);
      socket.once("close", () => this.#connections.delete(socket));
      this.#injector.injectConnection(socket);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#listener.once("error", reject);
      this.#listener.listen(this.#options.port, this.#options.host, () => {
        this.#listener.off("error", reject);
        resolve();
      });
    });
    this.port = (this.#listener.address() as AddressInfo).port;
    this.address = `${this.#options.host}:${this.port}`;
  }

  script(method: AirMethod, fault: Fault): void {
    this.#faults.add(method, fault);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  calls(): RecordedCall[] {
    return this.#recorder.list();
  }

  channelState(channelId: number): ChannelState | undefined {
    return this.#engine.channelState(channelId);
  }

  channelStates(): ChannelState[] {
    return this.#engine.channelStates();
  }

  crash(): void {
    if (this.#state === "crashed" || this.#state === "stopped") return;
    this.#state = "crashed";
    this.#releaseAll("crash");
    this.#engine.dispose();
    this.#listener.close();
    for (const socket of this.#connections) socket.destroy();
    this.#server.forceShutdown();
  }

  stop(): Promise<void> {
    if (this.#state === "crashed" || this.#state === "stopped") return Promise.resolve();
    this.#stopPromise ??= this.#stop();
    return this.#stopPromise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #stop(): Promise<void> {
    this.#state = "stopping";
    this.#releaseAll("stop");
    this.#engine.dispose();
    const listenerClosed = new Promise<void>((resolve) => this.#listener.close(() => resolve()));
    // GOAWAY to every client, then wait (bounded) for the connections to close.
    this.#injector.drain(SHUTDOWN_GRACE_MS);
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (this.#connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const socket of this.#connections) socket.destroy();
    this.#server.forceShutdown();
    await listenerClosed;
    this.#state = "stopped";
  }

  /** Answers (stop) or drops (crash) every call still waiting, and cancels scripted delays. */
  #releaseAll(reason: "stop" | "crash"): void {
    for (const d of this.#delays) {
      clearTimeout(d.timer);
      d.resolve(false);
    }
    this.#delays.clear();
    for (const p of this.#pending) {
      p.settled = true;
      p.record.answeredAtMs = reason === "stop" ? Date.now() : undefined;
      p.record.outcome = { kind: "released", reason };
      if (reason === "stop") p.callback({ code: grpc.status.UNAVAILABLE, details: "fake-air is stopping" });
    }
    this.#pending.clear();
  }

  #delay(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.#delays.delete(entry);
          resolve(true);
        }, Math.min(ms, 2 ** 31 - 1)),
        resolve,
      };
      this.#delays.add(entry);
    });
  }

  async #handle(
    method: AirMethod,
    call: grpc.ServerUnaryCall<Record<string, unknown>, Record<string, unknown>>,
    callback: grpc.sendUnaryData<Record<string, unknown>>,
  ): Promise<void> {
    const request = call.request;
    const record = this.#recorder.begin(method, request, Date.now());
    const pending: PendingCall = { record, callback, settled: false };
    if (this.#state !== "running") {
      callback({ code: grpc.status.UNAVAILABLE, details: "fake-air is stopping" });
      return;
    }
    this.#pending.add(pending);
    call.on("cancelled", () => {
      record.clientCancelled = true;
    });
    try {
      const fault = this.#faults.take(method);
      if (fault !== undefined) record.fault = structuredClone(fault);
      if (fault?.delayMs !== undefined && fault.delayMs > 0 && !(await this.#delay(fault.delayMs))) return;
      if (pending.settled) return;
      if (fault?.crash === true) {
        (this.#options.onCrashFault ?? (() => this.crash()))();
        return;
      }
      if (fault?.closeSocket === true) this.#engine.closeSockets(method === "GetVersion" ? undefined : (request.channel_id as number));
      if (fault?.hang === true || this.#wedged) {
        record.outcome = { kind: "hung" };
        return;
      }
      const answer = forcedAnswer(method, fault, Date.now()) ?? (await this.#dispatch(method, request));
      if (answer?.kind === "hang") {
        this.#wedged = true;
        record.outcome = { kind: "hung" };
        return;
      }
      if (answer !== undefined) this.#settle(pending, answer);
    } catch (error) {
      this.#settle(pending, { kind: "status", code: grpc.status.INTERNAL, message: `fake-air: ${(error as Error).message}` });
    }
  }

  #dispatch(method: AirMethod, request: Record<string, unknown>): Promise<EngineAnswer | undefined> | EngineAnswer {
    const e = this.#engine;
    switch (method) {
      case "StartChannel":
        return e.startChannel(request as unknown as StartChannelRequest);
      case "UpdatePlan":
        return e.updatePlan(request as unknown as UpdatePlanRequest);
      case "StopChannel":
        return e.stopChannel(request as unknown as StopChannelRequest);
      case "GetVersion":
        return e.getVersion();
      case "LoadPreview":
        return e.loadPreview(request as unknown as LoadPreviewRequest);
      case "SwitchToLive":
        return e.switchToLive(request as unknown as SwitchToLiveRequest);
      case "AttachStream":
        return e.attachStream(request as unknown as AttachStreamRequest);
      case "DetachStream":
        return e.detachStream(request as unknown as DetachStreamRequest);
    }
  }

  #settle(pending: PendingCall, answer: EngineAnswer): void {
    if (pending.settled || this.#state === "crashed" || answer.kind === "hang") return;
    pending.settled = true;
    this.#pending.delete(pending);
    pending.record.answeredAtMs = Date.now();
    const outcome: RecordedOutcome =
      answer.kind === "response"
        ? { kind: "response", response: structuredClone(answer.response) }
        : { kind: "status", code: answer.code, message: answer.message };
    pending.record.outcome = outcome;
    if (answer.kind === "response") pending.callback(null, answer.response);
    else pending.callback({ code: answer.code, details: answer.message });
  }
}

/**
 * Starts a fake AIR engine: a real gRPC server (@grpc/grpc-js) speaking `retrovue.playout.PlayoutControl`
 * on `host:port` (port 0 picks a free one). Rejects if the options are invalid
 * (FakeAirOptionsError) or the address cannot be bound.
 */
export async function startFakeAir(options: Partial<FakeAirOptions> = {}): Promise<FakeAir> {
  const server = new FakeAirServer(resolveFakeAirOptions(options));
  await server.listen();
  return server;
}
