import { afterEach, describe, expect, it } from "vitest";
import { GUIDE_ROUTE_TABLE } from "../../src/index.js";
import { startFullServer } from "../support/full-server.js";
import { cleanupTempDirs, closeTracked } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

describe("guide routes mounted on the server", () => {
  it("serves the playlist, XMLTV guide and HDHomeRun endpoints, with TunerCount = the tuner budget", async () => {
    const { url, server } = await startFullServer(["--max-tuners", "3"]);
    for (const r of GUIDE_ROUTE_TABLE) expect(server.routes.some((m) => m.method === r.method && m.path === r.path)).toBe(true);

    const m3u = await fetch(`${url}/playlist.m3u`);
    expect(m3u.status).toBe(200);
    const playlist = await m3u.text();
    expect(playlist.startsWith("#EXTM3U")).toBe(true);
    for (const n of [1, 2, 3, 4]) expect(playlist).toContain(`${url}/channels/${n}/stream.ts`);

    const discover = (await (await fetch(`${url}/discover.json`)).json()) as Record<string, unknown>;
    expect(discover).toMatchObject({ TunerCount: 3, BaseURL: url, LineupURL: `${url}/lineup.json` });
    const lineup = (await (await fetch(`${url}/lineup.json`)).json()) as Array<Record<string, unknown>>;
    expect(lineup.map((c) => c.URL)).toEqual([1, 2, 3, 4].map((n) => `${url}/channels/${n}/stream.ts`));
    expect((await fetch(`${url}/lineup_status.json`)).status).toBe(200);
    expect((await fetch(`${url}/device.xml`)).headers.get("content-type")).toContain("xml");

    const guide = await fetch(`${url}/guide.xml?hours=2`);
    expect(guide.status).toBe(200);
    expect(await guide.text()).toContain('<channel id="1.retrovue">');
    const head = await fetch(`${url}/guide.xml`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${url}/guide.xml?hours=nope`)).status).toBe(400);
    expect((await fetch(`${url}/lineup.post?scan=start`, { method: "POST" })).status).toBe(200);
  });
});
