import type { ScheduleSource } from "@retrovue/core-runtime";

/** One channel as the playlist, guide and tuner endpoints see it (CONTRACTS.md §A subset). */
export interface GuideChannel {
  /** Channel number, a positive integer: the HDHomeRun GuideNumber, M3U tvg-chno and an XMLTV display-name. */
  readonly number: number;
  /** Display name (any text: escaped by every renderer). */
  readonly name: string;
  /** Group shown by players (M3U `group-title`). */
  readonly group?: string;
  /** Logo: an absolute http(s) URL, or a path starting with "/" resolved against the base URL. */
  readonly logo?: string;
}

/** The lineup a request is answered from: read once per request, so a reloaded lineup shows at once. */
export interface GuideLineup {
  /** Opaque version of the lineup; part of every cache key, so a new version never serves old output. */
  readonly version: string;
  readonly channels: readonly GuideChannel[];
  readonly schedule: ScheduleSource;
}

/** Domain part of every guide channel id (XMLTV ids are RFC 2838-like: `<number>.<domain>`). */
export const GUIDE_ID_DOMAIN = "retrovue";

/**
 * The channel id shared by the XMLTV `<channel id>` and the M3U `tvg-id`: `1.retrovue`.
 * `tv_validate_file` rejects a bare number; players match the two ids to each other, and
 * media servers match tuner channels (GuideNumber = the bare number, {@link tunerGuideNumber})
 * to the guide through the numeric `<display-name>` every guide channel also carries.
 */
export function guideChannelId(channel: Pick<GuideChannel, "number">): string {
  return `${channel.number}.${GUIDE_ID_DOMAIN}`;
}

/** The HDHomeRun GuideNumber (and M3U tvg-chno): the bare channel number, as tuners number channels. */
export function tunerGuideNumber(channel: Pick<GuideChannel, "number">): string {
  return String(channel.number);
}

/** The stream URL a player or media server tunes for `channelNumber`. */
export function channelStreamUrl(baseUrl: string, channelNumber: number): string {
  return `${baseUrl}/channels/${channelNumber}/stream.ts`;
}

/**
 * The logo URL to publish, or undefined when there is none or it is unusable:
 * absolute http(s) URLs are kept, "/path" is resolved against `baseUrl`, anything else
 * (javascript:, data:, relative paths) is dropped rather than passed to players.
 */
export function resolveLogoUrl(logo: string | undefined, baseUrl: string): string | undefined {
  if (logo === undefined || logo === "") return undefined;
  const rooted = logo.startsWith("/") && !logo.startsWith("//");
  if (!rooted && logo.startsWith("/")) return undefined;
  try {
    const url = rooted ? new URL(logo, baseUrl) : new URL(logo);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
