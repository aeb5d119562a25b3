import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { createCoreServer, parseConfig, type ServerComponent } from "../../src/index.js";
import type { DiscoveryComponent } from "../../src/guide/hdhomerun-discovery-component.js";
import { HDHR_TAG, decodeHdhrFrame } from "../../src/guide/hdhomerun-packet.js";
import { requireTool, runTool } from "../support/debian-tool.js";
import { captureLogger, cleanupTempDirs, closeTracked, makeTempDir, testConfig, track } from "../support/test-server.js";

afterEach(async () => {
  await closeTracked();
  cleanupTempDirs();
});

// The request libhdhomerun sends (device type and id wildcards), as captured from hdhomerun_config.
const DISCOVER_REQUEST = Buffer.from("0002000c0104ffffffff0204ffffffff73cc7d8f", "hex");

async function start(extra: readonly string[]): Promise<{ url: string; discovery: DiscoveryComponent }> {
  const { logger } = captureLogger();
  const server = track(createCoreServer(testConfig(extra), { logger }));
  const { url } = await server.listen();
  const discovery = server.components.find((c: ServerComponent) => c.name === "discovery") as DiscoveryComponent;
  return { url, discovery };
}

/** Sends one discovery request by unicast to 127.0.0.1:port and returns the first reply's TLVs by tag. */
async function discoverUnicast(port: number): Promise<Map<number, Buffer>> {
  const socket = createSocket("udp4");
  try {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no discovery reply within 5 s")), 5_000);
      socket.once("message", (message) => {
        clearTimeout(timer);
        resolve(message);
      });
      socket.send(DISCOVER_REQUEST, port, "127.0.0.1");
    });
    const frame = decodeHdhrFrame(reply);
    if (frame === undefined) throw new Error(`malformed reply ${reply.toString("hex")}`);
    return new Map(frame.tlvs.map((t) => [t.tag, t.value]));
  } finally {
    socket.close();
  }
}

// Real servers and third-party tools (perl, Go binaries) on a loaded 2-core machine: generous bound.
describe("HDHomeRun discovery (UDP, unicast to 127.0.0.1 only)", { timeout: 60_000 }, () => {
  it("is found by `hdhomerun_config discover 127.0.0.1` (Debian hdhomerun-config) with the id of /discover.json and /device.xml", async () => {
    const tool = requireTool("hdhomerun_config", "hdhomerun-config");
    // hdhomerun_config always asks port 65001.
    const { url, discovery } = await start(["--discovery", "--discovery-host", "127.0.0.1", "--discovery-port", "65001"]);
    expect(discovery.responder?.address).toEqual({ address: "127.0.0.1", port: 65001 });
    const run = await runTool(tool, ["discover", "127.0.0.1"]);
    const discover = (await (await fetch(`${url}/discover.json`)).json()) as { DeviceID: string; BaseURL: string };
    expect(run.stdout.trim()).toBe(`hdhomerun device ${discover.DeviceID} found at 127.0.0.1`);
    expect(run.code).toBe(0);
    const deviceXml = await (await fetch(`${url}/device.xml`)).text();
    expect(deviceXml).toContain(`<serialNumber>${discover.DeviceID}</serialNumber>`);
  });

  it("announces the base URL, DeviceAuth and tuner count that /discover.json answers at that base URL", async () => {
    const { discovery } = await start(["--discovery", "--discovery-host", "127.0.0.1", "--discovery-port", "0", "--max-tuners", "3"]);
    const port = discovery.responder?.address.port ?? 0;
    expect(port).toBeGreaterThan(0);
    const tlvs = await discoverUnicast(port);
    const baseUrl = tlvs.get(HDHR_TAG.baseUrl)?.toString() ?? "";
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discover = (await (await fetch(`${baseUrl}/discover.json`)).json()) as Record<string, unknown>;
    expect(discover["BaseURL"]).toBe(baseUrl);
    expect(discover["LineupURL"]).toBe(tlvs.get(HDHR_TAG.lineupUrl)?.toString());
    expect(discover["DeviceID"]).toBe(tlvs.get(HDHR_TAG.deviceId)?.readUInt32BE(0).toString(16).toUpperCase().padStart(8, "0"));
    expect(discover["DeviceAuth"]).toBe(tlvs.get(HDHR_TAG.deviceAuthStr)?.toString());
    expect(discover["TunerCount"]).toBe(3);
    expect([...(tlvs.get(HDHR_TAG.tunerCount) ?? [])]).toEqual([3]);
    expect(discovery.responder?.replies).toBe(1);
  });

  it("starts without discovery, with a warning, when its UDP port is taken", async () => {
    const blocker = createSocket("udp4");
    await new Promise<void>((resolve) => blocker.bind(0, "127.0.0.1", resolve));
    try {
      const { logger, lines } = captureLogger();
      const server = track(createCoreServer(testConfig(["--discovery", "--discovery-host", "127.0.0.1", "--discovery-port", String(blocker.address().port)]), { logger }));
      const { url } = await server.listen();
      expect((await fetch(`${url}/discover.json`)).status).toBe(200);
      const discovery = server.components.find((c: ServerComponent) => c.name === "discovery") as DiscoveryComponent;
      expect(discovery.responder).toBeUndefined();
      expect(lines.find((l) => String(l["msg"]).startsWith("HDHomeRun discovery is off"))).toMatchObject({ level: 40, code: "EADDRINUSE" });
    } finally {
      blocker.close();
    }
  });

  it("is off by default on loopback, on by default beyond it, and --no-discovery turns it off", async () => {
    const dataDir = makeTempDir();
    const config = (argv: string[]) => parseConfig({ argv: ["--data-dir", dataDir, ...argv], env: {} }).discovery;
    expect(config([])).toEqual({ enabled: false, host: "0.0.0.0", port: 65001 });
    expect(config(["--host", "0.0.0.0"]).enabled).toBe(true);
    expect(config(["--host", "192.168.1.5"]).enabled).toBe(true);
    expect(config(["--host", "0.0.0.0", "--no-discovery"]).enabled).toBe(false);
    expect(parseConfig({ argv: ["--data-dir", dataDir], env: { RETROVUE_DISCOVERY: "on" } }).discovery.enabled).toBe(true);
    const { discovery } = await start([]);
    expect(discovery.responder).toBeUndefined();
  });
});
