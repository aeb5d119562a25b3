// Plain request and answer types of the AirClient. int64 wire fields are plain `number`s
// here (epoch ms and frame counts stay far below 2^53; PTS is 33 bits); the client checks
// that a request's numbers are safe integers and converts them to bigint for the wire.

/** An exact ratio such as a frame rate (30000/1001). Both parts are int32. */
export interface AirRational {
  readonly numerator: number;
  readonly denominator: number;
}

/**
 * A channel's output format. Sent as `program_format_json`
 * (`{"video":{"width","height","frame_rate":"N/D"},"audio":{"sample_rate","channels"}}`).
 * The engine requires every number > 0 (else INTERNAL); the client only checks that they
 * are int32.
 */
export interface AirProgramFormat {
  readonly video: { readonly width: number; readonly height: number; readonly frameRate: AirRational };
  readonly audio: { readonly sampleRate: number; readonly channels: number };
}

/** How the engine delivers output bytes (wire `StreamTransport`, by name). */
export type AirStreamTransport = "unspecified" | "unix_domain_socket" | "tcp_loopback";

export interface AirStartChannelRequest {
  /** int32. */
  readonly channelId: number;
  /** Media path of the first live asset. */
  readonly planHandle: string;
  readonly programFormat: AirProgramFormat;
  /** Wire `port` (int32); unused by the current engine. @default 0 */
  readonly port?: number;
}

export interface AirUpdatePlanRequest {
  readonly channelId: number;
  readonly planHandle: string;
}

export interface AirStopChannelRequest {
  readonly channelId: number;
}

export interface AirLoadPreviewRequest {
  readonly channelId: number;
  readonly assetPath: string;
  /** First frame to play (int64 on the wire; a safe integer here). */
  readonly startFrame: number;
  /** Frames to play from `startFrame` (int64 on the wire; a safe integer here). */
  readonly frameCount: number;
  /** Sent as fps_numerator / fps_denominator (int32 each). */
  readonly fps: AirRational;
}

export interface AirSwitchToLiveRequest {
  readonly channelId: number;
  /** Epoch ms at which the engine must switch; 0 = at once (legacy path). */
  readonly targetBoundaryTimeMs: number;
  /** Epoch ms at which Core issued the call (lead = target − issuedAt). @default options.now() */
  readonly issuedAtTimeMs?: number;
}

export interface AirAttachStreamRequest {
  readonly channelId: number;
  /** A Unix socket path (or host:port with `tcp_loopback`). */
  readonly endpoint: string;
  /** @default "unix_domain_socket" */
  readonly transport?: AirStreamTransport;
  /** Replace an existing attachment instead of failing. @default false */
  readonly replaceExisting?: boolean;
}

export interface AirDetachStreamRequest {
  readonly channelId: number;
  /** Stop at once instead of at the next safe point. @default false */
  readonly force?: boolean;
}

/** Answer of StartChannel, UpdatePlan and StopChannel. */
export interface AirStatusAnswer {
  readonly message: string;
}

/** Answer of GetVersion and waitForReady. */
export interface AirVersion {
  /** The engine's API version string, e.g. "1.0.0". */
  readonly version: string;
}

/** Answer of checkApiVersion: the version, parsed. */
export interface AirApiVersion extends AirVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export interface AirLoadPreviewAnswer {
  readonly message: string;
  readonly shadowDecodeStarted: boolean;
}

export interface AirSwitchToLiveAnswer {
  readonly message: string;
  /** Epoch ms at which the engine reports the switch completed (≈ the target). */
  readonly completionTimeMs: number;
  readonly ptsContiguous: boolean;
  readonly liveStartPts: number;
}

export interface AirAttachStreamAnswer {
  readonly message: string;
  readonly negotiatedTransport: AirStreamTransport;
  readonly negotiatedEndpoint: string;
}

export interface AirDetachStreamAnswer {
  readonly message: string;
}

/** Per-call controls, accepted by every client method. */
export interface AirCallOptions {
  /**
   * Deadline of this call in ms (> 0), instead of the method's default. For SwitchToLive
   * it replaces the base timeout; the deadline still covers the wait until the target.
   */
  readonly timeoutMs?: number;
  /** Aborting ends the call with a `canceled` AirCallError. */
  readonly signal?: AbortSignal;
}
