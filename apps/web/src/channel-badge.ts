import { h } from "./dom.js";
import { channelHue, monogram } from "./format.js";

/** A channel's logo, or a coloured monogram when the lineup gives none. */
export function channelBadge(channel: { readonly number: number; readonly name: string; readonly logo?: string }): HTMLElement {
  if (channel.logo !== undefined) return h("img", { class: "badge logo", src: channel.logo, alt: channel.name });
  return h("span", { class: "badge", style: `background:hsl(${channelHue(channel.number)} 55% 38%)`, "aria-hidden": "true" }, monogram(channel.name));
}
