import { describe, expect, it } from "vitest";
import { findPatStart, findSync, isPatStart, TS_PACKET_SIZE, TsPacketAligner } from "../../src/index.js";
import { tsPacket, tsStream } from "./stream-hub.fixtures.js";

describe("ts-packet helpers", () => {
  it("recognises a PAT start only with PID 0 and payload_unit_start set", () => {
    expect(isPatStart(tsPacket(0, { pusi: true }), 0)).toBe(true);
    expect(isPatStart(tsPacket(0, { pusi: false }), 0)).toBe(false);
    expect(isPatStart(tsPacket(0x100, { pusi: true }), 0)).toBe(false);
    const notSynced = tsPacket(0, { pusi: true });
    notSynced[0] = 0x00;
    expect(isPatStart(notSynced, 0)).toBe(false);
    // header cut off by the end of the buffer
    expect(isPatStart(tsPacket(0, { pusi: true }).subarray(0, 2), 0)).toBe(false);
  });

  it("finds the sync byte that repeats every 188 bytes, not a stray 0x47", () => {
    const stream = Buffer.concat([Buffer.from([0x47, 0x01, 0x47, 0x02]), tsStream(3)]);
    expect(findSync(stream)).toBe(4);
    expect(findSync(Buffer.alloc(400, 0))).toBe(-1);
  });

  it("finds the first PAT among packet boundaries", () => {
    const stream = tsStream(6, { patEvery: 4, patOffset: 3 });
    expect(findPatStart(stream, 0)).toBe(3 * TS_PACKET_SIZE);
    expect(findPatStart(stream.subarray(10), TS_PACKET_SIZE - 10)).toBe(3 * TS_PACKET_SIZE - 10);
    expect(findPatStart(tsStream(4), 0)).toBe(-1);
  });

  it("tracks packet boundaries across chunks of any size", () => {
    const stream = tsStream(20);
    const aligner = new TsPacketAligner();
    const sizes = [100, 88, 1, 300, 187, 2, 1000, 500];
    let offset = 0;
    for (const size of sizes) {
      const chunk = stream.subarray(offset, offset + size);
      const first = aligner.push(chunk);
      const expected = (TS_PACKET_SIZE - (offset % TS_PACKET_SIZE)) % TS_PACKET_SIZE;
      expect(first).toBe(expected < chunk.length ? expected : -1);
      offset += chunk.length;
    }
    expect(aligner.resyncs).toBe(0);
  });

  it("re-aligns (and counts it) when the expected boundary holds no sync byte", () => {
    const aligner = new TsPacketAligner();
    expect(aligner.push(tsStream(2))).toBe(0);
    const garbageThenPackets = Buffer.concat([Buffer.alloc(50, 0x11), tsStream(3)]);
    expect(aligner.push(garbageThenPackets)).toBe(50);
    expect(aligner.resyncs).toBe(1);
    expect(aligner.push(tsStream(1))).toBe(0);
  });
});
