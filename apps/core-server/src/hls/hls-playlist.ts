import type { HlsSegment } from "./hls-segmenter.js";

/** Content type of an HLS playlist (RFC 8216 §4). */
export const HLS_PLAYLIST_CONTENT_TYPE = "application/vnd.apple.mpegurl";

/**
 * Renders a live media playlist (RFC 8216) for a window of segments: version 3 (decimal
 * EXTINF), the fixed target duration, the media and discontinuity sequence numbers of the
 * first segment, and EXT-X-DISCONTINUITY before every spliced segment but the first (the
 * discontinuity sequence already counts it). No EXT-X-ENDLIST: the channel never ends.
 * `uriOf` names each segment (relative URIs resolve against the playlist's URL).
 */
export function renderMediaPlaylist(targetDurationS: number, window: readonly HlsSegment[], uriOf: (segment: HlsSegment) => string): string {
  const first = window[0];
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    `#EXT-X-TARGETDURATION:${targetDurationS}`,
    `#EXT-X-MEDIA-SEQUENCE:${first?.sequence ?? 0}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${first?.discontinuitySequence ?? 0}`,
  ];
  window.forEach((segment, i) => {
    if (segment.discontinuity && i > 0) lines.push("#EXT-X-DISCONTINUITY");
    lines.push(`#EXTINF:${segment.durationS.toFixed(3)},`, uriOf(segment));
  });
  return `${lines.join("\n")}\n`;
}
