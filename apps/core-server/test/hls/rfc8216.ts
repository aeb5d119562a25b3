/**
 * Checks of RFC 8216 rules for the live media playlists the server writes: within one
 * playlist (§4.3.1–4.3.3) and across successive reloads (§6.2.1–6.2.2). Each returns the
 * broken rules as messages (empty = valid), so a test can show all of them at once.
 */

/** One segment as a playlist lists it. */
export interface ListedSegment {
  readonly sequence: number;
  readonly discontinuitySequence: number;
  readonly durationS: number;
  readonly uri: string;
  readonly discontinuity: boolean;
}

/** A parsed media playlist. */
export interface ParsedPlaylist {
  readonly targetDurationS: number;
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  readonly version: number;
  readonly endList: boolean;
  readonly segments: readonly ListedSegment[];
}

/** Parses and checks one playlist; `problems` lists every rule it breaks. */
export function checkMediaPlaylist(text: string): { readonly playlist: ParsedPlaylist; readonly problems: string[] } {
  const problems: string[] = [];
  const lines = text.split("\n");
  if (lines[0] !== "#EXTM3U") problems.push("§4.3.1.1: the first line must be #EXTM3U");
  if (!text.endsWith("\n")) problems.push("§4.1: lines end with a line terminator");
  const once = new Map<string, number>();
  let targetDurationS = Number.NaN;
  let mediaSequence = 0;
  let discontinuitySequence = 0;
  let version = 1;
  let endList = false;
  let pendingDuration: number | undefined;
  let pendingDiscontinuity = false;
  let sawSegment = false;
  let discontinuities = 0;
  const segments: ListedSegment[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    if (line === "") continue;
    if (/\s$/.test(line) || /^\s/.test(line)) problems.push(`§4.1: line ${i + 2} has surrounding white space`);
    if (!line.startsWith("#")) {
      if (pendingDuration === undefined) problems.push(`§4.3.2.1: URI ${line} has no EXTINF before it`);
      segments.push({
        sequence: mediaSequence + segments.length,
        discontinuitySequence: discontinuitySequence + discontinuities,
        durationS: pendingDuration ?? Number.NaN,
        uri: line,
        discontinuity: pendingDiscontinuity,
      });
      pendingDuration = undefined;
      pendingDiscontinuity = false;
      sawSegment = true;
      continue;
    }
    if (!line.startsWith("#EXT")) continue; // a comment
    const [tag = "", value = ""] = line.split(/:(.*)/s);
    const single = ["#EXT-X-TARGETDURATION", "#EXT-X-MEDIA-SEQUENCE", "#EXT-X-DISCONTINUITY-SEQUENCE", "#EXT-X-VERSION", "#EXT-X-ENDLIST"];
    if (single.includes(tag)) {
      once.set(tag, (once.get(tag) ?? 0) + 1);
      if ((once.get(tag) ?? 0) > 1) problems.push(`§4.3.3: ${tag} appears more than once`);
    }
    switch (tag) {
      case "#EXT-X-VERSION":
        version = Number(value);
        break;
      case "#EXT-X-TARGETDURATION":
        if (!/^\d+$/.test(value)) problems.push("§4.3.3.1: EXT-X-TARGETDURATION must be a decimal integer");
        targetDurationS = Number(value);
        break;
      case "#EXT-X-MEDIA-SEQUENCE":
        if (sawSegment) problems.push("§4.3.3.2: EXT-X-MEDIA-SEQUENCE must come before the first segment");
        mediaSequence = Number(value);
        break;
      case "#EXT-X-DISCONTINUITY-SEQUENCE":
        if (sawSegment || discontinuities > 0) problems.push("§4.3.3.3: EXT-X-DISCONTINUITY-SEQUENCE must come before the first segment and any EXT-X-DISCONTINUITY");
        discontinuitySequence = Number(value);
        break;
      case "#EXT-X-DISCONTINUITY":
        discontinuities++;
        pendingDiscontinuity = true;
        break;
      case "#EXT-X-ENDLIST":
        endList = true;
        break;
      case "#EXTINF": {
        const m = /^(\d+(?:\.\d+)?),/.exec(value);
        if (m === null) problems.push(`§4.3.2.1: bad EXTINF ${value}`);
        pendingDuration = m === null ? Number.NaN : Number(m[1]);
        if (m?.[1]?.includes(".") && version < 3) problems.push("§7: decimal EXTINF durations need EXT-X-VERSION 3 or higher");
        break;
      }
      case "#EXT-X-STREAM-INF":
      case "#EXT-X-MEDIA":
        problems.push(`§4.3.4: ${tag} is a master playlist tag`);
        break;
      default:
        break;
    }
  }
  if (pendingDuration !== undefined) problems.push("§4.3.2.1: the last EXTINF has no URI");
  if (!Number.isInteger(targetDurationS)) problems.push("§4.3.3.1: EXT-X-TARGETDURATION is required");
  for (const s of segments) {
    if (Math.round(s.durationS) > targetDurationS) problems.push(`§4.3.3.1: segment ${s.sequence} lasts ${s.durationS} s, above the target ${targetDurationS} s`);
  }
  return { playlist: { targetDurationS, mediaSequence, discontinuitySequence, version, endList, segments }, problems };
}

/** Rules between a playlist and its reload (§6.2.1, §6.2.2), for a live playlist. */
export function checkReload(previous: ParsedPlaylist, next: ParsedPlaylist): string[] {
  const problems: string[] = [];
  if (next.targetDurationS !== previous.targetDurationS) problems.push("§4.3.3.1: EXT-X-TARGETDURATION must not change");
  if (next.mediaSequence < previous.mediaSequence) problems.push("§6.2.1: EXT-X-MEDIA-SEQUENCE went backwards");
  if (next.discontinuitySequence < previous.discontinuitySequence) problems.push("§6.2.2: EXT-X-DISCONTINUITY-SEQUENCE went backwards");
  const before = new Map(previous.segments.map((s) => [s.sequence, s]));
  for (const s of next.segments) {
    const old = before.get(s.sequence);
    if (old === undefined) continue;
    if (old.uri !== s.uri || old.durationS !== s.durationS) problems.push(`§6.2.1: segment ${s.sequence} changed between reloads`);
    if (old.discontinuitySequence !== s.discontinuitySequence) problems.push(`§6.2.2: segment ${s.sequence} changed its discontinuity sequence number`);
  }
  const total = next.segments.reduce((sum, s) => sum + s.durationS, 0);
  if (next.mediaSequence > 0 && total < 3 * next.targetDurationS - 0.001) {
    problems.push(`§6.2.2: segments were removed while the playlist lasts ${total} s, under three target durations`);
  }
  return problems;
}
