import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium (`apt-get install -y chromium`); `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Where the browser tests leave their screenshots (kept after the run; git-ignored). */
export const SCREENSHOT_DIR = new URL("../../.test-results/screenshots/", import.meta.url).pathname;

/**
 * Launches headless Chromium the way this machine allows: no sandbox (root), no GPU, and
 * none of the background connections a closed network refuses. Playwright gives it a
 * fresh temporary profile. Fails with an install hint when Chromium is missing: a
 * browser test that cannot run must not pass.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH. The browser tests cannot run without it.`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/** `<SCREENSHOT_DIR>/<name>.png`. */
export const screenshotPath = (name: string): string => join(SCREENSHOT_DIR, `${name}.png`);
