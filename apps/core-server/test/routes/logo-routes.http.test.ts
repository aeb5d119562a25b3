import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer, loadServerLineup, sampleLineupPath } from "../../src/index.js";
import { configErrorOf } from "../support/config-error-of.js";
import { captureLogger, cleanupTempDirs, closeTracked, makeTempDir, testConfig, track } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

const mediaRoot = join(sampleLineupPath(), "..", "..", "media");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function start(): Promise<string> {
  const { logger } = captureLogger();
  const server = track(createCoreServer(testConfig(), { logger }));
  return (await server.listen()).url;
}

// Real servers and third-party tools (perl, Go binaries) on a loaded 2-core machine: generous bound.
describe("channel logos", { timeout: 60_000 }, () => {
  it("serves each sample channel's logo file at /logos/{n}.png with a content type, cache headers and an ETag", async () => {
    const url = await start();
    for (const n of [1, 2, 3, 4]) {
      const res = await fetch(`${url}/logos/${n}.png`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect(res.headers.get("cache-control")).toBe("public, max-age=3600");
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(body).toEqual(readFileSync(join(mediaRoot, "logos", `ch${n}.png`)));
      const etag = res.headers.get("etag");
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      const again = await fetch(`${url}/logos/${n}.png`, { headers: { "If-None-Match": etag ?? "" } });
      expect(again.status).toBe(304);
    }
    const head = await fetch(`${url}/logos/1.png`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("image/png");
  });

  it("answers 404 problems for an unknown channel, a wrong extension and a path outside the table", async () => {
    const url = await start();
    for (const path of ["/logos/9.png", "/logos/1.jpg", "/logos/..%2Flineup.json", "/logos/ch1.png"]) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toBe("application/problem+json");
    }
  });

  it("announces the logo URL in the M3U (tvg-logo), the XMLTV guide (<icon src>) and /channels", async () => {
    const url = await start();
    const m3u = await (await fetch(`${url}/playlist.m3u`)).text();
    const xml = await (await fetch(`${url}/guide.xml`)).text();
    const { channels } = (await (await fetch(`${url}/channels`)).json()) as { channels: Array<{ number: number; logo?: string }> };
    for (const n of [1, 2, 3, 4]) {
      const logo = `${url}/logos/${n}.png`;
      expect(m3u).toContain(`tvg-id="${n}.retrovue"`);
      expect(m3u).toMatch(new RegExp(`tvg-id="${n}\\.retrovue"[^\\n]*tvg-logo="${logo}"`));
      expect(xml).toMatch(new RegExp(`<channel id="${n}\\.retrovue">[^]*?<icon src="${logo}"/>[^]*?</channel>`));
      expect(channels.find((c) => c.number === n)?.logo).toBe(logo);
    }
  });

  it("refuses at start a lineup whose logo file is missing, escapes the media root or is not an image", () => {
    const sample = JSON.parse(readFileSync(sampleLineupPath(), "utf8")) as { channels: Array<Record<string, unknown>> } & Record<string, unknown>;
    const document = {
      ...sample,
      mediaRoot,
      channels: sample.channels.map((c, i) => ({ ...c, logo: ["logos/none.png", "../lineup/sample-lineup.json", "ch1/bars.ts", "https://cdn.example/x.png"][i] })),
    };
    const file = join(makeTempDir(), "lineup.json");
    writeFileSync(file, JSON.stringify(document));
    const error = configErrorOf(() => loadServerLineup(file));
    expect(error.problems.map((p) => p.message)).toEqual([
      `channels[0].logo: no such logo file ${join(mediaRoot, "logos", "none.png")}`,
      `channels[1].logo: "../lineup/sample-lineup.json" escapes the media root`,
      `channels[2].logo: "ch1/bars.ts" is not an image the server serves (.png, .jpg, .jpeg, .gif, .webp)`,
    ]);
  });
});
