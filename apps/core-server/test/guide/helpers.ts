import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { DtdValidator, XmlDocument, XmlDtd, XmlValidateError } from "libxml2-wasm";
import type { GuideRoute } from "../../src/guide/index.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

/** DTD-validates `xml` with libxml2; returns the validity errors ([] when valid). Throws if not well-formed. */
export function dtdErrors(xml: string, dtdFixture: "xmltv-subset.dtd" | "upnp-device-subset.dtd"): string[] {
  const dtd = XmlDtd.fromString(fixture(dtdFixture));
  const validator = new DtdValidator(dtd);
  const doc = XmlDocument.fromString(xml);
  try {
    validator.validate(doc);
    return [];
  } catch (error) {
    if (error instanceof XmlValidateError) return error.details.map((d) => `${d.line}: ${d.message.trim()}`);
    throw error;
  } finally {
    doc.dispose();
    validator.dispose();
  }
}

const ARRAY_TAGS = new Set(["channel", "programme", "display-name", "icon", "title", "desc", "category"]);

/** Parses XML with fast-xml-parser: attributes as "@_name", text as "#text", repeatable tags as arrays. */
export function parseXml(xml: string): Record<string, unknown> {
  const wellFormed = XMLValidator.validate(xml);
  if (wellFormed !== true) throw new Error(`not well-formed: ${JSON.stringify(wellFormed.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    alwaysCreateTextNode: true,
    htmlEntities: true,
    isArray: (name) => ARRAY_TAGS.has(name),
  });
  return parser.parse(xml) as Record<string, unknown>;
}

/** XMLTV as parsed by {@link parseXml}, typed for the tests. */
export interface ParsedXmltv {
  readonly tv: {
    readonly "@_generator-info-name"?: string;
    readonly channel?: Array<{
      "@_id": string;
      "display-name": Array<{ "#text": string }>;
      icon?: Array<{ "@_src": string }>;
    }>;
    readonly programme?: Array<{
      "@_start": string;
      "@_stop": string;
      "@_channel": string;
      title: Array<{ "#text": string }>;
      desc?: Array<{ "#text": string }>;
      category?: Array<{ "#text": string }>;
    }>;
  };
}

/** One #EXTINF entry of an M3U playlist. */
export interface M3uEntry {
  readonly duration: string;
  readonly attrs: Record<string, string>;
  readonly title: string;
  readonly url: string;
}

const ATTR = /([A-Za-z0-9_-]+)="([^"]*)"/y;

function readAttrs(text: string): { attrs: Record<string, string>; rest: string } {
  const attrs: Record<string, string> = {};
  let pos = 0;
  for (;;) {
    while (text[pos] === " ") pos += 1;
    ATTR.lastIndex = pos;
    const match = ATTR.exec(text);
    if (match === null) break;
    if (match[1]! in attrs) throw new Error(`duplicate attribute ${match[1]}`);
    attrs[match[1]!] = match[2]!;
    pos = ATTR.lastIndex;
  }
  return { attrs, rest: text.slice(pos) };
}

/** A strict extended-M3U line parser: header attributes, then #EXTINF + URL pairs; throws on anything else. */
export function parseM3u(text: string): { header: Record<string, string>; entries: M3uEntry[] } {
  if (!text.endsWith("\n")) throw new Error("playlist does not end with a newline");
  const lines = text.slice(0, -1).split("\n");
  const first = lines.shift() ?? "";
  if (!first.startsWith("#EXTM3U")) throw new Error("missing #EXTM3U header");
  const header = readAttrs(first.slice("#EXTM3U".length));
  if (header.rest !== "") throw new Error(`junk in header: ${header.rest}`);
  const entries: M3uEntry[] = [];
  while (lines.length > 0) {
    const info = lines.shift()!;
    const url = lines.shift();
    const match = /^#EXTINF:(-?\d+) /.exec(info);
    if (match === null || url === undefined || url.startsWith("#")) throw new Error(`bad entry: ${info}`);
    const { attrs, rest } = readAttrs(info.slice(match[0].length));
    if (!rest.startsWith(",")) throw new Error(`no title separator: ${info}`);
    entries.push({ duration: match[1]!, attrs, title: rest.slice(1), url });
  }
  return { header: header.attrs, entries };
}

/** A tiny router over node:http mounting routes as the server will (method + exact pathname, HEAD → GET). */
export interface Harness {
  readonly server: Server;
  readonly origin: string;
  readonly port: number;
  /** Sockets accepted and not yet closed, as seen by the harness. */
  openSockets(): number;
  /** Connections the server itself still counts. */
  connections(): Promise<number>;
  /** Stops listening and ends every connection; resolves once all are closed. */
  close(): Promise<void>;
}

/** Starts a real HTTP server on 127.0.0.1:0 serving `routes` (404 problem otherwise). */
export async function startHarness(routes: readonly GuideRoute[]): Promise<Harness> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    // As the server's router does: HEAD goes to the GET handler.
    const method = req.method === "HEAD" ? "GET" : req.method;
    const route = routes.find((r) => r.method === method && r.path === path);
    if (route === undefined) {
      res.statusCode = 404;
      res.end();
      return;
    }
    void route.handle(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    openSockets: () => sockets.size,
    async close() {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      // Keep-alive sockets from fetch would hold the server open: end them, then wait until each is gone.
      const gone = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())));
      server.closeAllConnections();
      await Promise.all([closed, ...gone]);
    },
    connections: () => new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n)))),
  };
}
