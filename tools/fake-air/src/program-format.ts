/** The program format a StartChannel carries in `program_format_json`. */
export interface ProgramFormatJson {
  video: { width: number; height: number; frame_rate: string };
  audio: { sample_rate: number; channels: number };
}

/**
 * Parses and checks `program_format_json` as the real engine does: every number > 0 and
 * `frame_rate` as "N/D" with N, D > 0. Returns the format or an error message.
 */
export function parseProgramFormatJson(text: string): { ok: true; format: ProgramFormatJson } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: false, message: "program_format_json is required" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `program_format_json is not JSON: ${(error as Error).message}` };
  }
  const obj = raw as { video?: Record<string, unknown>; audio?: Record<string, unknown> } | null;
  if (typeof obj !== "object" || obj === null) return { ok: false, message: "program_format_json must be an object" };
  const { video, audio } = obj;
  if (typeof video !== "object" || video === null) return { ok: false, message: "program_format_json.video is required" };
  if (typeof audio !== "object" || audio === null) return { ok: false, message: "program_format_json.audio is required" };
  for (const [name, value] of [
    ["video.width", video.width],
    ["video.height", video.height],
    ["audio.sample_rate", audio.sample_rate],
    ["audio.channels", audio.channels],
  ] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      return { ok: false, message: `program_format_json.${name} must be a number > 0` };
    }
  }
  const rate = video.frame_rate;
  const match = typeof rate === "string" ? /^(\d+)\/(\d+)$/.exec(rate) : null;
  if (match === null || Number(match[1]) <= 0 || Number(match[2]) <= 0) {
    return { ok: false, message: 'program_format_json.video.frame_rate must be "N/D" with N, D > 0' };
  }
  return { ok: true, format: raw as ProgramFormatJson };
}
