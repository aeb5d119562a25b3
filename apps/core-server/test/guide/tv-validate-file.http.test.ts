import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer } from "../../src/index.js";
import { renderXmltv } from "../../src/guide/index.js";
import { XMLTV_SUPPLEMENT_DIR, requireTool, runTool } from "../support/debian-tool.js";
import { captureLogger, cleanupTempDirs, closeTracked, makeTempDir, testConfig, track } from "../support/test-server.js";
import { sampleLineup } from "./lineup-fixture.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

/** Runs Debian's `tv_validate_file` (xmltv-util) on `xml`, offline (the packaged DTD). */
async function tvValidate(xml: string): Promise<{ code: number | null; output: string }> {
  const tool = requireTool("tv_validate_file", "xmltv-util");
  if (!existsSync(join(XMLTV_SUPPLEMENT_DIR, "xmltv.dtd"))) {
    throw new Error(`${XMLTV_SUPPLEMENT_DIR}/xmltv.dtd is missing: reinstall the Debian package libxmltv-perl`);
  }
  const file = join(makeTempDir(), "guide.xml");
  writeFileSync(file, xml);
  const previous = process.env["XMLTV_SUPPLEMENT"];
  process.env["XMLTV_SUPPLEMENT"] = XMLTV_SUPPLEMENT_DIR;
  try {
    const run = await runTool(tool, [file]);
    return { code: run.code, output: `${run.stdout}${run.stderr}`.trim() };
  } finally {
    if (previous === undefined) delete process.env["XMLTV_SUPPLEMENT"];
    else process.env["XMLTV_SUPPLEMENT"] = previous;
  }
}

// Real servers and third-party tools (perl, Go binaries) on a loaded 2-core machine: generous bound.
describe("the XMLTV guide under tv_validate_file (Debian package xmltv-util)", { timeout: 60_000 }, () => {
  it("validates the server's guide for the sample lineup, ids matching the M3U tvg-ids", async () => {
    const { logger } = captureLogger();
    const server = track(createCoreServer(testConfig(), { logger }));
    const { url } = await server.listen();
    const xml = await (await fetch(`${url}/guide.xml`)).text();
    expect(await tvValidate(xml)).toEqual({ code: 0, output: "Validated ok." });

    const m3u = await (await fetch(`${url}/playlist.m3u`)).text();
    const tvgIds = [...m3u.matchAll(/tvg-id="([^"]*)"/g)].map((m) => m[1]);
    const channelIds = [...xml.matchAll(/<channel id="([^"]*)">/g)].map((m) => m[1]);
    expect(tvgIds).toEqual(["1.retrovue", "2.retrovue", "3.retrovue", "4.retrovue"]);
    expect(channelIds).toEqual(tvgIds);
  });

  it("validates a guide with hostile names, logos and descriptions", async () => {
    const lineup = sampleLineup();
    const fromMs = Date.parse("2026-01-01T00:10:00Z");
    const xml = renderXmltv({ channels: lineup.channels, schedule: lineup.schedule, fromMs, toMs: fromMs + 6 * 3_600_000, baseUrl: "http://tv.example:8000" });
    expect(await tvValidate(xml)).toEqual({ code: 0, output: "Validated ok." });
  });

  it("rejects a bare-number channel id, so the check above can fail", async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n  <channel id="1">\n    <display-name>One</display-name>\n  </channel>\n</tv>\n';
    const result = await tvValidate(xml);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain("Invalid channel-id '1'");
  });
});
