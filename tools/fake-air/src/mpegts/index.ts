/** A small MPEG-TS toolkit: packet, PSI and PES builders, timestamp rewriting and a validator. */
export {
  isVideoStreamType,
  MAX_PID,
  NULL_PID,
  PAT_PID,
  PCR_HZ,
  PCR_WRAP,
  PTS_HZ,
  PTS_WRAP,
  StreamType,
  SYNC_BYTE,
  TS_PACKET_SIZE,
  wrapDiff,
  wrapMod,
} from "./constants.js";
export { crc32Mpeg2 } from "./crc32.js";
export type { BuildTsPacketOptions, TsPacketHeader } from "./packet.js";
export { buildNullPacket, buildTsPacket, payloadOffset, readPacketHeader, readPcr, readPid, setContinuityCounter, writePcr } from "./packet.js";
export type { BuildPesOptions, PacketizePesOptions, PesHeaderInfo } from "./pes.js";
export { buildPesPacket, packetizePes, readPesHeader, readTimestamp, rewriteTimestamp, writeTimestamp } from "./pes.js";
export type { PmtStream, ProgramInfo } from "./psi.js";
export { buildPatSection, buildPmtSection, packetizeSection, parsePatSection, parsePmtSection, SectionAssembler, sectionCrcOk } from "./psi.js";
export type { ContinuityError, PidStats, TransportStreamReport } from "./parse-transport-stream.js";
export { parseTransportStream, unwrapTimestamps } from "./parse-transport-stream.js";
