import { readdirSync } from "node:fs";
import { connect } from "node:net";
import { PassThrough } from "node:stream";
import { ShuttingDownError } from "@retrovue/core-runtime";
import { afterEach, describe, expect, it } from "vitest";
import type { DirectorComponent } from "../../src/index.js";
import { bearer, createSession, startFullServer } from "../support/full-server.js";
import { TrackingClock } from "../support/tracking-clock.js";
import { destroyOpenStreams, openStream } from "../support/stream-client.js";
import { cleanupTempDirs, closeTracked, makeTempDir } from "../support/test-server.js";

afterEach(async () => {
  destroyOpenStreams();
  await closeTracked();
  cleanupTempDirs();
});

function portAnswers(address: string): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  return new Promise((resolve) => {
    const socket = connect(port, host, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

describe("graceful shutdown (LIFECYCLE.md: stop accepting viewers, tear every channel down, wait up to the grace, force the rest)", () => {
  it("ends open streams, tears every channel down, stops the engine, and leaves no socket, socket file or timer behind; sessions survive", async () => {
    const dataDir = makeTempDir();
    const clock = new TrackingClock();
    const { server, url, director, fakeAir } = await startFullServer(["--session-sweep-interval-ms", "1000"], dataDir, clock);
    const runtimeDir = (server.components.find((c) => c.name === "director") as DirectorComponent).runtimeDir ?? "";
    const s = await createSession(url);
    const governed = await openStream(`${url}/sessions/${s.id}/channels/1/stream.ts`, bearer(s.token));
    const plain = await openStream(`${url}/channels/2/stream.ts`);
    await Promise.all([governed.waitForBytes(188), plain.waitForBytes(188)]);
    expect(director.sessionCount).toBe(2);
    expect(readdirSync(runtimeDir).filter((f) => f.endsWith(".sock")).sort()).toEqual(["ch_1.sock", "ch_2.sock"]);

    await server.close();
    await Promise.all([governed.ended, plain.ended]);
    expect(director.acceptingViewers).toBe(false);
    expect(director.sessionCount).toBe(0);
    expect(director.viewerCount).toBe(0);
    expect(server.openConnections).toBe(0);
    expect(readdirSync(runtimeDir).filter((f) => f.endsWith(".sock"))).toEqual([]);
    expect(await portAnswers(fakeAir.address)).toBe(false);
    // Every timer armed through the server clock (director, channel managers, hubs, governance, sweep) is gone, and none fires later.
    expect(clock.pendingTimers).toBe(0);
    clock.markClosed();
    // Sessions are not terminated by a shutdown: after a restart the same token still works.
    const again = await startFullServer([], dataDir);
    const status = await fetch(`${again.url}/sessions/${s.id}`, { headers: bearer(s.token) });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ state: "live", termination: null });
    await again.server.close();
    // Past the grace and the sweep period: nothing of the first server fired.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(clock.firedAfterClose).toBe(0);
    // Two starts, a shutdown, a restart and a 1.2 s quiet window: past vitest's 5 s default now that viewers start at a keyframe.
  }, 20_000);

  it("refuses new viewers once shutting down (director: ShuttingDownError; HTTP: 503)", async () => {
    const { server, url, director } = await startFullServer();
    const stream = await openStream(`${url}/channels/1/stream.ts`);
    await stream.waitForBytes(188);
    const closing = server.close();
    await new Promise((r) => setImmediate(r));
    expect(director.acceptingViewers).toBe(false);
    // A tune-in that reaches the director now is refused; HTTP refuses before it gets there.
    await expect(director.tuneIn(3, { sink: new PassThrough() })).rejects.toBeInstanceOf(ShuttingDownError);
    const refused = await fetch(`${url}/channels/3/stream.ts`, { headers: { Connection: "close" } });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ type: "urn:retrovue:problem:shutting-down" });
    await closing;
    await stream.ended;
    expect(director.sessionCount).toBe(0);
  });
});
