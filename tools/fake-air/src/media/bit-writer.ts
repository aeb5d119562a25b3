/** Writes an H.264 RBSP bit by bit (fixed-width and Exp-Golomb fields, ITU-T H.264 §7.2, §9.1). */
export class BitWriter {
  readonly #bytes: number[] = [];
  #current = 0;
  #bits = 0;

  /** `count` bits of `value`, most significant first. */
  u(count: number, value: number): this {
    for (let i = count - 1; i >= 0; i--) this.#bit(Math.floor(value / 2 ** i) & 1);
    return this;
  }

  /** Unsigned Exp-Golomb ue(v). */
  ue(value: number): this {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    return this.u(length, 0).u(length + 1, code);
  }

  /** Signed Exp-Golomb se(v). */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary; returns the RBSP. */
  finish(): Buffer {
    this.#bit(1);
    while (this.#bits !== 0) this.#bit(0);
    return Buffer.from(this.#bytes);
  }

  #bit(bit: number): void {
    this.#current = (this.#current << 1) | bit;
    if (++this.#bits === 8) {
      this.#bytes.push(this.#current);
      this.#current = 0;
      this.#bits = 0;
    }
  }
}

/** A NAL unit in Annex B form: start code, header, RBSP with emulation prevention bytes. */
export function annexBNal(nalRefIdc: number, nalType: number, rbsp: Uint8Array): Buffer {
  const out: number[] = [0, 0, 0, 1, (nalRefIdc << 5) | nalType];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}
