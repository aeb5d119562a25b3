import { posix, relative, resolve, isAbsolute, sep } from "node:path";

/**
 * Checks a lineup asset path: relative, "/"-separated, and staying under the media root
 * once normalised. Returns the normalised path, or the reason it is refused.
 */
export function checkMediaPath(path: string): { ok: true; path: string } | { ok: false; reason: string } {
  if (path.length === 0) return { ok: false, reason: "must not be empty" };
  if (path.includes("\0")) return { ok: false, reason: "must not contain NUL" };
  if (path.includes("\\")) return { ok: false, reason: `"${path}" must use "/" separators` };
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    return { ok: false, reason: `"${path}" must be relative to the media root` };
  }
  const normalised = posix.normalize(path);
  if (normalised === ".." || normalised.startsWith("../")) {
    return { ok: false, reason: `"${path}" escapes the media root` };
  }
  if (normalised === "." || normalised.endsWith("/")) return { ok: false, reason: `"${path}" names a directory, not a file` };
  return { ok: true, path: normalised };
}

/**
 * Joins a checked relative path to an absolute media root. Throws RangeError if the result
 * would leave the root (cannot happen for a path that passed {@link checkMediaPath}).
 */
export function resolveMediaPath(mediaRoot: string, path: string): string {
  const root = resolve(mediaRoot);
  const full = resolve(root, path);
  const rel = relative(root, full);
  if (rel === "" || rel.startsWith(`..${sep}`) || rel === ".." || isAbsolute(rel)) {
    throw new RangeError(`Media path ${path} escapes the media root ${root}`);
  }
  return full;
}
