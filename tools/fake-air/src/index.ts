/**
 * @retrovue/fake-air — a scriptable fake of the AIR playout engine for tests, benchmarks and
 * the default start.
 *
 * ```ts
 * const air = await startFakeAir({ minPrefeedLeadMs: 200 });
 * air.script("StopChannel", { hang: true });
 * // ... drive it over gRPC at air.address ...
 * await air.stop();
 * ```
 */
export type { FakeAir } from "./fake-air.js";
export { startFakeAir } from "./fake-air.js";
export type { FakeAirMode, FakeAirOptions } from "./fake-air-options.js";
export { DEFAULT_FAKE_AIR_OPTIONS, FakeAirOptionsError, resolveFakeAirOptions } from "./fake-air-options.js";
export type { AirMethod, Fault, FaultResultCode } from "./fault.js";
export { AIR_METHODS, FaultError, isAirMethod, validateFault } from "./fault.js";
export type { RecordedCall, RecordedOutcome } from "./call-recorder.js";
export type { ChannelState } from "./fake-channel.js";
export { loadPlayoutService, PLAYOUT_LOADER_OPTIONS, PLAYOUT_PROTO_PATH } from "./playout-proto.js";
export type * from "./wire-types.js";

// MPEG-TS toolkit (also for other packages' tests that validate stream output).
export type { ContinuityError, PidStats, PmtStream, ProgramInfo, TransportStreamReport } from "./mpegts/index.js";
export {
  buildNullPacket,
  buildPatSection,
  buildPesPacket,
  buildPmtSection,
  buildTsPacket,
  crc32Mpeg2,
  packetizePes,
  packetizeSection,
  parseTransportStream,
  PCR_HZ,
  PTS_HZ,
  readPcr,
  readPesHeader,
  StreamType,
  TS_PACKET_SIZE,
  unwrapTimestamps,
} from "./mpegts/index.js";

// Media the fake accepts, made without ffmpeg (for tests that need a playable asset).
export type { BlackClipOptions } from "./media/black-clip.js";
export { encodeBlackClip } from "./media/black-clip.js";

// Driving a fake in another process.
export type { ControlServer } from "./control-server.js";
export { startControlServer } from "./control-server.js";
export type { FakeAirCliArgs } from "./cli-args.js";
export { CliArgsError, FAKE_AIR_USAGE, parseFakeAirArgs } from "./cli-args.js";
