import { describe, expect, it } from "vitest";
import {
  buildPatSection,
  buildPesPacket,
  buildPmtSection,
  buildTsPacket,
  crc32Mpeg2,
  packetizePes,
  packetizeSection,
  parseTransportStream,
  PCR_HZ,
  readPcr,
  readPesHeader,
  StreamType,
  TS_PACKET_SIZE,
} from "../src/index.js";
import { parsePatSection, parsePmtSection, SectionAssembler } from "../src/mpegts/psi.js";
import { payloadOffset, readPacketHeader, writePcr } from "../src/mpegts/packet.js";
import { readTimestamp, writeTimestamp } from "../src/mpegts/pes.js";
import { buildTsFixture, FIXTURE_AUDIO_PID, FIXTURE_PMT_PID, FIXTURE_VIDEO_PID } from "./helpers/ts-fixture.js";

describe("crc32Mpeg2()", () => {
  it("matches the CRC-32/MPEG-2 check value and yields 0 over a section with its CRC", () => {
    expect(crc32Mpeg2(Buffer.from("123456789"))).toBe(0x0376e6e7);
    expect(crc32Mpeg2(buildPatSection({ programs: [{ programNumber: 1, pmtPid: 0x1000 }] }))).toBe(0);
  });
});

describe("PSI builders and parsers", () => {
  it("round-trips a PAT and a PMT (with ES descriptors) through packets", () => {
    const program = {
      programNumber: 7,
      pmtPid: 0x1234,
      pcrPid: 0x101,
      streams: [
        { streamType: StreamType.H264, pid: 0x101, esInfo: Uint8Array.from([0x52, 1, 9]) },
        { streamType: StreamType.AdtsAac, pid: 0x102 },
      ],
    };
    const pat = parsePatSection(buildPatSection({ transportStreamId: 3, version: 4, programs: [{ programNumber: 7, pmtPid: 0x1234 }] }));
    expect(pat).toEqual({ transportStreamId: 3, version: 4, programs: [{ programNumber: 7, pmtPid: 0x1234 }] });
    const [packet] = packetizeSection(0x1234, buildPmtSection(program, 5));
    const section = new SectionAssembler().push(packet as Buffer, 0);
    expect(section).toBeDefined();
    expect(parsePmtSection(section as Buffer, 0x1234)).toEqual({ ...program, streams: [program.streams[0], { ...program.streams[1], esInfo: new Uint8Array(0) }], version: 5 });
  });

  it("rejects a section whose CRC is damaged", () => {
    const section = buildPatSection({ programs: [{ programNumber: 1, pmtPid: 0x1000 }] });
    section[9] = (section[9] as number) ^ 0x01;
    expect(parsePatSection(section)).toBeUndefined();
  });

  it("reassembles a section that spans two packets", () => {
    const streams = Array.from({ length: 40 }, (_, i) => ({ streamType: 0x06, pid: 0x200 + i }));
    const section = buildPmtSection({ programNumber: 1, pmtPid: 0x1000, pcrPid: 0x200, streams });
    const packets = packetizeSection(0x1000, section);
    expect(packets.length).toBe(2);
    const asm = new SectionAssembler();
    expect(asm.push(packets[0] as Buffer, 0)).toBeUndefined();
    expect(parsePmtSection(asm.push(packets[1] as Buffer, 0) as Buffer, 0x1000)?.streams.length).toBe(40);
  });
});

describe("packets, PCR and PTS", () => {
  it("builds 188-byte packets with stuffing and reads back header fields", () => {
    const p = buildTsPacket({ pid: 0x123, payload: Buffer.from("abc"), pusi: true, continuityCounter: 9 });
    expect(p.length).toBe(TS_PACKET_SIZE);
    expect(readPacketHeader(p)).toMatchObject({ pid: 0x123, pusi: true, continuityCounter: 9, hasPayload: true, hasAdaptation: true });
    expect(p.subarray(payloadOffset(p), payloadOffset(p) + 3).toString()).toBe("abc");
    expect(() => buildTsPacket({ pid: 1, payload: Buffer.alloc(185) })).toThrow(RangeError);
  });

  it("writes and reads a PCR, including values near the 2^33 wrap", () => {
    for (const pcr of [0, 1, 299, 300, 27_000_000 * 3600 + 123, 2 ** 33 * 300 - 1]) {
      const p = buildTsPacket({ pid: 0x100, pcr27: pcr });
      expect(readPcr(p)).toBe(pcr);
    }
    const p = buildTsPacket({ pid: 0x100, pcr27: 5 });
    expect(writePcr(p, 0, 2 ** 33 * 300 + 7)).toBe(true);
    expect(readPcr(p)).toBe(7);
    expect(readPcr(buildTsPacket({ pid: 0x100, payload: Buffer.alloc(10) }))).toBeUndefined();
  });

  it("writes and reads 33-bit PTS/DTS and finds them in a PES header", () => {
    const buf = Buffer.alloc(5);
    for (const ts of [0, 1, 90_000, 2 ** 32 + 5, 2 ** 33 - 1]) {
      writeTimestamp(buf, 0, 0x2, ts);
      expect(readTimestamp(buf, 0)).toBe(ts);
    }
    const pes = buildPesPacket({ streamId: 0xe0, payload: Buffer.alloc(10), pts: 123_456, dts: 120_000, unbounded: true });
    const [first] = packetizePes(pes, { pid: 0x100, pcr27: 1000 });
    const info = readPesHeader(first as Buffer, payloadOffset(first as Buffer));
    expect(info).toMatchObject({ streamId: 0xe0, pts: 123_456, dts: 120_000, packetLength: 0 });
  });
});

describe("parseTransportStream()", () => {
  it("reports PAT/PMT, PIDs, PCRs and PES timestamps of a well-formed stream with no errors", () => {
    const ts = buildTsFixture({ frames: 10, fps: 25 });
    const r = parseTransportStream(ts);
    expect(r).toMatchObject({ syncErrors: 0, trailingBytes: 0, continuityErrors: 0, crcErrors: 0, patCount: 2, pmtCount: 2, pcrPid: FIXTURE_VIDEO_PID });
    expect(r.pmtPids).toEqual([FIXTURE_PMT_PID]);
    expect(r.pids).toEqual([0, FIXTURE_VIDEO_PID, FIXTURE_AUDIO_PID, FIXTURE_PMT_PID, 0x1fff]);
    expect(r.pcrCount).toBe(10);
    expect(r.pcrBackwardSteps).toBe(0);
    expect(r.pcrValues[1]! - r.pcrValues[0]!).toBe(PCR_HZ / 25);
    expect(r.pidStats.get(FIXTURE_VIDEO_PID)?.dts.length).toBe(10);
  });

  it("detects a continuity break, a bad sync byte and trailing bytes", () => {
    const ts = buildTsFixture({ frames: 5, fps: 25 });
    const broken = Buffer.concat([ts, Buffer.alloc(10)]);
    // Drop one video packet: the next one's counter skips.
    const videoAt = findPacket(broken, FIXTURE_VIDEO_PID, 1);
    const cut = Buffer.concat([broken.subarray(0, videoAt), broken.subarray(videoAt + TS_PACKET_SIZE)]);
    cut[0] = 0x00;
    const r = parseTransportStream(cut);
    expect(r.continuityErrors).toBe(1);
    expect(r.continuityErrorDetails[0]?.pid).toBe(FIXTURE_VIDEO_PID);
    expect(r.syncErrors).toBe(1);
    expect(r.trailingBytes).toBe(10);
  });

  it("detects a PCR that steps backwards", () => {
    const a = buildTsPacket({ pid: 0x100, pcr27: 10_000 });
    const b = buildTsPacket({ pid: 0x100, pcr27: 5_000 });
    expect(parseTransportStream(Buffer.concat([a, b])).pcrBackwardSteps).toBe(1);
  });
});

function findPacket(ts: Buffer, pid: number, nth: number): number {
  let seen = 0;
  for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) {
    if (readPacketHeader(ts, off).pid === pid && seen++ === nth) return off;
  }
  throw new Error("not found");
}
