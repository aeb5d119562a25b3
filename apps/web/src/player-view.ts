import { fetchGuide, type GuideChannel } from "./api.js";
import { channelBadge } from "./channel-badge.js";
import { h, replaceChildren } from "./dom.js";
import { clockTime } from "./format.js";
import { nowAndNext, stepChannel } from "./guide-layout.js";
import { playHls, type Playback } from "./hls-playback.js";

/**
 * The player: plays `channel` over HLS with its programme title, channel up/down
 * (buttons, PageUp/PageDown, arrow keys) and the lineup beside it. The `<video>` gets
 * `data-channel` and, once a frame shows, `data-first-frame-ms` (time from choosing the
 * channel to its first frame), which the browser tests read.
 */
export function mountPlayer(root: HTMLElement, channel: number | undefined, go: (hash: string) => void): () => void {
  const chosenAt = performance.now();
  const video = h("video", { id: "player", controls: true, playsinline: true, autoplay: true });
  const title = h("h1", { id: "programme-title" }, "…");
  const subtitle = h("p", { class: "subtitle", id: "programme-next" });
  const status = h("p", { class: "status", id: "player-status" }, channel === undefined ? "" : `Tuning in to channel ${channel}…`);
  const list = h("ul", { class: "channel-list" });
  const up = h("button", { id: "channel-up", title: "Channel up (PageUp)" }, "Ch ▲");
  const down = h("button", { id: "channel-down", title: "Channel down (PageDown)" }, "Ch ▼");
  replaceChildren(
    root,
    h(
      "section",
      { class: "player" },
      h("div", { class: "screen" }, video, h("div", { class: "controls" }, down, up, status), title, subtitle),
      h("aside", {}, h("h2", {}, "Channels"), list),
    ),
  );

  let channels: readonly GuideChannel[] = [];
  let playback: Playback | undefined;
  let disposed = false;
  const step = (direction: 1 | -1): void => {
    if (channel === undefined) return;
    const target = stepChannel(channels.map((c) => c.number), channel, direction);
    if (target !== undefined) go(`#/watch/${target}`);
  };
  up.addEventListener("click", () => step(1));
  down.addEventListener("click", () => step(-1));
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === "PageUp" || event.key === "ArrowUp") step(1);
    else if (event.key === "PageDown" || event.key === "ArrowDown") step(-1);
    else return;
    event.preventDefault();
  };
  window.addEventListener("keydown", onKey);

  if (channel !== undefined) {
    video.dataset.channel = String(channel);
    playback = playHls(video, `/channels/${channel}/stream.m3u8`, (message) => {
      status.textContent = message;
    });
    const firstFrame = (): void => {
      const ms = Math.round(performance.now() - chosenAt);
      video.dataset.firstFrameMs = String(ms);
      status.textContent = `On air (first picture after ${(ms / 1000).toFixed(1)} s)`;
    };
    // The first decoded frame on screen where the browser can tell, else the first 'playing'.
    if (typeof video.requestVideoFrameCallback === "function") video.requestVideoFrameCallback(() => firstFrame());
    else (video as HTMLVideoElement).addEventListener("playing", firstFrame, { once: true });
  } else {
    title.textContent = "Pick a channel";
  }

  async function refresh(): Promise<void> {
    try {
      const guide = await fetchGuide(30, 0);
      if (disposed) return;
      channels = guide.channels;
      if (channel === undefined && channels[0] !== undefined) {
        go(`#/watch/${channels[0].number}`);
        return;
      }
      const current = channels.find((c) => c.number === channel);
      if (current !== undefined) {
        const { now, next } = nowAndNext(current.programmes, guide.nowMs);
        title.textContent = `${current.number} ${current.name} — ${now?.title ?? "…"}`;
        subtitle.textContent = next ? `Next at ${clockTime(next.startMs, true)}: ${next.title}` : "";
      }
      replaceChildren(
        list,
        ...channels.map((c) =>
          h(
            "li",
            { class: c.number === channel ? "current" : undefined },
            h("a", { href: `#/watch/${c.number}` }, channelBadge(c), h("span", {}, `${c.number} ${c.name}`), h("span", { class: `state state-${c.state}` }, c.state)),
          ),
        ),
      );
    } catch (error) {
      status.textContent = `The lineup could not be loaded: ${(error as Error).message}`;
    }
  }
  void refresh();
  const timer = window.setInterval(() => void refresh(), 5_000);
  return () => {
    disposed = true;
    window.clearInterval(timer);
    window.removeEventListener("keydown", onKey);
    playback?.stop();
  };
}
