/**
 * Splits what `ffmpeg -v error -i capture.ts -f null -` printed into decode errors (a
 * decoder could not decode something: corrupt or missing data, a frame that references
 * what it never got) and timestamp-order complaints of ffmpeg's own null muxer
 * ("non monotonically increasing dts to muxer").
 *
 * The second kind is not a decoding failure: ffmpeg's CLI corrects timestamp jumps only
 * above `-dts_delta_threshold` (10 s), so a splice whose new stream restarts its clock a few
 * seconds back (signalled with discontinuity_indicator, which players follow) or an engine
 * that repeats an audio DTS makes the muxer complain while every frame decodes. Tests assert
 * on `decodeErrors` and print the count of `timestampWarnings`.
 */
export interface FfmpegErrorLines {
  readonly decodeErrors: readonly string[];
  readonly timestampWarnings: readonly string[];
}

const MUXER_TIMESTAMP_ORDER = /non monotonically increasing dts to muxer/;

export function classifyFfmpegErrorLines(stderr: string): FfmpegErrorLines {
  const lines = stderr.split("\n").filter((line) => line.trim() !== "");
  return {
    decodeErrors: lines.filter((line) => !MUXER_TIMESTAMP_ORDER.test(line)),
    timestampWarnings: lines.filter((line) => MUXER_TIMESTAMP_ORDER.test(line)),
  };
}
