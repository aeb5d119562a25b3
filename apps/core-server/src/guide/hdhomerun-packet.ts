/**
 * libhdhomerun's packet framing, as used by its discovery protocol (UDP 65001):
 * `u16 type, u16 payload length, payload, u32 CRC` — big-endian except the CRC, which is
 * the Ethernet CRC-32 of everything before it, little-endian. The payload is a sequence of
 * TLVs: `u8 tag, varlen length, value`, where a length up to 127 is one byte and a longer
 * one is two (low 7 bits | 0x80, then length >> 7). Unknown tags are skipped.
 */

/** Packet types of the discovery protocol. */
export const HDHR_TYPE_DISCOVER_REQ = 0x0002;
export const HDHR_TYPE_DISCOVER_RPY = 0x0003;

/** Tags of the discovery protocol. */
export const HDHR_TAG = {
  deviceType: 0x01,
  deviceId: 0x02,
  tunerCount: 0x10,
  lineupUrl: 0x27,
  baseUrl: 0x2a,
  deviceAuthStr: 0x2b,
} as const;

export const HDHR_DEVICE_TYPE_TUNER = 0x00000001;
export const HDHR_WILDCARD = 0xffffffff;
/** Largest packet libhdhomerun sends or accepts. */
export const HDHR_MAX_PACKET_SIZE = 1460;

/** One tag-length-value entry. */
export interface HdhrTlv {
  readonly tag: number;
  readonly value: Buffer;
}

/** A decoded frame. */
export interface HdhrFrame {
  readonly type: number;
  readonly tlvs: readonly HdhrTlv[];
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Ethernet (IEEE 802.3, reflected) CRC-32 of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Encodes a frame; throws RangeError when a value or the whole payload is too long. */
export function encodeHdhrFrame(frame: HdhrFrame): Buffer {
  const parts: Buffer[] = [];
  for (const { tag, value } of frame.tlvs) {
    if (value.length > 0x3fff) throw new RangeError(`TLV 0x${tag.toString(16)} is too long (${value.length} bytes)`);
    const length = value.length <= 127 ? Buffer.from([value.length]) : Buffer.from([(value.length & 0x7f) | 0x80, value.length >> 7]);
    parts.push(Buffer.from([tag]), length, value);
  }
  const payload = Buffer.concat(parts);
  if (payload.length + 8 > HDHR_MAX_PACKET_SIZE) throw new RangeError(`packet too large (${payload.length + 8} bytes)`);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(frame.type, 0);
  head.writeUInt16BE(payload.length, 2);
  const body = Buffer.concat([head, payload]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, crc]);
}

/** Decodes a frame, or returns undefined for anything malformed (short, bad length or CRC, truncated TLV). */
export function decodeHdhrFrame(packet: Uint8Array): HdhrFrame | undefined {
  const bytes = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (bytes.length < 8) return undefined;
  const type = bytes.readUInt16BE(0);
  const length = bytes.readUInt16BE(2);
  if (bytes.length !== 4 + length + 4) return undefined;
  if (bytes.readUInt32LE(4 + length) !== crc32(bytes.subarray(0, 4 + length))) return undefined;
  const tlvs: HdhrTlv[] = [];
  let pos = 4;
  const end = 4 + length;
  while (pos < end) {
    if (pos + 2 > end) return undefined;
    const tag = bytes[pos]!;
    let len = bytes[pos + 1]!;
    pos += 2;
    if (len & 0x80) {
      if (pos + 1 > end) return undefined;
      len = (len & 0x7f) | (bytes[pos]! << 7);
      pos += 1;
    }
    if (pos + len > end) return undefined;
    tlvs.push({ tag, value: Buffer.from(bytes.subarray(pos, pos + len)) });
    pos += len;
  }
  return { type, tlvs };
}

/** A u32 TLV value (big-endian). */
export function u32Value(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}
