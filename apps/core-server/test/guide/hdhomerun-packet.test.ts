import { describe, expect, it } from "vitest";
import {
  HDHR_TAG,
  HDHR_TYPE_DISCOVER_REQ,
  HDHR_TYPE_DISCOVER_RPY,
  crc32,
  decodeHdhrFrame,
  encodeHdhrFrame,
  u32Value,
} from "../../src/guide/hdhomerun-packet.js";
import { discoveryReply } from "../../src/guide/hdhomerun-discovery.js";

// The request `hdhomerun_config discover 127.0.0.1` (Debian hdhomerun-config 20220303) sent, captured off the wire.
const CAPTURED_REQUEST = Buffer.from("0002000c0104ffffffff0204ffffffff73cc7d8f", "hex");
const ANNOUNCEMENT = { deviceId: "12345674", tunerCount: 4, deviceAuth: "abcdefghijklmnopqrstuvwx", baseUrl: "http://127.0.0.1:8000" };

describe("libhdhomerun packet framing", () => {
  it("decodes the request hdhomerun_config sends (CRC-32 little-endian over type, length and TLVs)", () => {
    expect(crc32(CAPTURED_REQUEST.subarray(0, 16))).toBe(CAPTURED_REQUEST.readUInt32LE(16));
    const frame = decodeHdhrFrame(CAPTURED_REQUEST);
    expect(frame?.type).toBe(HDHR_TYPE_DISCOVER_REQ);
    expect(frame?.tlvs.map((t) => [t.tag, t.value.toString("hex")])).toEqual([
      [HDHR_TAG.deviceType, "ffffffff"],
      [HDHR_TAG.deviceId, "ffffffff"],
    ]);
    expect(encodeHdhrFrame(frame!)).toEqual(CAPTURED_REQUEST);
  });

  it("uses the two-byte length for values of 128 bytes and more, and round-trips them", () => {
    const value = Buffer.alloc(300, 0x41);
    const packet = encodeHdhrFrame({ type: HDHR_TYPE_DISCOVER_RPY, tlvs: [{ tag: HDHR_TAG.baseUrl, value }] });
    expect([...packet.subarray(4, 7)]).toEqual([HDHR_TAG.baseUrl, (300 & 0x7f) | 0x80, 300 >> 7]);
    expect(decodeHdhrFrame(packet)?.tlvs[0]?.value).toEqual(value);
  });

  it("rejects short packets, a wrong CRC, a wrong length and a truncated TLV", () => {
    expect(decodeHdhrFrame(CAPTURED_REQUEST.subarray(0, 7))).toBeUndefined();
    const badCrc = Buffer.from(CAPTURED_REQUEST);
    badCrc.writeUInt8(badCrc.readUInt8(19) ^ 1, 19);
    expect(decodeHdhrFrame(badCrc)).toBeUndefined();
    expect(decodeHdhrFrame(Buffer.concat([CAPTURED_REQUEST, Buffer.from([0])]))).toBeUndefined();
    const truncated = encodeHdhrFrame({ type: 2, tlvs: [] });
    const body = Buffer.from([0x00, 0x02, 0x00, 0x02, 0x01, 0x04]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(body));
    expect(decodeHdhrFrame(Buffer.concat([body, crc]))).toBeUndefined();
    expect(decodeHdhrFrame(truncated)?.tlvs).toEqual([]);
  });
});

describe("discoveryReply", () => {
  it("answers a wildcard request with device type, id, tuner count, DeviceAuth, base and lineup URLs", () => {
    const reply = discoveryReply(decodeHdhrFrame(CAPTURED_REQUEST)!, ANNOUNCEMENT);
    const frame = decodeHdhrFrame(reply!);
    expect(frame?.type).toBe(HDHR_TYPE_DISCOVER_RPY);
    const byTag = new Map(frame!.tlvs.map((t) => [t.tag, t.value]));
    expect(byTag.get(HDHR_TAG.deviceType)?.readUInt32BE(0)).toBe(1);
    expect(byTag.get(HDHR_TAG.deviceId)?.readUInt32BE(0)).toBe(0x12345674);
    expect([...byTag.get(HDHR_TAG.tunerCount)!]).toEqual([4]);
    expect(byTag.get(HDHR_TAG.deviceAuthStr)?.toString()).toBe(ANNOUNCEMENT.deviceAuth);
    expect(byTag.get(HDHR_TAG.baseUrl)?.toString()).toBe("http://127.0.0.1:8000");
    expect(byTag.get(HDHR_TAG.lineupUrl)?.toString()).toBe("http://127.0.0.1:8000/lineup.json");
  });

  it("answers a request for its own id, and stays silent for another id, another device type or a reply", () => {
    const ask = (type: number, deviceType: number, deviceId: number) =>
      discoveryReply({ type, tlvs: [{ tag: HDHR_TAG.deviceType, value: u32Value(deviceType) }, { tag: HDHR_TAG.deviceId, value: u32Value(deviceId) }] }, ANNOUNCEMENT);
    expect(ask(HDHR_TYPE_DISCOVER_REQ, 1, 0x12345674)).toBeDefined();
    expect(ask(HDHR_TYPE_DISCOVER_REQ, 1, 0x1034567a)).toBeUndefined();
    expect(ask(HDHR_TYPE_DISCOVER_REQ, 5, 0xffffffff)).toBeUndefined();
    expect(ask(HDHR_TYPE_DISCOVER_RPY, 1, 0xffffffff)).toBeUndefined();
  });
});
