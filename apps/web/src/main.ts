import "./style.css";
import { clockTime } from "./format.js";
import { mountGuide } from "./guide-view.js";
import { mountOperator } from "./operator-view.js";
import { mountPlayer } from "./player-view.js";

// Hash routes (#/, #/watch/3, #/operator): the server serves one index.html at "/".
const app = document.getElementById("app") as HTMLElement;
const clock = document.getElementById("clock") as HTMLElement;
let unmount: () => void = () => {};

function route(): void {
  unmount();
  const hash = location.hash.replace(/^#/, "") || "/";
  const watch = /^\/watch(?:\/(\d{1,9}))?$/.exec(hash);
  let view = "guide";
  if (watch !== null) {
    view = "watch";
    unmount = mountPlayer(app, watch[1] === undefined ? undefined : Number(watch[1]), (next) => {
      location.hash = next;
    });
  } else if (hash === "/operator") {
    view = "operator";
    unmount = mountOperator(app);
  } else {
    unmount = mountGuide(app);
  }
  for (const link of document.querySelectorAll<HTMLAnchorElement>("[data-nav]")) link.classList.toggle("active", link.dataset.nav === view);
}

window.addEventListener("hashchange", route);
route();
const tick = (): void => {
  clock.textContent = clockTime(Date.now(), true);
};
tick();
window.setInterval(tick, 1_000);
