import { channelStreamUrl, guideChannelId, resolveLogoUrl, type GuideChannel } from "./guide-lineup.js";

// M3U has no escaping: a quote would end an attribute and a line break would start a new
// entry, so both (and every other control character) are replaced before they reach a player.
const UNSAFE_IN_ATTR = /["\u0000-\u001F\u007F\u2028\u2029]/g;
const UNSAFE_IN_TITLE = /[\u0000-\u001F\u007F\u2028\u2029]/g;

function attr(value: string): string {
  return value.replace(UNSAFE_IN_ATTR, (ch) => (ch === '"' ? "'" : " ")).trim();
}

function title(value: string): string {
  return value.replace(UNSAFE_IN_TITLE, " ").trim();
}

/** Inputs of {@link renderM3u}. */
export interface M3uInput {
  readonly channels: readonly GuideChannel[];
  /** Validated origin, e.g. "http://192.168.1.5:8000" (see {@link baseUrlFromRequest}). */
  readonly baseUrl: string;
  /** Path of the XMLTV guide announced in the header (`url-tvg`); default "/guide.xml". */
  readonly guidePath?: string;
}

/**
 * Renders an extended M3U playlist: a `#EXTM3U` header naming the guide URL, then per channel
 * `#EXTINF:-1 tvg-id tvg-name tvg-chno group-title [tvg-logo],Name` and the stream URL.
 * Lines end in CRLF-free "\n". Pure; never throws.
 */
export function renderM3u(input: M3uInput): string {
  const { channels, baseUrl } = input;
  const guideUrl = `${baseUrl}${input.guidePath ?? "/guide.xml"}`;
  const lines = [`#EXTM3U url-tvg="${attr(guideUrl)}" x-tvg-url="${attr(guideUrl)}"`];
  for (const channel of channels) {
    const parts = [
      "#EXTINF:-1",
      `tvg-id="${attr(guideChannelId(channel))}"`,
      `tvg-name="${attr(channel.name)}"`,
      `tvg-chno="${channel.number}"`,
      `group-title="${attr(channel.group ?? "")}"`,
    ];
    const logo = resolveLogoUrl(channel.logo, baseUrl);
    if (logo !== undefined) parts.push(`tvg-logo="${attr(logo)}"`);
    lines.push(`${parts.join(" ")},${title(channel.name)}`);
    lines.push(channelStreamUrl(baseUrl, channel.number));
  }
  return `${lines.join("\n")}\n`;
}
