import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolveMediaPath, type LineupChannel } from "@retrovue/core-runtime";
import { classifyLogo, logoUrlPath } from "../guide/channel-logo.js";
import { HttpProblem } from "../http/http-problem.js";
import { handled } from "../http/reply.js";
import { route, type Route } from "../http/route.js";

/** What the logo route needs: the lineup's channels and its absolute media root. */
export interface LogoRoutesDeps {
  readonly channels: readonly LineupChannel[];
  readonly mediaRoot: string;
}

/** Logos change rarely and their URL is stable per channel: caches revalidate hourly (ETag). */
export const LOGO_CACHE_CONTROL = "public, max-age=3600";

/**
 * `GET /logos/:file`: serves the logo file a lineup channel names (`/logos/1.png`), with its
 * image content type, `Cache-Control`, an `ETag` of its bytes and 304 on `If-None-Match`.
 * Unknown channel, a channel without a logo file, or a wrong extension → 404.
 */
export function createLogoRoutes(deps: LogoRoutesDeps): Route[] {
  const files = new Map<string, { readonly path: string; readonly contentType: string }>();
  for (const channel of deps.channels) {
    if (channel.logo === undefined) continue;
    const source = classifyLogo(channel.logo);
    if (source.kind !== "file") continue;
    const urlPath = logoUrlPath(channel.number, source.extension);
    files.set(urlPath.slice("/logos/".length), { path: resolveMediaPath(deps.mediaRoot, source.path), contentType: source.contentType });
  }
  return [
    route("GET", "/logos/:file", async (ctx) => {
      const file = files.get(ctx.params.file);
      if (file === undefined) throw new HttpProblem("not-found", { detail: `No channel logo ${ctx.path}.` });
      let bytes: Buffer;
      try {
        bytes = await readFile(file.path);
      } catch (error) {
        throw new HttpProblem("not-found", { detail: `The logo file of ${ctx.path} cannot be read.`, cause: error });
      }
      const etag = `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`;
      const res = ctx.res;
      res.setHeader("Cache-Control", LOGO_CACHE_CONTROL);
      res.setHeader("ETag", etag);
      if (ctx.req.headers["if-none-match"] === etag) {
        res.statusCode = 304;
        res.end();
        return handled();
      }
      res.statusCode = 200;
      res.setHeader("Content-Type", file.contentType);
      res.setHeader("Content-Length", bytes.length);
      res.end(bytes);
      return handled();
    }),
  ];
}
