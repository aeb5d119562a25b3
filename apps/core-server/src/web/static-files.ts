import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";

/** Content types of the files a Vite build emits. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** One file of the built web app, read once. */
export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

/** The built web app (`@retrovue/web`'s `dist/`), read lazily and kept in memory. */
export interface StaticFiles {
  /** The directory served, or undefined when the app is not built. */
  readonly root: string | undefined;
  /** `index.html`, or undefined when the app is not built. */
  index(): StaticFile | undefined;
  /** A file of `dist/assets/` by name (no paths: only names listed in that directory). */
  asset(name: string): StaticFile | undefined;
}

/** Where `@retrovue/web` keeps its build, or undefined when the package cannot be found. */
export function defaultWebRoot(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("@retrovue/web/package.json")), "dist");
  } catch {
    return undefined;
  }
}

/**
 * Serves a Vite build from memory. Asset names come from the directory listing, so a
 * request can never name a path outside it.
 */
export function createStaticFiles(root: string | undefined = defaultWebRoot()): StaticFiles {
  const cache = new Map<string, StaticFile>();
  const read = (path: string): StaticFile | undefined => {
    let file = cache.get(path);
    if (file === undefined) {
      if (!existsSync(path)) return undefined;
      file = { body: readFileSync(path), contentType: CONTENT_TYPES[extname(path)] ?? "application/octet-stream" };
      cache.set(path, file);
    }
    return file;
  };
  let assetNames: Set<string> | undefined;
  return {
    root,
    index: () => (root === undefined ? undefined : read(join(root, "index.html"))),
    asset(name) {
      if (root === undefined) return undefined;
      const dir = join(root, "assets");
      assetNames ??= existsSync(dir) ? new Set(readdirSync(dir)) : new Set();
      return assetNames.has(name) ? read(join(dir, name)) : undefined;
    },
  };
}
