import { annexBNal, BitWriter } from "./bit-writer.js";

/**
 * Black H.264 pictures generated in code (no encoder at run time): Constrained Baseline, CAVLC.
 * The IDR codes every macroblock as Intra16x16 DC prediction without residual, except the
 * first, whose single luma DC coefficient turns the predictor's mid-grey (128) into 16 (black);
 * every later macroblock predicts that from its neighbours. Chroma stays 128 (neutral). A P
 * picture is one run of skipped macroblocks: it repeats the IDR.
 */
export interface BlackH264 {
  /** Access unit of an IDR picture: AUD, SPS, PPS, IDR slice (Annex B). */
  idr: Buffer;
  /** Access unit of the n-th (1-based) P picture after an IDR: AUD, P slice of skips. */
  p(n: number): Buffer;
  /** Longest run of P pictures allowed after an IDR (frame_num range). */
  maxGop: number;
}

const LOG2_MAX_FRAME_NUM = 8;
const NAL_AUD = 9;
const NAL_SPS = 7;
const NAL_PPS = 8;
const NAL_IDR = 5;
const NAL_SLICE = 1;
// Intra16x16 DC coefficient that lifts 128 to 16 at QP 26: (-138·208 + 2) >> 2 = -7176, (-7176 + 32) >> 6 = -112.
const BLACK_DC_LEVEL = -138;

const cache = new Map<string, BlackH264>();

/** Black pictures of `width`×`height` (even numbers), cached per size. */
export function blackH264(width: number, height: number): BlackH264 {
  const key = `${width}x${height}`;
  let black = cache.get(key);
  if (black === undefined) {
    black = build(width, height);
    cache.set(key, black);
  }
  return black;
}

function build(width: number, height: number): BlackH264 {
  const mbW = Math.ceil(width / 16);
  const mbH = Math.ceil(height / 16);
  const mbs = mbW * mbH;
  const aud = (type: number): Buffer => annexBNal(0, NAL_AUD, new BitWriter().u(3, type).finish());

  const sps = new BitWriter().u(8, 66).u(8, 0xc0).u(8, mbs > 8160 ? 51 : 40);
  sps.ue(0).ue(LOG2_MAX_FRAME_NUM - 4).ue(2).ue(1).u(1, 0).ue(mbW - 1).ue(mbH - 1).u(1, 1).u(1, 1);
  const cropX = (mbW * 16 - width) >> 1;
  const cropY = (mbH * 16 - height) >> 1;
  if (cropX > 0 || cropY > 0) sps.u(1, 1).ue(0).ue(cropX).ue(0).ue(cropY);
  else sps.u(1, 0);
  sps.u(1, 0); // no VUI
  const pps = new BitWriter().ue(0).ue(0).u(1, 0).u(1, 0).ue(0).ue(0).ue(0).u(1, 0).u(2, 0).se(0).se(0).se(0).u(1, 1).u(1, 0).u(1, 0);

  const idr = new BitWriter().ue(0).ue(7).ue(0).u(LOG2_MAX_FRAME_NUM, 0).ue(0).u(1, 0).u(1, 0).se(0).ue(1);
  for (let mb = 0; mb < mbs; mb++) {
    idr.ue(3).ue(0).se(0); // I_16x16_2_0_0 (DC prediction, no AC, no chroma), chroma DC, qp delta 0
    if (mb === 0) {
      // coeff_token TotalCoeff 1, TrailingOnes 0 (nC 0); level_prefix 15 + 12-bit suffix; total_zeros 0.
      const levelCode = -2 * BLACK_DC_LEVEL - 1 - 2;
      idr.u(6, 0b000101).u(16, 1).u(12, levelCode - 30).u(1, 1);
    } else {
      idr.u(1, 1); // coeff_token TotalCoeff 0
    }
  }
  const idrAu = Buffer.concat([aud(0), annexBNal(3, NAL_SPS, sps.finish()), annexBNal(3, NAL_PPS, pps.finish()), annexBNal(3, NAL_IDR, idr.finish())]);
  const maxGop = 2 ** LOG2_MAX_FRAME_NUM - 1;
  const pCache = new Map<number, Buffer>();
  return {
    idr: idrAu,
    maxGop,
    p(n: number): Buffer {
      if (n < 1 || n > maxGop) throw new RangeError(`P picture ${n} is outside 1..${maxGop}`);
      let au = pCache.get(n);
      if (au === undefined) {
        const slice = new BitWriter().ue(0).ue(5).ue(0).u(LOG2_MAX_FRAME_NUM, n).u(1, 0).u(1, 0).u(1, 0).se(0).ue(1).ue(mbs);
        au = Buffer.concat([aud(1), annexBNal(2, NAL_SLICE, slice.finish())]);
        pCache.set(n, au);
      }
      return au;
    },
  };
}
