import type { ChannelSessionSnapshot, LineupChannel, ScheduleSource, ScheduledSegment } from "@retrovue/core-runtime";
import { publishedLogo } from "../guide/channel-logo.js";
import { resolveLogoUrl } from "../guide/guide-lineup.js";
import type { JsonValue } from "../http/http-problem.js";

/**
 * A channel's state for viewers:
 * - `idle`: nothing playing (no channel session);
 * - `starting`: a session is starting and has not reached its first LIVE (provisional);
 * - `live`: the boundary state is LIVE — only then (INV-LIVE-SESSION-AUTHORITY-001);
 * - `switching`: was live, now crossing a boundary (a transient state; output continues);
 * - `stopping`: a teardown is pending or executing;
 * - `failed`: FAILED_TERMINAL or restarting after it.
 */
export type ChannelState = "idle" | "starting" | "live" | "switching" | "stopping" | "failed";

/** Maps a director snapshot (or none) to a {@link ChannelState}. */
export function channelStateOf(snapshot: ChannelSessionSnapshot | undefined): ChannelState {
  if (snapshot === undefined) return "idle";
  if (snapshot.phase === "stopping" || snapshot.teardownPending) return "stopping";
  if (snapshot.phase === "restarting" || snapshot.boundaryState === "FAILED_TERMINAL") return "failed";
  if (snapshot.isLive) return "live";
  return snapshot.provisional ? "starting" : "switching";
}

const iso = (ms: number): string => new Date(ms).toISOString();

function programme(segment: ScheduledSegment): { readonly [key: string]: JsonValue } {
  return {
    title: segment.title,
    ...(segment.description !== undefined ? { description: segment.description } : {}),
    ...(segment.category !== undefined ? { category: segment.category } : {}),
    start: iso(segment.startMs),
    end: iso(segment.endMs),
  };
}

/** The schedule's now and next for a channel at `nowMs`. */
export function nowAndNext(schedule: ScheduleSource, channel: number, nowMs: number): { readonly [key: string]: JsonValue } {
  const now = schedule.segmentAt(channel, nowMs);
  const next = schedule.segmentAt(channel, now.endMs);
  return { now: programme(now), next: programme(next) };
}

/** One row of `GET /channels`. */
export function channelJson(
  channel: LineupChannel,
  schedule: ScheduleSource,
  snapshot: ChannelSessionSnapshot | undefined,
  nowMs: number,
  baseUrl: string,
): { readonly [key: string]: JsonValue } {
  const logo = resolveLogoUrl(publishedLogo(channel.number, channel.logo), baseUrl);
  return {
    number: channel.number,
    name: channel.name,
    ...(channel.group !== undefined ? { group: channel.group } : {}),
    ...(logo !== undefined ? { logo } : {}),
    ...nowAndNext(schedule, channel.number, nowMs),
    state: channelStateOf(snapshot),
    viewers: snapshot?.viewers ?? 0,
    streamUrl: `${baseUrl}/channels/${channel.number}/stream.ts`,
  };
}
