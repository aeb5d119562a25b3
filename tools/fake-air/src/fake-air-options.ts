/** `single`: one channel per process, like the real engine. `multi`: any number of channels. */
export type FakeAirMode = "multi" | "single";

/** Settings of a fake engine. Pass a `Partial` to `startFakeAir`; defaults are filled once. */
export interface FakeAirOptions {
  /** Interface to bind. @default "127.0.0.1" */
  host: string;
  /** Port to bind; 0 picks a free one. @default 0 */
  port: number;
  /** Channel model. @default "multi" */
  mode: FakeAirMode;
  /** SwitchToLive leads (target − issued_at) below this are a PROTOCOL_VIOLATION, in ms (0–600000). @default 5000 */
  minPrefeedLeadMs: number;
  /** Directory that relative asset paths resolve under; `undefined` resolves against the process cwd. */
  mediaRoot: string | undefined;
  /** What GetVersion returns. @default "1.0.0" */
  version: string;
  /**
   * Runs when a `crash` fault fires. `undefined` (default) calls the fake's own `crash()`;
   * the CLI passes `() => process.exit(1)`.
   */
  onCrashFault: (() => void) | undefined;
}

/** Defaults of {@link FakeAirOptions}. */
export const DEFAULT_FAKE_AIR_OPTIONS: Readonly<FakeAirOptions> = {
  host: "127.0.0.1",
  port: 0,
  mode: "multi",
  minPrefeedLeadMs: 5000,
  mediaRoot: undefined,
  version: "1.0.0",
  onCrashFault: undefined,
};

/** Thrown by {@link resolveFakeAirOptions} for an out-of-range option. */
export class FakeAirOptionsError extends RangeError {
  override readonly name = "FakeAirOptionsError";
  constructor(
    readonly option: keyof FakeAirOptions,
    message: string,
  ) {
    super(`${option}: ${message}`);
  }
}

/** Fills defaults and checks ranges once. Throws {@link FakeAirOptionsError}. */
export function resolveFakeAirOptions(partial: Partial<FakeAirOptions> = {}): FakeAirOptions {
  const o: FakeAirOptions = { ...DEFAULT_FAKE_AIR_OPTIONS };
  for (const [key, value] of Object.entries(partial)) {
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new FakeAirOptionsError("port", "must be an integer 0..65535");
  if (o.mode !== "multi" && o.mode !== "single") throw new FakeAirOptionsError("mode", 'must be "multi" or "single"');
  if (!Number.isFinite(o.minPrefeedLeadMs) || o.minPrefeedLeadMs < 0 || o.minPrefeedLeadMs > 600_000) {
    throw new FakeAirOptionsError("minPrefeedLeadMs", "must be 0..600000");
  }
  if (typeof o.host !== "string" || o.host.length === 0) throw new FakeAirOptionsError("host", "must be a non-empty string");
  if (typeof o.version !== "string") throw new FakeAirOptionsError("version", "must be a string");
  return o;
}
