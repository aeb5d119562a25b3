import { fetchGuide, type Guide } from "./api.js";
import { channelBadge } from "./channel-badge.js";
import { h, replaceChildren } from "./dom.js";
import { clockTime } from "./format.js";
import { layoutRow, nowAndNext, tickStepMs, timeTicks } from "./guide-layout.js";

const SPANS_MIN = [10, 30, 60, 180];

/**
 * The guide: every channel (logo, number, name, state, viewers, now/next) and a time grid
 * of its programmes from the lineup schedule, with a line at "now". Refreshed every 10 s.
 * A channel or programme opens the player.
 */
export function mountGuide(root: HTMLElement): () => void {
  let span = Number(sessionStorage.getItem("rv.guideSpan") ?? 10);
  if (!SPANS_MIN.includes(span)) span = 10;
  const status = h("p", { class: "status" }, "Loading the guide…");
  const grid = h("div", { class: "grid", id: "guide-grid" });
  const spanSelect = h(
    "select",
    { id: "guide-span", "aria-label": "Time span" },
    ...SPANS_MIN.map((m) => h("option", { value: m, selected: m === span }, `${m} min`)),
  );
  spanSelect.addEventListener("change", () => {
    span = Number(spanSelect.value);
    sessionStorage.setItem("rv.guideSpan", String(span));
    void refresh();
  });
  replaceChildren(root, h("section", { class: "guide" }, h("div", { class: "toolbar" }, h("h1", {}, "Guide"), h("label", {}, "Show ", spanSelect)), status, grid));

  let disposed = false;
  async function refresh(): Promise<void> {
    try {
      const guide = await fetchGuide(span);
      if (disposed) return;
      render(guide);
      status.textContent = "";
    } catch (error) {
      status.textContent = `The guide could not be loaded: ${(error as Error).message}`;
    }
  }

  function render(guide: Guide): void {
    const { fromMs, toMs, nowMs } = guide;
    const ticks = timeTicks(fromMs, toMs, tickStepMs(toMs - fromMs));
    const nowPct = ((nowMs - fromMs) / (toMs - fromMs)) * 100;
    const header = h(
      "div",
      { class: "row header" },
      h("div", { class: "chan" }, "Channel"),
      h("div", { class: "track" }, ...ticks.map((t) => h("span", { class: "tick", style: `left:${t.leftPct}%` }, clockTime(t.atMs)))),
    );
    const rows = guide.channels.map((c) => {
      const { now, next } = nowAndNext(c.programmes, nowMs);
      const blocks = layoutRow(c.programmes, fromMs, toMs, nowMs).map((b) =>
        h(
          "a",
          {
            class: `prog${b.onAir ? " on-air" : ""}${b.clippedStart ? " clipped" : ""}`,
            href: `#/watch/${c.number}`,
            style: `left:${b.leftPct}%;width:${b.widthPct}%`,
            title: `${b.programme.title} ${clockTime(b.programme.startMs, true)}–${clockTime(b.programme.endMs, true)}${b.programme.description ? `\n${b.programme.description}` : ""}`,
          },
          b.programme.title,
        ),
      );
      return h(
        "div",
        { class: "row", dataset: { channel: String(c.number) } },
        h(
          "a",
          { class: "chan", href: `#/watch/${c.number}` },
          channelBadge(c),
          h(
            "span",
            { class: "chan-text" },
            h("span", { class: "chan-name" }, `${c.number} ${c.name}`),
            h("span", { class: "now-next" }, now ? `Now: ${now.title}` : "", next ? ` · Next ${clockTime(next.startMs, true)}: ${next.title}` : ""),
            h("span", { class: `state state-${c.state}` }, c.state, c.viewers > 0 ? ` · ${c.viewers} watching` : ""),
          ),
        ),
        h("div", { class: "track" }, ...blocks, h("span", { class: "now-line", style: `left:${nowPct}%` })),
      );
    });
    replaceChildren(grid, header, ...rows);
  }

  void refresh();
  const timer = window.setInterval(() => void refresh(), 10_000);
  return () => {
    disposed = true;
    window.clearInterval(timer);
  };
}
