import { TS_PACKET_SIZE } from "./constants.js";
import { crc32Mpeg2 } from "./crc32.js";
import { buildTsPacket, payloadOffset } from "./packet.js";

/** One elementary stream of a program (a PMT entry). */
export interface PmtStream {
  streamType: number;
  pid: number;
  /** ES_info descriptors, copied as-is. */
  esInfo?: Uint8Array;
}

/** A program as its PAT entry and PMT describe it. */
export interface ProgramInfo {
  programNumber: number;
  pmtPid: number;
  pcrPid: number;
  streams: PmtStream[];
}

function finishSection(section: Buffer): Buffer {
  const crc = crc32Mpeg2(section, 0, section.length - 4);
  section.writeUInt32BE(crc, section.length - 4);
  return section;
}

/** Builds a PAT section (table_id 0) listing `programs`, with its CRC. */
export function buildPatSection(options: { transportStreamId?: number; version?: number; programs: { programNumber: number; pmtPid: number }[] }): Buffer {
  const sectionLength = 5 + 4 * options.programs.length + 4;
  const s = Buffer.alloc(3 + sectionLength);
  s[0] = 0x00;
  s.writeUInt16BE(0xb000 | sectionLength, 1);
  s.writeUInt16BE(options.transportStreamId ?? 1, 3);
  s[5] = 0xc1 | (((options.version ?? 0) & 0x1f) << 1);
  s[6] = 0;
  s[7] = 0;
  let at = 8;
  for (const p of options.programs) {
    s.writeUInt16BE(p.programNumber, at);
    s.writeUInt16BE(0xe000 | p.pmtPid, at + 2);
    at += 4;
  }
  return finishSection(s);
}

/** Builds a PMT section (table_id 2) for `program`, with its CRC. */
export function buildPmtSection(program: ProgramInfo, version = 0): Buffer {
  const esBytes = program.streams.reduce((n, st) => n + 5 + (st.esInfo?.length ?? 0), 0);
  const sectionLength = 9 + esBytes + 4;
  const s = Buffer.alloc(3 + sectionLength);
  s[0] = 0x02;
  s.writeUInt16BE(0xb000 | sectionLength, 1);
  s.writeUInt16BE(program.programNumber, 3);
  s[5] = 0xc1 | ((version & 0x1f) << 1);
  s[6] = 0;
  s[7] = 0;
  s.writeUInt16BE(0xe000 | program.pcrPid, 8);
  s.writeUInt16BE(0xf000, 10); // program_info_length 0
  let at = 12;
  for (const st of program.streams) {
    const info = st.esInfo ?? new Uint8Array(0);
    s[at] = st.streamType;
    s.writeUInt16BE(0xe000 | st.pid, at + 1);
    s.writeUInt16BE(0xf000 | info.length, at + 3);
    s.set(info, at + 5);
    at += 5 + info.length;
  }
  return finishSection(s);
}

/** Puts a section into TS packets on `pid` (pointer_field 0, 0xFF stuffing). */
export function packetizeSection(pid: number, section: Uint8Array, firstContinuityCounter = 0): Buffer[] {
  const withPointer = Buffer.alloc(1 + section.length);
  withPointer.set(section, 1);
  const packets: Buffer[] = [];
  let cc = firstContinuityCounter;
  for (let at = 0; at < withPointer.length; at += 184) {
    const chunk = Buffer.alloc(184, 0xff);
    withPointer.copy(chunk, 0, at, Math.min(withPointer.length, at + 184));
    packets.push(buildTsPacket({ pid, payload: chunk, pusi: at === 0, continuityCounter: cc }));
    cc = (cc + 1) & 0xf;
  }
  return packets;
}

/** True when the section's CRC checks out. */
export function sectionCrcOk(section: Uint8Array): boolean {
  return section.length >= 4 && crc32Mpeg2(section) === 0;
}

/** Parses a complete PAT section. Returns undefined for a wrong table id or bad CRC. */
export function parsePatSection(section: Uint8Array): { transportStreamId: number; version: number; programs: { programNumber: number; pmtPid: number }[] } | undefined {
  if (section[0] !== 0x00 || !sectionCrcOk(section)) return undefined;
  const b = Buffer.from(section.buffer, section.byteOffset, section.length);
  const programs: { programNumber: number; pmtPid: number }[] = [];
  for (let at = 8; at + 4 <= section.length - 4; at += 4) {
    programs.push({ programNumber: b.readUInt16BE(at), pmtPid: b.readUInt16BE(at + 2) & 0x1fff });
  }
  return { transportStreamId: b.readUInt16BE(3), version: (b[5]! >> 1) & 0x1f, programs };
}

/** Parses a complete PMT section found on `pmtPid`. Returns undefined for a wrong table id or bad CRC. */
export function parsePmtSection(section: Uint8Array, pmtPid: number): (ProgramInfo & { version: number }) | undefined {
  if (section[0] !== 0x02 || !sectionCrcOk(section)) return undefined;
  const b = Buffer.from(section.buffer, section.byteOffset, section.length);
  const programInfoLength = b.readUInt16BE(10) & 0x0fff;
  const streams: PmtStream[] = [];
  for (let at = 12 + programInfoLength; at + 5 <= section.length - 4; ) {
    const esLength = b.readUInt16BE(at + 3) & 0x0fff;
    streams.push({ streamType: b[at]!, pid: b.readUInt16BE(at + 1) & 0x1fff, esInfo: Uint8Array.from(b.subarray(at + 5, at + 5 + esLength)) });
    at += 5 + esLength;
  }
  return { programNumber: b.readUInt16BE(3), pmtPid, pcrPid: b.readUInt16BE(8) & 0x1fff, streams, version: (b[5]! >> 1) & 0x1f };
}

/**
 * Collects PSI sections from consecutive packets of one PID. Handles sections spanning packets;
 * takes only the first section that starts in a packet (enough for PAT/PMT).
 */
export class SectionAssembler {
  #buffer: Buffer | undefined;
  #expected = 0;

  /** Feeds the packet at `offset` of `packet`; returns a completed section, if any. */
  push(packet: Uint8Array, offset = 0): Buffer | undefined {
    const payloadStart = payloadOffset(packet, offset);
    if (payloadStart < 0) return undefined;
    const pusi = ((packet[offset + 1] as number) & 0x40) !== 0;
    const payloadEnd = offset + TS_PACKET_SIZE;
    let at = payloadStart;
    if (pusi) {
      const pointer = packet[at] as number;
      if (this.#buffer !== undefined) {
        const tail = Buffer.from(packet.subarray(at + 1, Math.min(payloadEnd, at + 1 + pointer)));
        const done = this.#append(tail);
        if (done !== undefined) return done;
      }
      at = at + 1 + pointer;
      if (at + 3 > payloadEnd || packet[at] === 0xff) {
        this.#buffer = undefined;
        return undefined;
      }
      this.#expected = 3 + ((((packet[at + 1] as number) & 0x0f) << 8) | (packet[at + 2] as number));
      this.#buffer = Buffer.alloc(0);
      return this.#append(Buffer.from(packet.subarray(at, payloadEnd)));
    }
    if (this.#buffer === undefined) return undefined;
    return this.#append(Buffer.from(packet.subarray(at, payloadEnd)));
  }

  #append(bytes: Buffer): Buffer | undefined {
    if (this.#buffer === undefined) return undefined;
    this.#buffer = Buffer.concat([this.#buffer, bytes]);
    if (this.#buffer.length < this.#expected) return undefined;
    const section = this.#buffer.subarray(0, this.#expected);
    this.#buffer = undefined;
    return section;
  }
}
