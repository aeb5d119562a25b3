import { writeFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, eventually, startFullServer, type FullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";
import { launchChromium, SCREENSHOT_DIR, screenshotPath } from "./browser.js";

// End to end in a real browser: the built web app (@retrovue/web's dist/, built by
// `pnpm build` before the tests) served by a real server with the embedded fake engine.
let s: FullServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startFullServer(["--hls-viewer-idle-ms", "4000"]);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await closeTracked();
  cleanupTempDirs();
});

/** Takes a screenshot whatever the outcome of `step`, so a failure can be seen. */
async function withScreenshot<T>(name: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } finally {
    await page.screenshot({ path: screenshotPath(name) }).catch(() => undefined);
  }
}

describe("the web app in Chromium", () => {
  it("serves the app with the right types and caching: index.html revalidated, hashed assets immutable", async () => {
    const index = await fetch(`${s.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(index.headers.get("cache-control")).toBe("no-cache");
    const html = await index.text();
    const assets = [...html.matchAll(/\/assets\/([\w.-]+\.(?:js|css))/g)].map((m) => m[1]);
    expect(assets.some((a) => a?.endsWith(".js"))).toBe(true);
    expect(assets.some((a) => a?.endsWith(".css"))).toBe(true);
    for (const asset of assets) {
      const res = await fetch(`${s.url}/assets/${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("content-type")).toBe(asset?.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
    }
    // No CDN: nothing the page loads comes from another origin.
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${s.url}/assets/..%2Fpackage.json`)).status).toBe(404);
  });

  it("the guide lists the sample channels with now/next and a time grid", async () => {
    await withScreenshot("guide", async () => {
      await page.goto(`${s.url}/`);
      await page.waitForSelector("#guide-grid .row[data-channel]");
      const names = await page.locator("#guide-grid .row[data-channel] .chan-name").allTextContents();
      expect(names).toEqual(s.server.lineup.lineup.channels.map((c) => `${c.number} ${c.name}`));
      const nowNext = await page.textContent("#guide-grid .row[data-channel='1'] .now-next");
      expect(nowNext).toMatch(/^Now: .+ · Next \d\d:\d\d:\d\d: .+/);
      expect(await page.locator("#guide-grid .row[data-channel='1'] .prog").count()).toBeGreaterThan(3);
      expect(await page.locator("#guide-grid .row[data-channel] .prog.on-air").count()).toBe(4);
    });
  }, 30_000);

  it("clicking a channel plays it over HLS in the page (currentTime advances ≥ 3 s); channel up changes channel", async () => {
    await withScreenshot("player", async () => {
      await page.click("#guide-grid .row[data-channel='1'] a.chan");
      // A live stream starts at its segments' media time, not 0: measure the advance from the first frame.
      await page.waitForSelector("#player[data-first-frame-ms]", { timeout: 45_000 });
      const firstFrameMs = Number(await page.getAttribute("#player", "data-first-frame-ms"));
      // Predicates run in the page (strings: this package's types have no DOM).
      const startS = Number(await page.evaluate("document.querySelector('#player').currentTime"));
      await page.waitForFunction(`document.querySelector('#player').currentTime >= ${startS + 3}`, null, { timeout: 30_000 });
      const endS = Number(await page.evaluate("document.querySelector('#player').currentTime"));
      expect(firstFrameMs).toBeGreaterThan(0);
      expect(endS - startS).toBeGreaterThanOrEqual(3);
      expect(await page.textContent("#programme-title")).toMatch(/^1 RetroVue One — .+/);
      writeFileSync(`${SCREENSHOT_DIR}/player-metrics.json`, JSON.stringify({ clickToFirstFrameMs: firstFrameMs, currentTimeAtFirstFrameS: startS, currentTimeAfterS: endS }, null, 2));
      console.log(`click → first frame: ${firstFrameMs} ms; currentTime ${startS.toFixed(2)} → ${endS.toFixed(2)} s`);
      expect(s.director.channelSnapshots().find((c) => c.channelNumber === 1)?.viewers).toBe(1);
    });
    await withScreenshot("player-channel-up", async () => {
      await page.click("#channel-up");
      await page.waitForSelector("#player[data-channel='2']");
      expect(page.url()).toMatch(/#\/watch\/2$/);
      await page.locator("#programme-title", { hasText: /^2 Pattern Two — / }).waitFor();
    });
    await page.goto(`${s.url}/#/`);
  }, 90_000);

  it("the operator view refuses a wrong admin token", async () => {
    await withScreenshot("operator-refused", async () => {
      await page.goto(`${s.url}/#/operator`);
      await page.fill("#admin-token", "not-the-token-0000000000");
      await page.click("#signin button[type=submit]");
      await page.locator("#signin-error", { hasText: "refused" }).waitFor();
      expect(await page.$("#operator-channels")).toBeNull();
    });
  }, 30_000);

  it("the operator view shows a channel LIVE with its viewers, 'stop' takes it to idle, and a session can be terminated", async () => {
    // A viewer outside the browser keeps channel 3 playing.
    const viewer = new AbortController();
    const stream = await fetch(`${s.url}/channels/3/stream.ts`, { signal: viewer.signal });
    const reader = stream.body!.getReader();
    const drain = (async () => {
      for (;;) if ((await reader.read().catch(() => ({ done: true }))).done) return;
    })();
    const session = await createSession(s.url, { owner: "device:browser-test" });
    await eventually("channel 3 to be LIVE", () => s.director.channelSnapshots().some((c) => c.channelNumber === 3 && c.isLive), 20_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; channel 3 log: ${JSON.stringify(s.logLines.filter((l) => l.channel === 3).slice(-8))}`);
    });
    try {
      await withScreenshot("operator", async () => {
        await page.fill("#admin-token", s.adminToken);
        await page.click("#signin button[type=submit]");
        const row = "#operator-channels tr[data-channel='3']";
        await page.waitForSelector(`${row}[data-state='live']`, { timeout: 30_000 });
        const cells = await page.locator(`${row} td`).allTextContents();
        expect(cells.slice(0, 6)).toEqual(["3", "Fractal Three", "live", "LIVE", "running", "1"]);
        await page.waitForSelector(`#operator-sessions tr[data-session='${session.id}']`, { timeout: 10_000 });
        await page.locator("#audit-feed li", { hasText: session.id.slice(0, 8) }).first().waitFor();
      });
      await withScreenshot("operator-stopped", async () => {
        await page.click("#operator-channels tr[data-channel='3'] button.stop");
        await page.waitForSelector("#operator-channels tr[data-channel='3'][data-state='idle']", { timeout: 20_000 });
        await eventually("channel 3 to have no session", () => !s.director.channelSnapshots().some((c) => c.channelNumber === 3), 5_000);
        await page.click(`#operator-sessions tr[data-session='${session.id}'] button.terminate`);
        // It leaves the "live" list; the "terminated" filter shows it with its reason.
        await page.locator(`#operator-sessions tr[data-session='${session.id}']`).waitFor({ state: "detached", timeout: 10_000 });
        await page.selectOption("#session-state", "terminated");
        await page.locator(`#operator-sessions tr[data-session='${session.id}']`, { hasText: "admin_terminated by operator:admin" }).waitFor({ timeout: 10_000 });
        await page.locator("#audit-feed li", { hasText: "terminated" }).first().waitFor();
        expect(s.governance.sessions.get(session.id)?.termination?.reason).toBe("admin_terminated");
      });
    } finally {
      viewer.abort();
      await drain;
    }
  }, 90_000);
});
