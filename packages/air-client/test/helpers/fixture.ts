// Shared set-up for the loopback contract suites: real fake-air servers (gRPC over
// 127.0.0.1), real Unix-socket sinks, a temp media dir, and a clean-house teardown that
// fails the test if any TCP handle is left open.
import { encodeBlackClip, startFakeAir, type FakeAir, type FakeAirOptions } from "@retrovue/fake-air";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAirClient, type AirClient, type AirClientOptionsInit, type AirProgramFormat } from "../../src/index.js";
import { expectNoOpenTcpHandles } from "./closed-port.js";

/** A small valid program format. */
export const FORMAT: AirProgramFormat = {
  video: { width: 320, height: 240, frameRate: { numerator: 30, denominator: 1 } },
  audio: { sampleRate: 48000, channels: 2 },
};

/** Name of the asset file in the media dir: a playable black + silence MPEG-TS clip (the engine refuses undecodable media). */
export const ASSET = "clip.bin";

export interface Fixture {
  /** Starts a fake engine (media root = this fixture's temp dir; prefeed lead 100 ms unless set). */
  fake(options?: Partial<FakeAirOptions>): Promise<FakeAir>;
  /** A client for `address`, closed in teardown. */
  client(address: string, options?: AirClientOptionsInit): AirClient;
  /** A listening Unix socket in the temp dir (Core's sink); returns its path. */
  sink(): Promise<string>;
  /** Closes clients, fakes and sinks, removes the temp dir, then checks no TCP handle is open. */
  teardown(): Promise<void>;
}

export function createFixture(): Fixture {
  const clients: AirClient[] = [];
  const fakes: FakeAir[] = [];
  const sinks: net.Server[] = [];
  const sinkSockets = new Set<net.Socket>();
  let dir: string | undefined;

  const mediaDir = async (): Promise<string> => {
    if (dir === undefined) {
      dir = await mkdtemp(join(tmpdir(), "air-client-"));
      await writeFile(join(dir, ASSET), encodeBlackClip());
    }
    return dir;
  };

  return {
    async fake(options = {}) {
      const fake = await startFakeAir({ minPrefeedLeadMs: 100, mediaRoot: await mediaDir(), ...options });
      fakes.push(fake);
      return fake;
    },
    client(address, options) {
      const c = createAirClient(address, options);
      clients.push(c);
      return c;
    },
    async sink() {
      const path = join(await mediaDir(), `ch_${sinks.length + 1}.sock`);
      const server = net.createServer((socket) => {
        sinkSockets.add(socket);
        socket.on("error", () => {});
        socket.once("close", () => sinkSockets.delete(socket));
        socket.resume();
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(path, resolve);
      });
      sinks.push(server);
      return path;
    },
    async teardown() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(fakes.splice(0).map((f) => f.stop()));
      for (const s of sinkSockets) s.destroy();
      await Promise.all(sinks.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
      dir = undefined;
      await expectNoOpenTcpHandles();
    },
  };
}
