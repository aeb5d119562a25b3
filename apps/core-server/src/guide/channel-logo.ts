import { extname } from "node:path";
import { checkMediaPath } from "@retrovue/core-runtime";

/** Image types a channel logo may have, by file extension (what players and guides show). */
export const LOGO_CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** What a lineup channel's `logo` names. */
export type LogoSource =
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "file"; readonly path: string; readonly extension: string; readonly contentType: string }
  | { readonly kind: "invalid"; readonly reason: string };

/**
 * Classifies a lineup `logo`: an absolute http(s) URL or a "/path" on this server is
 * published as written; anything else is a file under the media root, served by the
 * server at {@link logoUrlPath}. A file must stay under the root and be an image type
 * of {@link LOGO_CONTENT_TYPES}.
 */
export function classifyLogo(logo: string): LogoSource {
  if (/^https?:\/\//i.test(logo) || (logo.startsWith("/") && !logo.startsWith("//"))) return { kind: "url", url: logo };
  if (/^[a-z][a-z0-9+.-]*:/i.test(logo)) return { kind: "invalid", reason: `"${logo}" is neither an http(s) URL nor a file under the media root` };
  const checked = checkMediaPath(logo);
  if (!checked.ok) return { kind: "invalid", reason: checked.reason };
  const extension = extname(checked.path).toLowerCase();
  const contentType = LOGO_CONTENT_TYPES[extension];
  if (contentType === undefined) {
    return { kind: "invalid", reason: `"${logo}" is not an image the server serves (${Object.keys(LOGO_CONTENT_TYPES).join(", ")})` };
  }
  return { kind: "file", path: checked.path, extension, contentType };
}

/** The stable URL path of a channel's logo file: `/logos/<number><extension>`, e.g. `/logos/1.png`. */
export function logoUrlPath(channelNumber: number, extension: string): string {
  return `/logos/${channelNumber}${extension}`;
}

/**
 * The logo to publish for a channel (M3U `tvg-logo`, XMLTV `<icon>`, `/channels`): a file
 * becomes its stable `/logos/…` path, a URL stays, an invalid value is dropped.
 */
export function publishedLogo(channelNumber: number, logo: string | undefined): string | undefined {
  if (logo === undefined || logo === "") return undefined;
  const source = classifyLogo(logo);
  if (source.kind === "file") return logoUrlPath(channelNumber, source.extension);
  return source.kind === "url" ? source.url : undefined;
}
