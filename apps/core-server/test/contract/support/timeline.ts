import type { AirMethod, RecordedCall } from "@retrovue/fake-air";

/** RPCs that prepare or perform a boundary (INV-TERMINAL-SCHEDULER-HALT-001's "scheduling RPC"). */
export const SCHEDULING_METHODS: readonly AirMethod[] = ["LoadPreview", "SwitchToLive"];

/**
 * The engine's side of the conversation as the fake recorded it, for one channel (calls
 * without a channel id, like GetVersion, belong to every channel). Times are epoch ms on
 * the same machine clock as the test's `Date.now()`.
 */
export class Timeline {
  readonly calls: readonly RecordedCall[];

  constructor(calls: readonly RecordedCall[], channel?: number) {
    this.calls = channel === undefined ? calls : calls.filter((c) => channelOf(c) === undefined || channelOf(c) === channel);
  }

  /** Calls of the given methods (all when none given). */
  of(...methods: AirMethod[]): RecordedCall[] {
    return methods.length === 0 ? [...this.calls] : this.calls.filter((c) => methods.includes(c.method));
  }

  /** Calls that arrived at or after `atMs`. */
  since(atMs: number, ...methods: AirMethod[]): RecordedCall[] {
    return this.of(...methods).filter((c) => c.receivedAtMs >= atMs);
  }

  /** Calls that arrived in [fromMs, toMs). */
  between(fromMs: number, toMs: number, ...methods: AirMethod[]): RecordedCall[] {
    return this.of(...methods).filter((c) => c.receivedAtMs >= fromMs && c.receivedAtMs < toMs);
  }

  /** Method names in arrival order (optionally from `atMs` on). */
  methods(sinceMs = Number.NEGATIVE_INFINITY): AirMethod[] {
    return this.calls.filter((c) => c.receivedAtMs >= sinceMs).map((c) => c.method);
  }

  /** The first call of `method` at or after `sinceMs`, or undefined. */
  first(method: AirMethod, sinceMs = Number.NEGATIVE_INFINITY): RecordedCall | undefined {
    return this.calls.find((c) => c.method === method && c.receivedAtMs >= sinceMs);
  }

  /** The last call of `method`, or undefined. */
  last(method: AirMethod): RecordedCall | undefined {
    return [...this.calls].reverse().find((c) => c.method === method);
  }

  /** A compact text of the record for failure messages: "+123 LoadPreview (hung)". */
  describe(originMs = this.calls[0]?.receivedAtMs ?? 0): string {
    return this.calls
      .map((c) => {
        const outcome = c.outcome?.kind === "response" ? summarize(c.outcome.response) : (c.outcome?.kind ?? "pending");
        return `+${c.receivedAtMs - originMs} ${c.method} ch=${channelOf(c) ?? "-"} → ${outcome}`;
      })
      .join("\n");
  }
}

/** The channel id of a recorded request, if it has one. */
export function channelOf(call: RecordedCall): number | undefined {
  const id = call.request["channel_id"];
  return id === undefined ? undefined : Number(id);
}

function summarize(response: Record<string, unknown>): string {
  const code = response["result_code"];
  return `${response["success"] === false ? "fail" : "ok"}${code !== undefined && code !== "RESULT_CODE_OK" ? ` ${String(code)}` : ""}`;
}
