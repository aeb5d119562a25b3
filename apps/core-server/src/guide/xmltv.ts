import type { ScheduleSource } from "@retrovue/core-runtime";
import { guideChannelId, resolveLogoUrl, type GuideChannel } from "./guide-lineup.js";
import { escapeXmlAttr, escapeXmlText } from "./xml-escape.js";
import { formatXmltvTime } from "./xmltv-time.js";

/** Inputs of {@link renderXmltv}. */
export interface XmltvInput {
  readonly channels: readonly GuideChannel[];
  readonly schedule: ScheduleSource;
  /** Window start, epoch ms (inclusive). Programmes overlapping [fromMs, toMs) are listed whole. */
  readonly fromMs: number;
  /** Window end, epoch ms (exclusive); must be > fromMs. */
  readonly toMs: number;
  /** Origin used to resolve "/path" logos (see {@link resolveLogoUrl}). */
  readonly baseUrl: string;
  /** `generator-info-name` on `<tv>`; default "RetroVue Core". */
  readonly generatorName?: string;
}

/**
 * Renders an XMLTV document (`<tv>` with every `<channel>`, then every `<programme>`, as the
 * XMLTV DTD orders them) from the schedule: one `<programme>` per scheduled segment that
 * overlaps the window, with `start`/`stop` in XMLTV time (UTC, `+0000`), `<title>`, and
 * `<desc>`/`<category>` when the segment has them. Channel ids equal the M3U tvg-id.
 * Pure: same inputs, same bytes. Throws RangeError when toMs <= fromMs, and whatever the
 * schedule throws (e.g. for a channel it does not know).
 */
export function renderXmltv(input: XmltvInput): string {
  const { channels, schedule, fromMs, toMs, baseUrl } = input;
  if (!(toMs > fromMs)) throw new RangeError(`guide window is empty: ${fromMs}..${toMs}`);
  // Playlists loop, so the same titles come back many times: escape each string once.
  const textCache = new Map<string, string>();
  const text = (value: string): string => {
    let escaped = textCache.get(value);
    if (escaped === undefined) {
      escaped = escapeXmlText(value);
      textCache.set(value, escaped);
    }
    return escaped;
  };

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<!DOCTYPE tv SYSTEM "xmltv.dtd">\n',
    `<tv generator-info-name="${escapeXmlAttr(input.generatorName ?? "RetroVue Core")}">\n`,
  ];
  for (const channel of channels) {
    out.push(`  <channel id="${escapeXmlAttr(guideChannelId(channel))}">\n`);
    out.push(`    <display-name>${text(channel.name)}</display-name>\n`);
    // The number as a second display-name lets guide matchers that go by number find the channel.
    out.push(`    <display-name>${channel.number}</display-name>\n`);
    const logo = resolveLogoUrl(channel.logo, baseUrl);
    if (logo !== undefined) out.push(`    <icon src="${escapeXmlAttr(logo)}"/>\n`);
    out.push("  </channel>\n");
  }
  for (const channel of channels) {
    const channelAttr = escapeXmlAttr(guideChannelId(channel));
    let lastEndMs = Number.NaN;
    let lastEndText = "";
    for (const segment of schedule.segmentsBetween(channel.number, fromMs, toMs)) {
      // Back-to-back segments share a boundary: reuse the formatted stop as the next start.
      const start = segment.startMs === lastEndMs ? lastEndText : formatXmltvTime(segment.startMs);
      lastEndMs = segment.endMs;
      lastEndText = formatXmltvTime(segment.endMs);
      out.push(`  <programme start="${start}" stop="${lastEndText}" channel="${channelAttr}">\n`);
      out.push(`    <title>${text(segment.title)}</title>\n`);
      if (segment.description !== undefined && segment.description !== "") {
        out.push(`    <desc>${text(segment.description)}</desc>\n`);
      }
      if (segment.category !== undefined && segment.category !== "") {
        out.push(`    <category>${text(segment.category)}</category>\n`);
      }
      out.push("  </programme>\n");
    }
  }
  out.push("</tv>\n");
  return out.join("");
}
