/** `14:05` in the viewer's time zone. */
export function clockTime(ms: number, withSeconds = false): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ""}`;
}

/** A duration as `1:05`, `12 s` or `2 h 03 min`, never negative. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/** How far an instant is from now: `in 8 s`, `3 s ago`. */
export function relative(atMs: number, nowMs: number): string {
  const delta = atMs - nowMs;
  return delta >= 0 ? `in ${duration(delta)}` : `${duration(-delta)} ago`;
}

/** Up to two letters that stand for a channel without a logo: "RetroVue One" → "RO". */
export function monogram(name: string): string {
  const words = name.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  const letters = words.length >= 2 ? [words[0], words[1]] : [words[0] ?? "?"];
  return letters.map((w) => Array.from(w ?? "?")[0]?.toUpperCase() ?? "?").join("");
}

/** A stable hue (0–359) for a channel number, so its badge keeps its colour. */
export function channelHue(channel: number): number {
  return (channel * 137) % 360;
}
