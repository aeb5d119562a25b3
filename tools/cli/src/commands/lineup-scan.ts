import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { parseLineup } from "@retrovue/core-runtime";
import { CliError, EXIT } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { MediaProbeError, probeMedia, type MediaProbe } from "../probe-media.js";
import { renderTable } from "../table.js";

/** Options of `retrovue lineup scan`. */
export interface LineupScanOptions {
  /** Output file; "-" = stdout. Default `<dir>/lineup.json`. */
  readonly out?: string;
  readonly force: boolean;
  /** ISO UTC anchor; default the start of today (UTC). */
  readonly anchor?: string;
  readonly json: boolean;
  /** ffprobe executable (default `FFPROBE` or `ffprobe`). */
  readonly ffprobe?: string;
}

/** One file's scan result. */
interface Scanned {
  readonly path: string;
  readonly probe?: MediaProbe;
  readonly error?: string;
}

// Stills are media to ffprobe but not programmes: a one-frame "video" the engine would hold.
const IMAGE_FORMATS = /(^|,)(image2|png_pipe|jpeg_pipe|gif|webp_pipe|bmp_pipe|svg_pipe|tiff_pipe)(,|$)/;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile() && !entry.name.endsWith(".json")) out.push(full);
  }
  return out;
}

// The server's default preload lead is 7 s: items shorter than that (plus a margin) cannot all be honoured.
const SHORT_ITEM_SECONDS = 10;

function itemSeconds(item: Scanned): number {
  const video = item.probe?.video;
  if (video === undefined) return 0;
  const [num, den] = video.fps.split("/").map(Number);
  return (video.frameCount * (den ?? 1)) / (num ?? 1);
}

function titleOf(file: string): string {
  const name = basename(file, extname(file)).replace(/[_-]+/g, " ").trim();
  return name === "" ? basename(file) : name.charAt(0).toUpperCase() + name.slice(1);
}

async function scanFile(root: string, file: string, ffprobe: string | undefined): Promise<Scanned> {
  const path = relative(root, file).split(sep).join("/");
  try {
    const probe = await probeMedia(file, ffprobe);
    if (IMAGE_FORMATS.test(probe.formatName)) return { path, probe, error: `a still image (${probe.formatName}), not a programme` };
    if (probe.video === undefined) return { path, probe, error: "no video stream with a frame rate: the engine plays video" };
    if (probe.video.frameCount <= 0) return { path, probe, error: "no video frames found" };
    return { path, probe };
  } catch (error) {
    if (error instanceof MediaProbeError) return { path, error: error.message };
    throw error;
  }
}

/**
 * `retrovue lineup scan DIR`: probes every file under DIR with ffprobe and writes a lineup
 * (contract A) an operator can edit: one channel for the files directly in DIR and one per
 * sub-folder, numbered from 1 in name order, each item with its probed `fps` and
 * `frameCount`, titles from the file names, the channel's programme format from its first
 * item. Files the engine cannot play are listed as errors and left out.
 * Exit: 0 all files used; 1 some skipped (the rest written) or nothing playable (nothing written).
 */
export async function lineupScanCommand(dirArg: string, options: LineupScanOptions, io: CliIo): Promise<number> {
  const root = resolve(io.cwd, dirArg);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`${root} is not a directory`, EXIT.failed);
  const scanned: Scanned[] = [];
  for (const file of listFiles(root)) scanned.push(await scanFile(root, file, options.ffprobe));

  const groups = new Map<string, Scanned[]>();
  for (const item of scanned) {
    if (item.error !== undefined) continue;
    const folder = item.path.includes("/") ? item.path.slice(0, item.path.indexOf("/")) : "";
    groups.set(folder, [...(groups.get(folder) ?? []), item]);
  }
  const folders = [...groups.keys()].sort((a, b) => a.localeCompare(b));
  const channels = folders.map((folder, i) => {
    const items = groups.get(folder)!;
    const first = items[0]!.probe!;
    const audio = items.find((it) => it.probe?.audio !== undefined)?.probe?.audio;
    return {
      number: i + 1,
      name: folder === "" ? titleOf(root) : titleOf(folder),
      group: "Scanned",
      programFormat: {
        video: { width: first.video!.width, height: first.video!.height, frameRate: first.video!.fps },
        audio: { sampleRate: audio?.sampleRate || 48_000, channels: audio?.channels || 2 },
      },
      playlist: items.map((it) => ({ path: it.path, title: titleOf(it.path), fps: it.probe!.video!.fps, frameCount: it.probe!.video!.frameCount })),
    };
  });

  const report = scanned.map((s) => [
    s.path, s.probe?.formatName, s.probe?.video?.codec, s.probe?.audio?.codec, s.probe?.video?.fps, s.probe?.video?.frameCount,
    s.error === undefined ? "ok" : `skipped: ${s.error}`,
  ]);
  const skipped = scanned.filter((s) => s.error !== undefined);
  for (const s of skipped) io.err(`retrovue: skipped ${s.path}: ${s.error}\n`);
  const short = scanned.filter((s) => s.error === undefined && itemSeconds(s) < SHORT_ITEM_SECONDS);
  if (short.length > 0) {
    io.err(
      `retrovue: note: ${short.length} item(s) are shorter than ${SHORT_ITEM_SECONDS} s (e.g. ${short[0]!.path}, ${itemSeconds(short[0]!).toFixed(1)} s); ` +
        "the server preloads each item 7 s ahead by default, so it skips boundaries that come faster than that\n",
    );
  }

  if (channels.length === 0) {
    if (options.json) io.out(`${JSON.stringify({ written: null, files: scanned }, null, 2)}\n`);
    else io.out(renderTable(["file", "format", "video", "audio", "fps", "frames", "result"], report));
    io.err(`retrovue: no playable media under ${root}; nothing written\n`);
    return EXIT.failed;
  }

  const outPath = options.out === "-" ? undefined : resolve(io.cwd, options.out ?? join(dirArg, "lineup.json"));
  const mediaRoot = outPath === undefined ? root : relative(dirname(outPath), root).split(sep).join("/") || ".";
  const anchor = options.anchor ?? `${new Date().toISOString().slice(0, 10)}T00:00:00Z`;
  const document = { version: 1, anchor, mediaRoot, channels };
  // What we write must be what the server accepts: parse it with the server's own parser first.
  parseLineup(document, outPath ?? "stdout");
  const text = `${JSON.stringify(document, null, 2)}\n`;

  if (outPath === undefined) {
    io.out(text);
  } else {
    if (existsSync(outPath) && !options.force) throw new CliError(`${outPath} exists: pass --force to overwrite it`, EXIT.failed);
    writeFileSync(outPath, text);
    if (options.json) io.out(`${JSON.stringify({ written: outPath, channels: channels.length, files: scanned }, null, 2)}\n`);
    else {
      io.out(renderTable(["file", "format", "video", "audio", "fps", "frames", "result"], report));
      io.out(`wrote ${outPath}: ${channels.length} channel(s), ${scanned.length - skipped.length} item(s)\n`);
    }
  }
  return skipped.length > 0 ? EXIT.failed : EXIT.ok;
}
