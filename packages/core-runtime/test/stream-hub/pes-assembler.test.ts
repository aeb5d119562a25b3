import { describe, expect, it } from "vitest";
import { PesAssembler } from "../../src/stream-hub/pes-assembler.js";
import { PACKET } from "./stream-hub.fixtures.js";
import { patPacket, pmtPacket } from "./ts-program.fixtures.js";

/** A packet of `pid`; a unit start carries a PES header with `pesLength` (0 = unbounded). */
function pesPacket(pid: number, cc: number, start: { pesLength: number } | undefined, fill: number): Buffer {
  const packet = Buffer.alloc(PACKET, fill);
  packet[0] = 0x47;
  packet[1] = (start ? 0x40 : 0) | (pid >> 8);
  packet[2] = pid & 0xff;
  packet[3] = 0x10 | (cc & 0x0f);
  if (start) Buffer.from([0, 0, 1, 0xc0, start.pesLength >> 8, start.pesLength & 0xff]).copy(packet, 4);
  return packet;
}

const VIDEO = 0x100;
const AUDIO = 0x101;
const ids = (buf: Buffer): number[] => Array.from({ length: buf.length / PACKET }, (_, i) => buf[i * PACKET + 10] as number);

describe("PesAssembler", () => {
  it("passes a chunk with no PES through as the very same buffer", () => {
    const assembler = new PesAssembler();
    const psi = Buffer.concat([patPacket(0), pmtPacket(0)]);
    expect(assembler.push(psi)).toBe(psi);
  });

  it("releases a bounded PES when its last byte arrives and an unbounded one when the next starts", () => {
    const assembler = new PesAssembler();
    // Audio PES of 2 packets: 184 + 184 payload bytes = 6 + 362.
    const a1 = pesPacket(AUDIO, 0, { pesLength: 362 }, 1);
    const a2 = pesPacket(AUDIO, 1, undefined, 2);
    const v1 = pesPacket(VIDEO, 0, { pesLength: 0 }, 3);
    const v2 = pesPacket(VIDEO, 1, undefined, 4);
    const v3 = pesPacket(VIDEO, 2, { pesLength: 0 }, 5);
    const pat = patPacket(0);
    expect(ids(assembler.push(Buffer.concat([v1, a1, v2])))).toEqual([]);
    expect(ids(assembler.push(Buffer.concat([a2, pat])))).toEqual([1, 2, pat[10] as number]);
    expect(ids(assembler.push(v3))).toEqual([3, 4]); // v1+v2 complete once v3 starts
  });

  it("drops the unfinished PES of a stream that ends, and reports how many", () => {
    const assembler = new PesAssembler();
    assembler.push(Buffer.concat([pesPacket(AUDIO, 0, { pesLength: 362 }, 1), pesPacket(VIDEO, 0, { pesLength: 0 }, 3)]));
    expect(assembler.reset()).toBe(2);
    // After the reset, packets of a PID before its first unit start pass (nothing to protect).
    const tail = pesPacket(AUDIO, 1, undefined, 2);
    expect(assembler.push(tail)).toBe(tail);
  });
});
