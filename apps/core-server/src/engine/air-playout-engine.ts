import type { AirCallOptions, AirClient, AirMethod, AirResult } from "@retrovue/air-client";
import type {
  EngineCallOptions,
  EngineOutcome,
  PlayoutEngine,
  SwitchToLiveResult,
} from "@retrovue/core-runtime";
import type { Logger } from "pino";
import { performance } from "node:perf_hooks";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { failureLabel, localFailure, toEngineOutcome } from "./engine-outcome.js";
import type { EngineRouting } from "./engine-routing.js";

/** Collaborators of {@link createAirPlayoutEngine}. */
export interface AirPlayoutEngineDeps {
  readonly routing: EngineRouting;
  /** Engine call latency and errors by method. */
  readonly metrics?: ServerMetrics;
  readonly logger: Logger;
}

/**
 * The adapter between core-runtime and AIR: implements the {@link PlayoutEngine} port with
 * AirClient calls, routed per channel by `routing`. Every answer becomes an
 * {@link EngineOutcome} (AIR's two error styles — gRPC status for Start/Stop/UpdatePlan,
 * `success=false` + result code for the rest — map to `error` and `rejected`); nothing
 * throws. Each call's latency is recorded by method, and each failure by method and kind.
 * SwitchToLive carries `target_boundary_time_ms` as given, 0 included (the immediate switch of
 * a session start); NOT_READY comes back as its own outcome (`rejected`, code `not_ready`).
 * When the routing ends the engine process at release (spawn), `stopChannel` answers OK
 * without a call: the real engine's StopChannel can hang after a switch (AIR-CONTRACT.md),
 * and ending the process releases everything it held.
 */
export function createAirPlayoutEngine(deps: AirPlayoutEngineDeps): PlayoutEngine {
  const { routing, metrics } = deps;
  const log = deps.logger.child({ component: "engine" });

  async function call<T, U>(
    method: AirMethod,
    channelId: number,
    send: (client: AirClient, options: AirCallOptions) => Promise<AirResult<T>>,
    map: (value: T) => U,
    options?: EngineCallOptions,
  ): Promise<EngineOutcome<U>> {
    const client = routing.clientFor(channelId);
    if (client === undefined) return localFailure("unavailable", `${method}: channel ${channelId} has no engine (not acquired)`);
    const started = performance.now();
    const outcome = toEngineOutcome(await send(client, airCallOptions(options)), map);
    const seconds = (performance.now() - started) / 1000;
    metrics?.observeEngineCall(method, seconds, outcome.ok ? undefined : failureLabel(outcome.failure));
    const durationMs = Math.round(seconds * 1000);
    // NOT_READY is the immediate start's routine answer (polled until OK): not worth a WARN.
    if (!outcome.ok && outcome.failure.kind === "rejected" && outcome.failure.code === "not_ready") {
      log.debug({ channel: channelId, method, failure: outcome.failure, durationMs }, "The engine answered NOT_READY.");
    } else if (!outcome.ok) log.warn({ channel: channelId, method, failure: outcome.failure, durationMs }, "engine call failed");
    else log.debug({ channel: channelId, method, durationMs }, "engine call");
    return outcome;
  }

  const none = (): undefined => undefined;

  return {
    acquireChannel: (channelId, options) => routing.acquire(channelId, options),
    startChannel: (params, options) =>
      call(
        "StartChannel",
        params.channelId,
        (c, o) =>
          c.startChannel(
            {
              channelId: params.channelId,
              planHandle: params.planHandle,
              programFormat: {
                video: { width: params.programFormat.video.width, height: params.programFormat.video.height, frameRate: params.programFormat.video.frameRate },
                audio: { sampleRate: params.programFormat.audio.sampleRate, channels: params.programFormat.audio.channels },
              },
            },
            o,
          ),
        none,
        options,
      ),
    loadPreview: (params, options) =>
      call(
        "LoadPreview",
        params.channelId,
        (c, o) =>
          c.loadPreview(
            { channelId: params.channelId, assetPath: params.assetPath, startFrame: params.startFrame, frameCount: params.frameCount, fps: params.fps },
            o,
          ),
        none,
        options,
      ),
    switchToLive: (params, options) =>
      call(
        "SwitchToLive",
        params.channelId,
        (c, o) =>
          c.switchToLive(
            { channelId: params.channelId, targetBoundaryTimeMs: params.targetBoundaryTimeMs, issuedAtTimeMs: params.issuedAtTimeMs },
            o,
          ),
        (answer): SwitchToLiveResult => ({ completionTimeMs: answer.completionTimeMs, ptsContiguous: answer.ptsContiguous }),
        options,
      ),
    attachStream: (params, options) =>
      call(
        "AttachStream",
        params.channelId,
        (c, o) =>
          c.attachStream(
            { channelId: params.channelId, endpoint: params.socketPath, transport: "unix_domain_socket", replaceExisting: params.replaceExisting },
            o,
          ),
        none,
        options,
      ),
    detachStream: (params, options) =>
      call("DetachStream", params.channelId, (c, o) => c.detachStream({ channelId: params.channelId, force: params.force }, o), none, options),
    stopChannel: async (channelId, options) => {
      // Spawn mode: the process is ended at release instead, at once (issue 12, item 5).
      if (routing.endsEngineOnRelease === true) {
        log.debug({ channel: channelId }, "StopChannel skipped: the engine process is ended at release");
        return { ok: true, value: undefined };
      }
      return call("StopChannel", channelId, (c, o) => c.stopChannel({ channelId }, o), none, options);
    },
    releaseChannel: (channelId, reason) => routing.release(channelId, reason),
  };
}

function airCallOptions(options: EngineCallOptions | undefined): AirCallOptions {
  if (options === undefined) return {};
  return {
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
}
