/**
 * StreamHub fan-out benchmark.
 *
 * One channel at 8 Mbit/s of MPEG-TS (188-byte packets, written 7 packets at a time, a
 * PAT every 500 packets) fanned out by a real StreamHub to 10, 100 and 1,000 loopback TCP
 * viewers; plus the ceiling: the same feeder piped straight to one TCP socket, no hub.
 *
 * The parent process runs only the hub (or the direct pipe), so its CPU and RSS are the
 * hub's cost. A forked child runs the feeder (into the hub's Unix socket) and the TCP
 * viewers, so send and receive instants come from one clock: every write starts with a
 * packet on PID 0x1FFA carrying performance.now(); sampled viewers parse the packets
 * and record receive − send. Run: `pnpm --filter @retrovue/core-runtime bench`
 * (builds nothing: build core-runtime first). Takes ~15 s.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { StreamHub, streamSocketPath, systemClock } from "@retrovue/core-runtime";

const BITRATE_BPS = 8_000_000;
const PACKET = 188;
const PACKETS_PER_WRITE = 7;
const PAT_EVERY_PACKETS = 500;
const STAMP_PID = 0x1ffa;
const FEED_MS = 2_500;
const SAMPLED_VIEWERS = 12;

interface ClientArgs {
  readonly viewers: number;
  readonly tcpPort: number;
  readonly feedPath: string;
  readonly feedMs: number;
}

interface ClientReport {
  readonly bytesPerViewer: number[];
  readonly latenciesMs: number[];
  readonly closedEarly: number;
  readonly bytesFed: number;
  readonly feedMs: number;
}

type ToParent = { type: "ready" } | { type: "report"; report: ClientReport };
type ToChild = { type: "go" };

// ─── child: feeder + viewers ─────────────────────────────────────────────────────

function tsPacket(pid: number, pusi: boolean, cc: number): Buffer {
  const packet = Buffer.alloc(PACKET, 0xff);
  packet[0] = 0x47;
  packet[1] = (pusi ? 0x40 : 0) | ((pid >> 8) & 0x1f);
  packet[2] = pid & 0xff;
  packet[3] = 0x10 | (cc & 0x0f);
  return packet;
}

/** Parses whole packets of a PAT-aligned stream and records stamp latencies. */
function latencyProbe(out: number[]): (chunk: Buffer) => void {
  let carry: Buffer = Buffer.alloc(0);
  return (chunk) => {
    const now = performance.now();
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let offset = 0;
    for (; offset + PACKET <= data.length; offset += PACKET) {
      const pid = (((data[offset + 1] as number) & 0x1f) << 8) | (data[offset + 2] as number);
      if (data[offset] === 0x47 && pid === STAMP_PID) out.push(now - data.readDoubleLE(offset + 4));
    }
    carry = Buffer.from(data.subarray(offset));
  };
}

async function runClient(args: ClientArgs): Promise<void> {
  const send = (message: ToParent): Promise<void> =>
    new Promise((resolve) => (process.send ? process.send(message, undefined, undefined, () => resolve()) : resolve()));
  const bytes = new Array<number>(args.viewers).fill(0);
  const latencies: number[] = [];
  let closedEarly = 0;
  let feeding = true;
  const sampleEvery = Math.max(1, Math.floor(args.viewers / SAMPLED_VIEWERS));
  const sockets: Socket[] = [];
  await Promise.all(
    Array.from({ length: args.viewers }, (_, i) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: args.tcpPort }, () => resolve());
        socket.once("error", reject);
        const probe = i % sampleEvery === 0 || i === args.viewers - 1 ? latencyProbe(latencies) : undefined;
        socket.on("data", (chunk: Buffer) => {
          bytes[i] = (bytes[i] as number) + chunk.length;
          probe?.(chunk);
        });
        socket.on("close", () => {
          if (feeding) closedEarly++;
        });
        sockets.push(socket);
      }),
    ),
  );
  await send({ type: "ready" });
  await new Promise<void>((resolve) => process.once("message", (m: ToChild) => m.type === "go" && resolve()));

  const feeder = await new Promise<Socket>((resolve) => {
    const socket = connect(args.feedPath, () => resolve(socket));
  });
  const stamp = tsPacket(STAMP_PID, false, 0);
  const filler = tsPacket(0x100, false, 0);
  const pat = tsPacket(0, true, 0);
  const bytesPerMs = BITRATE_BPS / 8 / 1000;
  const started = performance.now();
  let packetsSent = 0;
  let bytesFed = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const owed = Math.floor((elapsed * bytesPerMs) / PACKET) - packetsSent;
      for (let n = 0; n + PACKETS_PER_WRITE <= owed; n += PACKETS_PER_WRITE) {
        const write = Buffer.allocUnsafe(PACKET * PACKETS_PER_WRITE);
        for (let p = 0; p < PACKETS_PER_WRITE; p++) {
          const index = packetsSent + p;
          const template = index % PAT_EVERY_PACKETS === 0 ? pat : p === 0 ? stamp : filler;
          template.copy(write, p * PACKET);
        }
        if ((packetsSent % PAT_EVERY_PACKETS) !== 0) write.writeDoubleLE(performance.now(), 4);
        packetsSent += PACKETS_PER_WRITE;
        bytesFed += write.length;
        feeder.write(write);
      }
      if (elapsed >= args.feedMs) {
        clearInterval(tick);
        resolve();
      }
    }, 2);
  });
  const feedMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 400)); // let the last chunks arrive
  feeding = false;
  feeder.destroy();
  for (const socket of sockets) socket.destroy();
  await send({ type: "report", report: { bytesPerViewer: bytes, latenciesMs: latencies, closedEarly, bytesFed, feedMs } });
}

// ─── parent: hub (or direct pipe) + measurements ─────────────────────────────────

interface Row {
  readonly label: string;
  readonly viewers: number;
  readonly offeredMBps: number;
  readonly deliveredMBps: number;
  readonly perViewerMBps: number;
  readonly evicted: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuPct: number;
  readonly rssMB: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function listenTcp(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

async function scenario(viewers: number, direct: boolean, dir: string, coalesceMaxDelayMs?: number): Promise<Row> {
  const feedPath = direct ? join(dir, "direct.sock") : streamSocketPath(dir, viewers * 10 + (coalesceMaxDelayMs ?? 1));
  const tcp = createServer();
  const clients: Socket[] = [];
  let hub: StreamHub | undefined;
  let feedServer: Server | undefined;
  let nextId = 0;
  if (direct) {
    feedServer = createServer((feed) => {
      feed.on("data", (chunk: Buffer) => clients[0]?.write(chunk)); // straight through, no hub
      feed.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => feedServer?.listen(feedPath, () => resolve()));
  } else {
    const options = coalesceMaxDelayMs === undefined ? {} : { coalesceMaxDelayMs };
    hub = new StreamHub({ channelNumber: viewers, socketPath: feedPath, clock: systemClock }, options);
    await hub.listen();
  }
  tcp.on("connection", (socket) => {
    socket.on("error", () => undefined);
    socket.setNoDelay(true);
    clients.push(socket);
    hub?.addViewer(`v${nextId++}`, socket);
  });
  const tcpPort = await listenTcp(tcp);
  const rssBefore = process.memoryUsage().rss;
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--client", JSON.stringify({ viewers, tcpPort, feedPath, feedMs: FEED_MS })], {
    execArgv: process.execArgv,
  });
  const nextMessage = (): Promise<ToParent> => new Promise((resolve) => child.once("message", (m: ToParent) => resolve(m)));
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await nextMessage(); // ready: every viewer connected
  let rssMax = process.memoryUsage().rss;
  const rssProbe = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100);
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const reportPromise = nextMessage();
  child.send({ type: "go" } satisfies ToChild);
  const message = await reportPromise;
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  clearInterval(rssProbe);
  clearTimeout(guard);
  await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
  const evicted = hub?.stats().viewersEvicted ?? 0;
  await hub?.close();
  await new Promise<void>((resolve) => (feedServer ? feedServer.close(() => resolve()) : resolve()));
  for (const socket of clients) socket.destroy();
  await new Promise<void>((resolve) => tcp.close(() => resolve()));
  if (message.type !== "report") throw new Error("client did not report");
  const { report } = message;
  const delivered = report.bytesPerViewer.reduce((a, b) => a + b, 0);
  const feedSeconds = report.feedMs / 1000;
  return {
    label: direct ? "ceiling: feeder → 1 socket, no hub" : `hub → ${viewers} viewers${coalesceMaxDelayMs === 0 ? ", no coalescing" : ""}`,
    viewers,
    offeredMBps: (report.bytesFed * viewers) / feedSeconds / 1e6,
    deliveredMBps: delivered / feedSeconds / 1e6,
    perViewerMBps: delivered / viewers / feedSeconds / 1e6,
    evicted: Math.max(evicted, direct ? report.closedEarly : 0),
    p50Ms: percentile(report.latenciesMs, 50),
    p99Ms: percentile(report.latenciesMs, 99),
    cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    rssMB: (rssMax - rssBefore) / 1e6,
  };
}

function pad(value: string, width: number): string {
  return value.length >= width ? value : " ".repeat(width - value.length) + value;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "rv-hub-bench-"));
  try {
    const ceiling = await scenario(1, true, dir);
    const rows: Row[] = [ceiling];
    for (const viewers of [10, 100, 1_000]) rows.push(await scenario(viewers, false, dir));
    rows.push(await scenario(100, false, dir, 0)); // the latency/CPU trade-off of coalescing
    const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
    console.log(
      `\nStreamHub fan-out — 1 channel, ${BITRATE_BPS / 1e6} Mbit/s MPEG-TS (${PACKETS_PER_WRITE}-packet writes), ` +
        `${FEED_MS / 1000} s per row, loopback TCP viewers in a separate process; hub defaults ` +
        `(coalesce 20 ms / 64 KiB, 2 MiB per-viewer bound). Node ${process.version}.`,
    );
    const header = ["scenario", "offered MB/s", "delivered MB/s", "per viewer MB/s", "x ceiling", "evicted", "p50 ms", "p99 ms", "p99 x ceil", "CPU %", "CPU %/viewer", "RSS MB", "RSS KB/viewer"];
    const widths = [38, 12, 14, 15, 9, 7, 7, 7, 10, 6, 12, 7, 13];
    console.log(header.map((h, i) => pad(h, widths[i] as number)).join(" "));
    for (const row of rows) {
      const cells = [
        row.label,
        f(row.offeredMBps, 2),
        f(row.deliveredMBps, 2),
        f(row.perViewerMBps, 3),
        f(row.perViewerMBps / ceiling.perViewerMBps, 2),
        String(row.evicted),
        f(row.p50Ms),
        f(row.p99Ms),
        f(row.p99Ms / ceiling.p99Ms, 1),
        f(row.cpuPct),
        f(row.cpuPct / row.viewers, 3),
        f(row.rssMB),
        f((row.rssMB * 1000) / row.viewers, 1),
      ];
      console.log(cells.map((c, i) => pad(c, widths[i] as number)).join(" "));
    }
    console.log(
      "\nlatency = feeder write → viewer receive (same clock), sampled on up to 13 viewers incl. the last one served; " +
        "CPU/RSS = the hub process only (RSS: peak growth over the run, incl. socket buffers).",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--client") {
  runClient(JSON.parse(process.argv[3] as string) as ClientArgs).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  await main();
}
