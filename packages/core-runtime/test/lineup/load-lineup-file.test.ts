import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LineupError, createLineupSchedule, loadLineupFile } from "../../src/index.js";
import { validLineupDocument } from "./fixtures.js";

describe("loadLineupFile()", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "lineup-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads, validates and resolves the media root against the file's directory", async () => {
    const file = join(dir, "lineup.json");
    await writeFile(file, JSON.stringify(validLineupDocument()));
    const loaded = await loadLineupFile(file);
    expect(loaded.filePath).toBe(file);
    expect(loaded.mediaRoot).toBe(join(dir, "media"));
    const schedule = createLineupSchedule(loaded.lineup, { mediaRoot: loaded.mediaRoot });
    expect(schedule.segmentAt(1, loaded.lineup.anchorMs).assetPath).toBe(join(dir, "media", "ch1", "bars.ts"));
  });

  it("reports a missing file as a LineupError at $", async () => {
    const error = await loadLineupFile(join(dir, "nope.json")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineupError);
    expect((error as LineupError).location).toBe("$");
    expect((error as LineupError).message).toContain("ENOENT");
  });

  it("reports invalid JSON and invalid content with the file name", async () => {
    const file = join(dir, "bad.json");
    await writeFile(file, "{");
    await expect(loadLineupFile(file)).rejects.toThrow(/bad\.json.*not valid JSON/);
    const doc = validLineupDocument() as Record<string, any>;
    doc.channels[0].playlist[0].path = "../../x.ts";
    await writeFile(file, JSON.stringify(doc));
    await expect(loadLineupFile(file)).rejects.toMatchObject({ location: "channels[0].playlist[0].path", source: file });
  });
});
