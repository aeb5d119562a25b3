import { parseArgs } from "node:util";
import type { FakeAirOptions } from "./fake-air-options.js";

/** What the command line asks for. */
export interface FakeAirCliArgs {
  options: Partial<FakeAirOptions>;
  /** Port of the HTTP control server (0 = any free port); undefined → no control server. */
  controlPort: number | undefined;
}

/** Usage text of the CLI. */
export const FAKE_AIR_USAGE =
  "usage: fake-air --address HOST:PORT [--mode single|multi] [--control-port N] [--min-prefeed-lead-ms N] [--media-root DIR] [--api-version V]";

/** Thrown by {@link parseFakeAirArgs} for a malformed command line. */
export class CliArgsError extends Error {
  override readonly name = "CliArgsError";
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliArgsError(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

/** Parses CLI arguments (without node and script). Throws {@link CliArgsError}. */
export function parseFakeAirArgs(argv: readonly string[]): FakeAirCliArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        address: { type: "string" },
        mode: { type: "string" },
        "control-port": { type: "string" },
        "min-prefeed-lead-ms": { type: "string" },
        "media-root": { type: "string" },
        "api-version": { type: "string" },
      },
    }));
  } catch (error) {
    throw new CliArgsError((error as Error).message);
  }
  const options: Partial<FakeAirOptions> = {};
  const address = values.address ?? "127.0.0.1:0";
  const colon = address.lastIndexOf(":");
  const port = integer("address port", colon < 0 ? undefined : address.slice(colon + 1));
  if (colon <= 0 || port === undefined) throw new CliArgsError(`--address must be HOST:PORT, got "${address}"`);
  options.host = address.slice(0, colon);
  options.port = port;
  if (values.mode !== undefined) {
    if (values.mode !== "single" && values.mode !== "multi") throw new CliArgsError(`--mode must be single or multi, got "${values.mode}"`);
    options.mode = values.mode;
  }
  const lead = integer("min-prefeed-lead-ms", values["min-prefeed-lead-ms"]);
  if (lead !== undefined) options.minPrefeedLeadMs = lead;
  if (values["media-root"] !== undefined) options.mediaRoot = values["media-root"];
  if (values["api-version"] !== undefined) options.version = values["api-version"];
  return { options, controlPort: integer("control-port", values["control-port"]) };
}
