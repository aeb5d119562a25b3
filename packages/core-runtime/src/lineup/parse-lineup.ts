import type { ProgramFormat } from "../ports/program-format.js";
import type { Rational } from "../ports/rational.js";
import { LineupError, type LineupIssue } from "./lineup-error.js";
import type { Lineup, LineupAsset, LineupChannel } from "./lineup-types.js";
import { checkMediaPath } from "./media-path.js";
import { parseRational } from "./parse-rational.js";

type Json = Record<string, unknown>;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const MAX_CHANNEL_NUMBER = 99_999;

/** Collects issues while walking the document. */
class Checker {
  readonly issues: LineupIssue[] = [];

  fail(location: string, message: string): undefined {
    this.issues.push({ location, message });
    return undefined;
  }

  object(value: unknown, location: string, allowed: readonly string[]): Json | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return this.fail(location, "must be an object");
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(join(location, key), `unknown field "${key}" (allowed: ${allowed.join(", ")})`);
    }
    return value as Json;
  }

  string(value: unknown, location: string, optional = false): string | undefined {
    if (value === undefined && optional) return undefined;
    if (typeof value !== "string" || value.trim().length === 0) return this.fail(location, "must be a non-empty string");
    return value;
  }

  positiveInteger(value: unknown, location: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value)) return this.fail(location, `must be an integer, got ${JSON.stringify(value)}`);
    if (value <= 0) return this.fail(location, `must be > 0, got ${value}`);
    if (value > max) return this.fail(location, `must be <= ${max}, got ${value}`);
    return value;
  }

  rational(value: unknown, location: string): Rational | undefined {
    const parsed = typeof value === "string" ? parseRational(value) : undefined;
    if (parsed === undefined) {
      return this.fail(location, `bad frame rate ${JSON.stringify(value)}: expected "N/D" with positive integers, e.g. "30/1" or "30000/1001"`);
    }
    return parsed;
  }

  array(value: unknown, location: string): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(location, "must be an array");
    if (value.length === 0) return this.fail(location, "must not be empty");
    return value;
  }
}

function join(location: string, key: string): string {
  return location === "$" ? key : `${location}.${key}`;
}

function parseProgramFormat(c: Checker, value: unknown, at: string): ProgramFormat | undefined {
  const o = c.object(value, at, ["video", "audio"]);
  if (o === undefined) return undefined;
  const v = c.object(o["video"], `${at}.video`, ["width", "height", "frameRate"]);
  const a = c.object(o["audio"], `${at}.audio`, ["sampleRate", "channels"]);
  const width = v && c.positiveInteger(v["width"], `${at}.video.width`, 16_384);
  const height = v && c.positiveInteger(v["height"], `${at}.video.height`, 16_384);
  const frameRate = v && c.rational(v["frameRate"], `${at}.video.frameRate`);
  const sampleRate = a && c.positiveInteger(a["sampleRate"], `${at}.audio.sampleRate`, 384_000);
  const channels = a && c.positiveInteger(a["channels"], `${at}.audio.channels`, 32);
  if (!width || !height || !frameRate || !sampleRate || !channels) return undefined;
  return { video: { width, height, frameRate }, audio: { sampleRate, channels } };
}

function parseAsset(c: Checker, value: unknown, at: string): LineupAsset | undefined {
  const o = c.object(value, at, ["path", "title", "description", "category", "fps", "frameCount", "durationMs"]);
  if (o === undefined) return undefined;
  let path: string | undefined;
  const rawPath = c.string(o["path"], `${at}.path`);
  if (rawPath !== undefined) {
    const checked = checkMediaPath(rawPath);
    path = checked.ok ? checked.path : c.fail(`${at}.path`, checked.reason);
  }
  const title = c.string(o["title"], `${at}.title`);
  const description = c.string(o["description"], `${at}.description`, true);
  const category = c.string(o["category"], `${at}.category`, true);
  const fps = c.rational(o["fps"], `${at}.fps`);
  const hasFrames = o["frameCount"] !== undefined;
  const hasDuration = o["durationMs"] !== undefined;
  let frameCount: number | undefined;
  let durationMs: number | undefined;
  if (hasFrames === hasDuration) {
    c.fail(at, hasFrames ? `give "frameCount" or "durationMs", not both` : `needs "frameCount" or "durationMs"`);
  } else if (hasFrames) {
    frameCount = c.positiveInteger(o["frameCount"], `${at}.frameCount`);
    if (frameCount !== undefined && fps !== undefined) {
      durationMs = Math.round((frameCount * 1000 * fps.denominator) / fps.numerator);
      if (durationMs <= 0) c.fail(`${at}.frameCount`, `${frameCount} frames at ${fps.numerator}/${fps.denominator} round to 0 ms`);
    }
  } else {
    durationMs = c.positiveInteger(o["durationMs"], `${at}.durationMs`);
    if (durationMs !== undefined && fps !== undefined) {
      frameCount = Math.floor((durationMs * fps.numerator) / (1000 * fps.denominator));
      if (frameCount <= 0) c.fail(`${at}.durationMs`, `${durationMs} ms is shorter than one frame at ${fps.numerator}/${fps.denominator}`);
    }
  }
  if (path === undefined || title === undefined || fps === undefined || !frameCount || !durationMs || frameCount <= 0 || durationMs <= 0) {
    return undefined;
  }
  return {
    path,
    title,
    fps,
    frameCount,
    durationMs,
    ...(description !== undefined ? { description } : {}),
    ...(category !== undefined ? { category } : {}),
  };
}

function parseChannel(c: Checker, value: unknown, at: string): LineupChannel | undefined {
  const o = c.object(value, at, ["number", "name", "group", "logo", "fallback", "programFormat", "playlist"]);
  if (o === undefined) return undefined;
  const number = c.positiveInteger(o["number"], `${at}.number`, MAX_CHANNEL_NUMBER);
  const name = c.string(o["name"], `${at}.name`);
  const group = c.string(o["group"], `${at}.group`, true);
  const logo = c.string(o["logo"], `${at}.logo`, true);
  const fallback = parseFallback(c, o["fallback"], `${at}.fallback`);
  const programFormat = parseProgramFormat(c, o["programFormat"], `${at}.programFormat`);
  const items = c.array(o["playlist"], `${at}.playlist`);
  const playlist = items?.map((item, i) => parseAsset(c, item, `${at}.playlist[${i}]`));
  if (number === undefined || name === undefined || programFormat === undefined || playlist === undefined) return undefined;
  const assets = playlist.filter((a): a is LineupAsset => a !== undefined);
  if (assets.length !== playlist.length) return undefined;
  return {
    number,
    name,
    programFormat,
    playlist: assets,
    cycleMs: assets.reduce((sum, a) => sum + a.durationMs, 0),
    ...(group !== undefined ? { group } : {}),
    ...(logo !== undefined ? { logo } : {}),
    ...(fallback !== undefined ? { fallback } : {}),
  };
}

/** The optional fallback clip: a media path checked like a playlist item's. */
function parseFallback(c: Checker, value: unknown, at: string): string | undefined {
  const raw = c.string(value, at, true);
  if (raw === undefined) return undefined;
  const checked = checkMediaPath(raw);
  return checked.ok ? checked.path : c.fail(at, checked.reason);
}

/**
 * Validates a parsed lineup document (CONTRACTS.md section A) and returns it typed.
 * Throws {@link LineupError} listing every problem: unknown fields, bad frame rates,
 * zero/negative/missing durations, duplicate channel numbers, asset paths that escape
 * the media root, wrong types. `source` names the file in the error.
 */
export function parseLineup(document: unknown, source?: string): Lineup {
  const c = new Checker();
  const root = c.object(document, "$", ["version", "anchor", "mediaRoot", "channels"]);
  if (root === undefined) throw new LineupError(c.issues, source);
  if (root["version"] !== 1) c.fail("version", `unsupported version ${JSON.stringify(root["version"])}: expected 1`);
  const anchor = c.string(root["anchor"], "anchor");
  let anchorMs: number | undefined;
  if (anchor !== undefined) {
    anchorMs = ISO_UTC.test(anchor) ? Date.parse(anchor) : Number.NaN;
    if (!Number.isFinite(anchorMs)) {
      anchorMs = c.fail("anchor", `bad anchor ${JSON.stringify(anchor)}: expected an ISO UTC instant like "2026-01-01T00:00:00Z"`);
    }
  }
  const mediaRoot = root["mediaRoot"] === undefined ? "." : c.string(root["mediaRoot"], "mediaRoot");
  const items = c.array(root["channels"], "channels");
  const channels = items?.map((item, i) => parseChannel(c, item, `channels[${i}]`)) ?? [];
  const seen = new Map<number, number>();
  items?.forEach((item, i) => {
    const n = (item as Json | null)?.["number"];
    if (typeof n !== "number") return;
    const first = seen.get(n);
    if (first !== undefined) c.fail(`channels[${i}].number`, `duplicate channel number ${n} (also channels[${first}])`);
    else seen.set(n, i);
  });
  if (c.issues.length > 0 || anchor === undefined || anchorMs === undefined || mediaRoot === undefined) {
    throw new LineupError(c.issues, source);
  }
  return { version: 1, anchor, anchorMs, mediaRoot, channels: channels as LineupChannel[] };
}

/** Parses JSON text, then {@link parseLineup}. A syntax error is a LineupError at "$". */
export function parseLineupJson(text: string, source?: string): Lineup {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new LineupError([{ location: "$", message: `not valid JSON: ${(error as Error).message}` }], source, { cause: error });
  }
  return parseLineup(document, source);
}
