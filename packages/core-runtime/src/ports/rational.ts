/** A frame rate or other exact ratio, e.g. 30000/1001 for NTSC video. */
export interface Rational {
  readonly numerator: number;
  readonly denominator: number;
}
