// Conversions between the plain AirClient types and the generated wire messages.
// Request builders check only that values can be put on the wire (int32 range, safe
// integers, strings, booleans, known enum names); what the values mean is the engine's
// business (it answers PROTOCOL_VIOLATION, INTERNAL, …). A bad value becomes an
// `invalid_argument` AirCallError and the call is not sent.
import { create } from "@bufbuild/protobuf";
import { AirCallError } from "./air-call-error.js";
import type {
  AirAttachStreamRequest,
  AirDetachStreamRequest,
  AirLoadPreviewRequest,
  AirProgramFormat,
  AirStartChannelRequest,
  AirStopChannelRequest,
  AirStreamTransport,
  AirSwitchToLiveRequest,
  AirUpdatePlanRequest,
} from "./air-messages.js";
import type { AirMethod } from "./air-method.js";
import {
  AttachStreamRequestSchema,
  DetachStreamRequestSchema,
  LoadPreviewRequestSchema,
  StartChannelRequestSchema,
  StopChannelRequestSchema,
  StreamTransport,
  SwitchToLiveRequestSchema,
  UpdatePlanRequestSchema,
  type AttachStreamRequest,
  type DetachStreamRequest,
  type LoadPreviewRequest,
  type StartChannelRequest,
  type StopChannelRequest,
  type SwitchToLiveRequest,
  type UpdatePlanRequest,
} from "./gen/retrovue/playout/playout_pb.js";

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

const TRANSPORT_BY_NAME: Readonly<Record<AirStreamTransport, StreamTransport>> = {
  unspecified: StreamTransport.UNSPECIFIED,
  unix_domain_socket: StreamTransport.UNIX_DOMAIN_SOCKET,
  tcp_loopback: StreamTransport.TCP_LOOPBACK,
};

/** The name of a wire StreamTransport; numbers this client does not know read as `unspecified`. */
export function streamTransportName(value: number): AirStreamTransport {
  for (const [name, num] of Object.entries(TRANSPORT_BY_NAME)) if (num === value) return name as AirStreamTransport;
  return "unspecified";
}

// Thrown inside the builders only; the client turns it into a returned AirCallError.
class BadArgument extends Error {}

function int32(field: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
    throw new BadArgument(`${field} must be an int32, got ${show(v)}`);
  }
  return v;
}

function int64(field: string, v: unknown): bigint {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    throw new BadArgument(`${field} must be a safe integer, got ${show(v)}`);
  }
  return BigInt(v);
}

function str(field: string, v: unknown): string {
  if (typeof v !== "string") throw new BadArgument(`${field} must be a string, got ${show(v)}`);
  return v;
}

function bool(field: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw new BadArgument(`${field} must be a boolean, got ${show(v)}`);
  return v;
}

function object(field: string, v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null) throw new BadArgument(`${field} must be an object, got ${show(v)}`);
  return v as Record<string, unknown>;
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/** The engine's `program_format_json` for a format (snake_case keys, frame rate as "N/D"). */
export function programFormatJson(format: AirProgramFormat): string {
  const f = object("programFormat", format);
  const video = object("programFormat.video", f["video"]);
  const audio = object("programFormat.audio", f["audio"]);
  const rate = object("programFormat.video.frameRate", video["frameRate"]);
  return JSON.stringify({
    video: {
      width: int32("programFormat.video.width", video["width"]),
      height: int32("programFormat.video.height", video["height"]),
      frame_rate: `${int32("programFormat.video.frameRate.numerator", rate["numerator"])}/${int32(
        "programFormat.video.frameRate.denominator",
        rate["denominator"],
      )}`,
    },
    audio: {
      sample_rate: int32("programFormat.audio.sampleRate", audio["sampleRate"]),
      channels: int32("programFormat.audio.channels", audio["channels"]),
    },
  });
}

/** Runs a request builder; a bad argument becomes an `invalid_argument` AirCallError. */
export function buildRequest<T>(method: AirMethod, build: () => T): T | AirCallError {
  try {
    return build();
  } catch (e) {
    if (e instanceof BadArgument) return new AirCallError("invalid_argument", method, e.message);
    return AirCallError.from(e, method);
  }
}

export function startChannelWire(req: AirStartChannelRequest): StartChannelRequest {
  const r = object("request", req);
  return create(StartChannelRequestSchema, {
    channelId: int32("channelId", r["channelId"]),
    planHandle: str("planHandle", r["planHandle"]),
    port: r["port"] === undefined ? 0 : int32("port", r["port"]),
    programFormatJson: programFormatJson(r["programFormat"] as AirProgramFormat),
  });
}

export function updatePlanWire(req: AirUpdatePlanRequest): UpdatePlanRequest {
  const r = object("request", req);
  return create(UpdatePlanRequestSchema, {
    channelId: int32("channelId", r["channelId"]),
    planHandle: str("planHandle", r["planHandle"]),
  });
}

export function stopChannelWire(req: AirStopChannelRequest): StopChannelRequest {
  const r = object("request", req);
  return create(StopChannelRequestSchema, { channelId: int32("channelId", r["channelId"]) });
}

export function loadPreviewWire(req: AirLoadPreviewRequest): LoadPreviewRequest {
  const r = object("request", req);
  const fps = object("fps", r["fps"]);
  return create(LoadPreviewRequestSchema, {
    channelId: int32("channelId", r["channelId"]),
    assetPath: str("assetPath", r["assetPath"]),
    startFrame: int64("startFrame", r["startFrame"]),
    frameCount: int64("frameCount", r["frameCount"]),
    fpsNumerator: int32("fps.numerator", fps["numerator"]),
    fpsDenominator: int32("fps.denominator", fps["denominator"]),
  });
}

export function switchToLiveWire(req: AirSwitchToLiveRequest, nowMs: number): SwitchToLiveRequest {
  const r = object("request", req);
  return create(SwitchToLiveRequestSchema, {
    channelId: int32("channelId", r["channelId"]),
    targetBoundaryTimeMs: int64("targetBoundaryTimeMs", r["targetBoundaryTimeMs"]),
    issuedAtTimeMs: int64("issuedAtTimeMs", r["issuedAtTimeMs"] ?? nowMs),
  });
}

export function attachStreamWire(req: AirAttachStreamRequest): AttachStreamRequest {
  const r = object("request", req);
  const transportName = r["transport"] ?? "unix_domain_socket";
  const transport = TRANSPORT_BY_NAME[transportName as AirStreamTransport];
  if (typeof transportName !== "string" || transport === undefined || !Object.hasOwn(TRANSPORT_BY_NAME, transportName)) {
    throw new BadArgument(`transport must be one of ${Object.keys(TRANSPORT_BY_NAME).join(", ")}, got ${show(transportName)}`);
  }
  return create(AttachStreamRequestSchema, {
    channelId: int32("channelId", r["channelId"]),
    transport,
    endpoint: str("endpoint", r["endpoint"]),
    replaceExisting: bool("replaceExisting", r["replaceExisting"], false),
  });
}

export function detachStreamWire(req: AirDetachStreamRequest): DetachStreamRequest {
  const r = object("request", req);
  return create(DetachStreamRequestSchema, {
    channelId: int32("channelId", r["channelId"]),
    force: bool("force", r["force"], false),
  });
}
