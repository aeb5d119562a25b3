import * as grpc from "@grpc/grpc-js";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeBlackClip } from "../../src/media/black-clip.js";
import { loadPlayoutService } from "../../src/playout-proto.js";

/**
 * An absolute path to a playable clip (black + silence, one per test process): StartChannel's
 * default plan_handle, since the engine opens it as its first producer.
 */
export const PLAN_CLIP = join(tmpdir(), `fake-air-plan-${process.pid}.ts`);
writeFileSync(PLAN_CLIP, encodeBlackClip());
process.once("exit", () => rmSync(PLAN_CLIP, { force: true }));

/** Outcome of one unary call: a body or a gRPC error. */
export type CallResult = { ok: true; body: Record<string, unknown> } | { ok: false; code: number; message: string };

/** A tiny promise wrapper over a grpc-js client built from the same proto (not air-client's stack). */
export class PlayoutTestClient {
  readonly #client: grpc.Client;

  constructor(address: string) {
    const Ctor = loadPlayoutService();
    this.#client = new Ctor(address, grpc.credentials.createInsecure());
  }

  call(method: string, request: Record<string, unknown>, deadlineMs = 5000): Promise<CallResult> {
    const fn = (this.#client as unknown as Record<string, (...args: unknown[]) => void>)[method];
    if (fn === undefined) throw new Error(`no method ${method}`);
    return new Promise((resolve) => {
      fn.call(this.#client, request, { deadline: Date.now() + deadlineMs }, (error: grpc.ServiceError | null, body: Record<string, unknown>) => {
        if (error) resolve({ ok: false, code: error.code, message: error.details });
        else resolve({ ok: true, body });
      });
    });
  }

  /** Like {@link call} but throws on a gRPC error. */
  async body(method: string, request: Record<string, unknown>, deadlineMs = 5000): Promise<Record<string, unknown>> {
    const r = await this.call(method, request, deadlineMs);
    if (!r.ok) throw new Error(`${method} failed: ${r.code} ${r.message}`);
    return r.body;
  }

  close(): void {
    this.#client.close();
  }
}

/** A valid program_format_json. */
export const PROGRAM_FORMAT_JSON = JSON.stringify({
  video: { width: 320, height: 240, frame_rate: "30/1" },
  audio: { sample_rate: 48000, channels: 2 },
});

/** StartChannel request for `channelId`. */
export function startRequest(channelId: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { channel_id: channelId, plan_handle: PLAN_CLIP, port: 0, program_format_json: PROGRAM_FORMAT_JSON, ...extra };
}

/** LoadPreview request for `channelId` and `assetPath` (30 fps). */
export function previewRequest(channelId: number, assetPath: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { channel_id: channelId, asset_path: assetPath, start_frame: "0", frame_count: "300", fps_numerator: 30, fps_denominator: 1, ...extra };
}
